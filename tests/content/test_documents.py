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
