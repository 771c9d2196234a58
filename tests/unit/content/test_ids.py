from __future__ import annotations

from kiosk.content.ids import IdMaker, normalise_for_id
from kiosk.content.parse import parse_report

DOC = """---
title: 测试
---
第一段。第二句。

## 一、标题

第二段，不变。

第二段，不变。

最后一段。
"""


def _ids(text: str) -> dict[str, list[str]]:
    report, _ = parse_report("t", text)
    return {
        "blocks": [b.id for b in report.blocks],
        "sentences": [s.id for s in report.sentences],
    }


def test_ids_are_deterministic() -> None:
    assert _ids(DOC) == _ids(DOC)


def test_editing_one_paragraph_changes_no_other_id() -> None:
    before = _ids(DOC)
    after = _ids(DOC.replace("最后一段。", "最后一段，改过了。"))
    assert before["blocks"][:-1] == after["blocks"][:-1]
    assert before["blocks"][-1] != after["blocks"][-1]
    assert before["sentences"][:-1] == after["sentences"][:-1]


def test_inserting_a_paragraph_keeps_existing_ids() -> None:
    before = _ids(DOC)
    after = _ids(DOC.replace("## 一、标题", "新插入的段落。\n\n## 一、标题"))
    assert set(before["blocks"]) < set(after["blocks"])
    assert set(before["sentences"]) < set(after["sentences"])


def test_repeated_text_gets_ordinal_suffix() -> None:
    ids = _ids(DOC)["blocks"]
    assert len(set(ids)) == len(ids)
    assert ids[3] == ids[2] + "-2"


def test_whitespace_and_width_do_not_change_ids() -> None:
    a, b = IdMaker("s-"), IdMaker("s-")
    assert a.make("公开 信息（１）") == b.make("公开信息(1)")
    assert normalise_for_id(" ａ b ") == "ab"
