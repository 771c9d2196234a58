"""Golden tests: each folder of tests/content_cases is a page and what it must become.

Regenerate with ``.venv/bin/python scripts/regen_cases.py <slug>`` and review the diff.
"""

from __future__ import annotations

import functools
import html
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kiosk.content.importer import Imported, import_bytes, import_file
from kiosk.content.parse import parse_report
from kiosk.content.vocab import has_figure
from tests.unit.content.render import render

ROOT = Path(__file__).resolve().parents[3]
CASES = ROOT / "tests" / "content_cases"
CASE_DIRS = sorted(p for p in CASES.iterdir() if (p / "expected.md").exists())


def _source(case: Path) -> Path:
    (source,) = [p for p in case.iterdir() if p.stem == "source"]
    return source


@functools.cache
def _rendered(case: Path) -> bytes:
    """The PDF/.docx of a case, rendered once per session (rendering with its fonts
    takes a second; three tests import the same bytes)."""
    return render(case)


def _import_case(case: Path) -> Imported:
    """A case is a saved page (source.*) or a PDF/.docx rendered from a golden Markdown."""
    if (case / "render.json").exists():
        return import_bytes(_rendered(case))
    return import_file(_source(case))


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


def test_there_are_at_least_twenty_cases() -> None:
    assert len(CASE_DIRS) >= 20


@pytest.mark.parametrize("case", CASE_DIRS, ids=lambda p: p.name)
def test_golden_case(case: Path) -> None:
    imported = _import_case(case)
    expected_meta = json.loads((case / "expected-metadata.json").read_text(encoding="utf-8"))
    assert imported.meta == expected_meta
    markdown = imported.to_markdown()
    expected = (case / "expected.md").read_text(encoding="utf-8")
    assert _outline(markdown) == _outline(expected)  # structural comparison first: clearer diffs
    assert markdown == expected


RENDERED = [c for c in CASE_DIRS if (c / "render.json").exists()]


@pytest.mark.parametrize("case", RENDERED, ids=lambda p: p.name)
def test_a_rendered_attachment_has_the_structure_it_was_made_from(case: Path) -> None:
    """PDF and .docx: the import has the headings, lists, paragraphs and tables of the
    Markdown the attachment was rendered from (PDF loses the spaces at wrapped lines)."""
    spec = json.loads((case / "render.json").read_text(encoding="utf-8"))
    original = (case / spec["from"]).read_text(encoding="utf-8")
    got = _outline(_import_case(case).to_markdown())

    def squeeze(lines: list[str]) -> list[str]:
        return ["".join(x.split()) for x in lines]

    assert squeeze(got) == squeeze(_outline(original))


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


def _visible_text(case: Path) -> str:
    """The text a reader of the source sees: tags, scripts, styles and the head removed."""
    if (case / "render.json").exists():
        spec = json.loads((case / "render.json").read_text(encoding="utf-8"))
        return (case / spec["from"]).read_text(encoding="utf-8").split("\n---\n", 1)[1]
    source = _source(case)
    raw = source.read_bytes()
    from kiosk.content.importer import decode

    text = decode(raw)
    if source.suffix == ".html":
        text = re.sub(r"(?is)<(script|style|head|noscript)\b.*?</\1\s*>", " ", text)
        text = re.sub(r"(?s)<!--.*?-->|<[^>]*>", " ", text)
        text = html.unescape(text)
    return text


@pytest.mark.parametrize("case", CASE_DIRS, ids=lambda p: p.name)
def test_every_digit_sequence_of_the_page_is_in_the_output_or_dropped_for_a_reason(
    case: Path,
) -> None:
    """No figure is lost silently: each number of the page is in the output, or in a
    line the explanation lists as dropped, and no dropped chrome line holds a figure."""
    imported = _import_case(case)
    output = imported.to_markdown()
    dropped = " ".join(d.text for d in imported.dropped)
    for d in imported.dropped:
        if d.reason.startswith(("chrome", "navigation", "footer", "bracketed", "breadcrumb")):
            assert not has_figure(d.text), d
    missing = [
        n for n in re.findall(r"\d+", _visible_text(case)) if n not in output and n not in dropped
    ]
    assert missing == []


def test_a_row_with_fewer_cells_than_the_header_is_explained_not_shifted() -> None:
    text = (
        "某县2020年政府信息公开工作年度报告\n发布日期：2021-01-15\n"
        "项目\t自然人\t法人\t总计\n"
        "一、本年新收申请\t5\t1\t6\n"
        "（一）予以公开\t3\t4\n"  # a merged label: three cells for four columns
        "说明文字\n"
    )
    imported = _import_text(text)
    (table,) = [b.table for b in imported.blocks if b.table is not None]
    assert table.rows[1] == ["（一）予以公开", "", "3", "4"]
    assert any("row 3 has 3 cells for 4 columns" in w for w in imported.warnings)
    assert "row 3 has 3 cells" in imported.explain()


def test_an_unrecognised_table_is_kept_as_text_with_a_warning() -> None:
    text = (
        "某县2020年政府信息公开工作年度报告\n发布日期：2021-01-15\n"
        "规章  3  4  5\n行政规范性文件  6  7\n其他文件  8  9  10  11\n"
    )
    imported = _import_text(text)
    markdown = imported.to_markdown()
    assert not any(b.kind == "table" for b in imported.blocks)
    for n in range(3, 12):
        assert str(n) in markdown
    assert any("kept as text" in w for w in imported.warnings)


_DUMP_LINE = st.one_of(
    st.text(
        alphabet="一二三四五六七八九十条件次年月日报告公开信息规章（）()、.，。；|-: \t　0123456789",
        max_size=40,
    ),
    st.sampled_from(
        [
            "| 信息内容 | 数量 |",
            "| --- | --- |",
            "| 规章 | 3 |",
            "信息内容 | 数量",
            "规章  3  4",
            "行政许可    12    7",
            "第二十条第（一）项",
            "信息内容",
            "本年制发件数",
            "【打印本页】【关闭窗口】",
            "分享到：微信 微博",
            "浏览次数：88",
            "来源：某局 发布时间：2021-01-02 10:00",
            "2021年13月45日",
            "一、总体情况",
        ]
    ),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_DUMP_LINE, min_size=1, max_size=25))
def test_no_digit_of_a_text_dump_is_lost_silently(lines: list[str]) -> None:
    text = "某县2020年政府信息公开工作年度报告\n" + "\n".join(lines)
    imported = import_bytes(text.encode("utf-8"))
    output = imported.to_markdown()
    dropped = " ".join(d.text for d in imported.dropped)
    kept = Counter(re.findall(r"\d+", output + " " + dropped))
    for n, count in Counter(re.findall(r"\d+", text)).items():
        assert kept[n] >= count, n  # every occurrence, not just one
    for d in imported.dropped:
        assert not (has_figure(d.text) and d.reason.startswith(("chrome", "navigation")))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(_DUMP_LINE, st.sampled_from(["p", "div", "td", "li", "h2"])), max_size=20)
)
# One paragraph of four identical ones was taken for the whole article: the other
# three and the table after them vanished without a word.
@example([("00000000", "p")] * 3 + [("00000000", "td")])
def test_no_digit_of_an_html_page_is_lost_silently(parts: list[tuple[str, str]]) -> None:
    body = "".join(
        f"<table><tr><td>{html.escape(t)}</td><td>1</td></tr><tr><td>规章</td><td>2</td></tr></table>"
        if tag == "td"
        else f"<ul><li>{html.escape(t)}</li></ul>"
        if tag == "li"
        else f"<{tag}>{html.escape(t)}</{tag}>"
        for t, tag in parts
    )
    page = f"<html><body><h1>某县2020年政府信息公开工作年度报告</h1>{body}</body></html>"
    imported = import_bytes(page.encode("utf-8"))
    dropped = " ".join(d.text for d in imported.dropped)
    kept = Counter(re.findall(r"\d+", imported.to_markdown() + " " + dropped))
    for n, count in Counter(re.findall(r"\d+", _visible(page))).items():
        assert kept[n] >= count, n  # every occurrence: a repeated paragraph is content


def _visible(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", " ", page))


_WORDS = st.one_of(_DUMP_LINE, st.sampled_from(["00000000", "本年共收到申请 37 件", "规章"]))


def _cell(t: str) -> str:
    return f"<td>{html.escape(t)}</td>"


def _element(text: str, tag: str) -> str:
    # a space after an inline element: a reader sees "0 0", not "00", for two spans
    return f"<{tag}>{html.escape(text)}</{tag}>" + (" " if tag == "span" else "")


_LEAF = st.one_of(
    st.builds(_element, _WORDS, st.sampled_from(["p", "h2", "span", "li", "nav", "footer"])),
    st.builds(
        lambda cap, rows, stray: (
            "<table>"
            + (f"<caption>{html.escape(cap)}</caption>" if cap else "")
            + "".join(f"<tr>{''.join(map(_cell, row))}</tr>" for row in rows)
            + (html.escape(stray) if stray else "")
            + "</table>"
        ),
        st.one_of(st.none(), _WORDS),
        st.lists(st.lists(_WORDS, min_size=1, max_size=3), min_size=1, max_size=4),
        st.one_of(st.none(), _WORDS),
    ),
)
_TREE = st.recursive(
    _LEAF,
    lambda inner: st.builds(
        lambda tag, kids, repeat: f"<{tag}>{''.join(kids * repeat)}</{tag}>",
        st.sampled_from(["div", "section", "article", "ul", "blockquote"]),
        st.lists(inner, min_size=1, max_size=4),
        st.sampled_from([1, 1, 2, 3]),  # the same paragraphs again: content, not noise
    ),
    max_leaves=12,
)


@settings(max_examples=100, deadline=None)
@given(st.lists(_TREE, min_size=1, max_size=4))
def test_no_digit_of_a_nested_html_page_is_lost_silently(trees: list[str]) -> None:
    """Any arrangement of containers, repeated blocks, captions, stray text in tables,
    navigation and footers: each digit sequence is in the output or listed as dropped."""
    page = f"<html><body><h1>某县2020年政府信息公开工作年度报告</h1>{''.join(trees)}</body></html>"
    imported = import_bytes(page.encode("utf-8"))
    dropped = " ".join(d.text for d in imported.dropped)
    kept = Counter(re.findall(r"\d+", imported.to_markdown() + " " + dropped))
    for n, count in Counter(re.findall(r"\d+", _visible(page))).items():
        assert kept[n] >= count, n
