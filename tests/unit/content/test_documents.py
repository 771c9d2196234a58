"""PDF and .docx readers: what the golden cases do not show on their own."""

from __future__ import annotations

import io

import docx

from kiosk.content.documents import is_docx, is_pdf
from kiosk.content.importer import import_bytes


def test_merged_word_cells_keep_their_place_like_html_spans() -> None:
    document = docx.Document()
    document.add_paragraph("某县2020年政府信息公开工作年度报告")
    document.add_paragraph("发布日期：2021-01-15")
    rows = [
        ["申请情况", "申请人情况", "", ""],
        ["", "自然人", "法人", "总计"],
        ["新收申请", "5", "1", "6"],
        ["结转", "0", "2", "2"],
    ]
    table = document.add_table(rows=4, cols=4)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    table.cell(0, 1).merge(table.cell(0, 3)).text = "申请人情况"  # a colspan
    table.cell(0, 0).merge(table.cell(1, 0)).text = "申请情况"  # a rowspan
    out = io.BytesIO()
    document.save(out)
    imported = import_bytes(out.getvalue())
    (block,) = [b for b in imported.blocks if b.table is not None]
    assert block.table is not None
    assert block.table.header == [
        "申请情况",
        "申请人情况 / 自然人",
        "申请人情况 / 法人",
        "申请人情况 / 总计",
    ]
    assert block.table.rows == [["新收申请", "5", "1", "6"], ["结转", "0", "2", "2"]]
    assert imported.meta["date"] == "2021-01-15"


def test_two_word_cells_that_say_the_same_are_both_kept_a_merged_one_once() -> None:
    document = docx.Document()
    document.add_paragraph("某县2020年政府信息公开工作年度报告")
    table = document.add_table(rows=3, cols=2)
    table.cell(0, 0).merge(table.cell(1, 0)).text = "申请人情况"  # one cell, two rows
    table.cell(0, 1).text = "本年 37 件"
    table.cell(1, 1).text = "本年 37 件"  # a cell of its own
    table.cell(2, 0).text = "自然人"
    table.cell(2, 1).text = "5"
    out = io.BytesIO()
    document.save(out)
    (block,) = [b for b in import_bytes(out.getvalue()).blocks if b.table is not None]
    assert block.table is not None
    assert block.table.header == ["申请人情况", "本年 37 件 / 本年 37 件"]


def test_a_pdf_page_without_text_is_reported_as_a_scan() -> None:
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.rect(100, 100, 300, 300, fill=1)  # a picture of a page, no text
    page.showPage()
    page.save()
    imported = import_bytes(out.getvalue())
    assert any("no text" in w and "OCR" in w for w in imported.warnings)


def test_formats_are_told_apart_by_their_bytes() -> None:
    out = io.BytesIO()
    docx.Document().save(out)
    assert is_docx(out.getvalue()) and not is_pdf(out.getvalue())
    assert is_pdf(b"%PDF-1.7\n") and not is_docx(b"%PDF-1.7\n")
    assert not is_docx(b"PK\x03\x04 not a zip")


def _numbered_docx() -> bytes:
    """Headings numbered by Word (一、 → （一） → 1.), with no marker in their text."""
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    document = docx.Document()
    numbering = document.part.numbering_part.element
    levels = [("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3.")]
    abstract = parse_xml(
        f'<w:abstractNum {w} w:abstractNumId="90">'
        + "".join(
            f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
            f'<w:lvlText w:val="{text}"/></w:lvl>'
            for i, (fmt, text) in enumerate(levels)
        )
        + "</w:abstractNum>"
    )
    numbering.insert(0, abstract)
    numbering.append(parse_xml(f'<w:num {w} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    document.add_paragraph("某县2020年政府信息公开工作年度报告")
    document.add_paragraph("发布日期：2021-01-15")

    def numbered(text: str, level: int) -> None:
        p = document.add_paragraph(text)
        p._p.get_or_add_pPr().append(
            parse_xml(f'<w:numPr {w}><w:ilvl w:val="{level}"/><w:numId w:val="90"/></w:numPr>')
        )
        document.add_paragraph("正文，公开信息12条。")

    numbered("总体情况", 0)
    numbered("主动公开", 1)
    numbered("规章", 2)
    numbered("规范性文件", 2)
    numbered("依申请公开", 1)
    numbered("存在的问题", 0)
    numbered("问题一", 1)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_word_automatic_numbering_gives_the_heading_levels() -> None:
    blocks = import_bytes(_numbered_docx()).blocks
    headings = [(b.level, b.text) for b in blocks if b.kind == "heading"]
    assert headings == [
        (2, "一、总体情况"),
        (3, "（一）主动公开"),
        (4, "1.规章"),
        (4, "2.规范性文件"),
        (3, "（二）依申请公开"),
        (2, "二、存在的问题"),
        (3, "（一）问题一"),
    ]


def test_chinese_numbers() -> None:
    from kiosk.content.docx_numbering import chinese_number

    assert [chinese_number(n) for n in (1, 10, 11, 20, 21, 99, 100, 105, 110, 999)] == [
        "一",
        "十",
        "十一",
        "二十",
        "二十一",
        "九十九",
        "一百",
        "一百零五",
        "一百一十",
        "九百九十九",
    ]
