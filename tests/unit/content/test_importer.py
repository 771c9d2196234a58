"""Golden tests: each folder of tests/content_cases is a page and what it must become.

Regenerate with ``.venv/bin/python scripts/regen_cases.py <slug>`` and review the diff.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.content.importer import Imported, import_bytes, import_file
from kiosk.content.parse import parse_report

ROOT = Path(__file__).resolve().parents[3]
CASES = ROOT / "tests" / "content_cases"
CASE_DIRS = sorted(p for p in CASES.iterdir() if (p / "expected.md").exists())


def _source(case: Path) -> Path:
    (source,) = [p for p in case.iterdir() if p.stem == "source"]
    return source


def _outline(markdown: str) -> list[str]:
    """The structure of a Markdown file: headings, list items and table rows, in order."""
    report, _ = parse_report("case", markdown)
    out = []
    for b in report.blocks:
        if b.type == "heading":
            out.append(f"h{b.level} {b.text}")
        elif b.type == "list":
            out.extend(f"li {''.join(s.text for s in item)}" for item in b.items)
        elif b.type == "table":
            out.append("table " + " | ".join(b.header))
            out.extend("tr " + " | ".join(r) for r in b.rows)
        else:
            out.append(f"p {b.text}")
    return out


def test_there_are_at_least_seven_cases() -> None:
    assert len(CASE_DIRS) >= 7


@pytest.mark.parametrize("case", CASE_DIRS, ids=lambda p: p.name)
def test_golden_case(case: Path) -> None:
    imported = import_file(_source(case))
    expected_meta = json.loads((case / "expected-metadata.json").read_text(encoding="utf-8"))
    assert imported.meta == expected_meta
    markdown = imported.to_markdown()
    expected = (case / "expected.md").read_text(encoding="utf-8")
    assert _outline(markdown) == _outline(expected)  # structural comparison first: clearer diffs
    assert markdown == expected


def test_bundled_seed_is_what_the_importer_makes() -> None:
    produced = import_file(CASES / "kundulun-2013" / "source.txt").to_markdown()
    assert (ROOT / "content" / "kundulun-2013-report.md").read_text(encoding="utf-8") == produced


def _import_text(text: str) -> Imported:
    return import_bytes(text.encode("utf-8"))


def test_headings_of_every_level_with_both_parenthesis_widths() -> None:
    text = (
        "某县2020年政府信息公开工作年度报告\n发布日期：2021-01-15\n"
        "一、总体情况\n（一）主动公开\n本年公开信息。\n1.规章\n规章正文。\n(1)细项\n细项正文。\n"
        "(二)依申请公开\n依申请正文。\n"
    )
    levels = [(b.kind, b.level, b.text) for b in _import_text(text).blocks if b.kind == "heading"]
    assert levels == [
        ("heading", 2, "一、总体情况"),
        ("heading", 3, "（一）主动公开"),
        ("heading", 4, "1.规章"),
        ("heading", 5, "(1)细项"),
        ("heading", 3, "(二)依申请公开"),
    ]


def test_inline_enumeration_becomes_a_list_after_its_lead_in() -> None:
    text = "报告\n发布日期:2020-01-01\n存在的问题：一是公开不够全面；二是解读不够深入；三是平台有待完善。\n"
    blocks = _import_text(text).blocks
    assert [b.kind for b in blocks] == ["paragraph", "list"]
    assert blocks[0].text == "存在的问题："
    assert blocks[1].items == ["一是公开不够全面；", "二是解读不够深入；", "三是平台有待完善。"]


def test_markdown_special_characters_survive_a_round_trip() -> None:
    text = "报告\n发布日期:2020-01-01\n1. 这不是列表 *也不是强调* [链接](x) <b>标签</b> | 竖线 # 井号\n"
    markdown = _import_text(text).to_markdown()
    report, _ = parse_report("x", markdown)
    assert report.blocks[-1].text.endswith("[链接](x) <b>标签</b> | 竖线 # 井号")


def test_garbage_input_does_not_crash() -> None:
    for data in (b"", b"\x00\xff\xfe", b"<html><body></body></html>", b"\n\n\n"):
        imported = import_bytes(data)
        assert imported.meta["title"]


_LINE = st.one_of(
    st.text(max_size=80),
    st.sampled_from(
        [
            "一、总体情况",
            "（一）主动公开",
            "(二)依申请",
            "1.规章",
            "（1）细项",
            "一是甲；二是乙。",
            "发布日期:2020-01-01 来源:某网",
            "登录",
            "【打印】【关闭】",
            "①甲；②乙。",
            "\t".join(["信息内容", "数量"]),
            "\t".join(["规章", "3"]),
            "<table><tr><td>a</td></tr></table>",
            "I. Overview",
            "First, do it.",
        ]
    ),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_LINE, max_size=30), st.booleans())
def test_importer_never_crashes_and_its_output_parses(lines: list[str], html: bool) -> None:
    text = "\n".join(lines)
    if html:
        text = "<html><body>" + "".join(f"<p>{line}</p>" for line in lines) + "</body></html>"
    imported = import_bytes(text.encode("utf-8", "surrogatepass"))
    markdown = imported.to_markdown()
    assert (
        markdown == import_bytes(text.encode("utf-8", "surrogatepass")).to_markdown()
    )  # deterministic
    if any(b.text.strip() or b.items or b.table for b in imported.blocks):
        report, _ = parse_report("case", markdown)
        ids = [s.id for s in report.sentences]
        assert len(ids) == len(set(ids))
