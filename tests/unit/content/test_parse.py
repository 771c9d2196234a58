from __future__ import annotations

import pytest

from kiosk.content.parse import ContentError, parse_report

HEAD = "---\ntitle: 测试报告\ndate: 2014-01-30\n---\n"


def test_blocks_sections_and_levels() -> None:
    body = "导语。\n\n## 一、总则\n\n### (一)细则\n\n正文。\n\n#### 1.小项\n\n##### (1)细项\n\n## 二、其他\n"
    report, warnings = parse_report("t", HEAD + body)
    assert warnings == []
    assert [(b.type, b.level) for b in report.blocks] == [
        ("paragraph", None),
        ("heading", 2),
        ("heading", 3),
        ("paragraph", None),
        ("heading", 4),
        ("heading", 5),
        ("heading", 2),
    ]
    top = report.sections
    assert [s.title for s in top] == ["一、总则", "二、其他"]
    assert top[0].children[0].title == "(一)细则"
    assert top[0].children[0].children[0].children[0].title == "(1)细项"
    assert report.meta.year == 2014  # no year in the title: from the date


def test_lists_keep_items_and_sentences() -> None:
    report, _ = parse_report("t", HEAD + "- 一是甲。\n- 二是乙；丙。\n")
    (block,) = report.blocks
    assert block.type == "list"
    assert [[s.text for s in item] for item in block.items] == [["一是甲。"], ["二是乙；", "丙。"]]
    assert block.text == "一是甲。\n二是乙；丙。"


def test_tables_read_row_by_row_with_headers() -> None:
    text = HEAD + "| 项目 | 数量 |\n| --- | --- |\n| 申请 | 3 |\n| 公开 | 2 |\n"
    (block,) = parse_report("t", text)[0].blocks
    assert block.type == "table"
    assert block.header == ("项目", "数量")
    assert block.rows == (("申请", "3"), ("公开", "2"))
    assert [s.text for s in block.sentences] == ["项目，数量", "申请，数量：3", "公开，数量：2"]


def test_raw_html_in_a_body_is_text_not_markup() -> None:
    (block,) = parse_report("t", HEAD + "<script>alert(1)</script> 文本\n")[0].blocks
    assert "<script>" in block.text  # kept as text; the template escapes it


def test_english_report_language_and_sentences() -> None:
    text = "---\ntitle: Annual Report 2021\nlanguage: en\n---\nIt rose by 1.5 per cent. It fell.\n"
    report, _ = parse_report("t", text)
    assert report.meta.language == "en"
    assert report.meta.year == 2021
    assert [s.text for s in report.sentences] == ["It rose by 1.5 per cent. ", "It fell."]


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("no front matter\n", 1, "missing front matter"),
        ("---\ntitle: x\n", 3, "not closed"),
        ("---\ntitle: [unclosed\n---\nbody\n", 2, "broken front matter"),
        ("---\n- a list\n---\nbody\n", 2, "must be a mapping"),
        ("---\ndate: 2014-01-30\n---\nbody\n", 2, "no 'title'"),
        ("---\ntitle: x\ndate: yesterday\n---\nbody\n", 3, "'date' is not YYYY-MM-DD"),
        ("---\ntitle: x\nyear: twenty\n---\nbody\n", 3, "'year' must be a year"),
        ("---\ntitle: x\norigin_url: javascript:alert(1)\n---\nbody\n", 3, "'origin_url'"),
        ("---\ntitle: x\nlanguage: chinese!\n---\nbody\n", 3, "'language'"),
        ("---\ntitle: x\n---\n\n   \n", 4, "no body"),
    ],
)
def test_errors_name_the_line(text: str, line: int, reason: str) -> None:
    with pytest.raises(ContentError) as info:
        parse_report("t", text)
    assert info.value.line == line
    assert reason in info.value.reason


def test_unknown_keys_are_warnings() -> None:
    _, warnings = parse_report("t", "---\ntitle: x\ntitel: y\n---\nbody\n")
    assert warnings == ["unknown front matter key 'titel'"]


# --- hostile front matter (issue 14, item 6) ------------------------------------


def _alias_bomb(levels: int) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "---\ntitle: Bomb\n" + "\n".join(lines) + f"\nyear: *a{levels - 1}\n---\nbody\n"


def test_yaml_aliases_are_rejected_with_a_short_message() -> None:
    text = _alias_bomb(6)  # 9**6 = 531,441 strings once expanded
    assert len(text) < 700
    with pytest.raises(ContentError) as caught:
        parse_report("bomb", text)
    assert "alias" in caught.value.reason
    assert len(str(caught.value)) < 200
    assert caught.value.line == 3  # the first anchor


def test_a_single_anchor_is_rejected_too() -> None:
    with pytest.raises(ContentError, match="anchor"):
        parse_report("anchor", "---\ntitle: &t Report\n---\nbody\n")


@pytest.mark.parametrize("key", ["date", "year", "language", "origin_url"])
def test_problem_messages_never_hold_a_whole_value(key: str) -> None:
    value = "x" * 100_000
    with pytest.raises(ContentError) as caught:
        parse_report("long", f"---\ntitle: Long\n{key}: {value}\n---\nbody\n")
    assert len(caught.value.reason) < 200


def test_an_unknown_key_is_shortened_in_the_warning() -> None:
    _, warnings = parse_report("key", "---\ntitle: T\n" + "k" * 1000 + ": 1\n---\nbody\n")
    assert len(warnings) == 1 and len(warnings[0]) < 200
