"""Render a golden report (Markdown) as the PDF or .docx attachment a portal would publish.

The golden cases of the PDF and Word readers are made here, in the test, so that
the expected structure is the Markdown they were made from:

* PDF with reportlab, in the CJK CID font STSong-Light (Adobe-GB1, not embedded,
  as many Chinese government PDFs are): text extraction depends on the CID maps
  that pdfminer.six ships. Paragraphs have a 2-character first-line indent;
  optional running header and ``- N -`` page numbers on every page.
* .docx with python-docx: heading styles, body paragraphs (one with a soft line
  break inside), tables in the 'Table Grid' style.
"""

from __future__ import annotations

import io
from typing import Any

from kiosk.content.parse import parse_report


def _blocks(markdown: str) -> tuple[Any, tuple[Any, ...]]:
    report, _ = parse_report("render", markdown)
    return report.meta, report.blocks


def _meta_line(meta: Any) -> str | None:
    parts = []
    if meta.publisher:
        parts.append(f"发布机构：{meta.publisher}")
    if meta.date:
        parts.append(f"发布日期：{meta.date}")
    return "　".join(parts) or None


def _item_text(item: Any) -> str:
    return "".join(s.text for s in item)


def render_pdf(
    markdown: str, running_header: str | None = None, page_numbers: bool = True
) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = "STSong-Light"
    pdfmetrics.registerFont(UnicodeCIDFont(font))
    body = ParagraphStyle(
        "body", fontName=font, fontSize=12, leading=20, firstLineIndent=24, wordWrap="CJK"
    )
    heading = ParagraphStyle("heading", parent=body, fontSize=13, spaceBefore=6)
    title = ParagraphStyle(
        "title", fontName=font, fontSize=18, leading=26, alignment=1, wordWrap="CJK"
    )
    cell = ParagraphStyle("cell", fontName=font, fontSize=9, leading=12, wordWrap="CJK")
    meta, blocks = _blocks(markdown)
    story: list[Any] = [Paragraph(meta.title, title)]
    if line := _meta_line(meta):
        story.append(
            Paragraph(line, ParagraphStyle("meta", parent=body, alignment=1, firstLineIndent=0))
        )
    story.append(Spacer(1, 8))
    for b in blocks:
        if b.type == "heading":
            story.append(Paragraph(b.text, heading))
        elif b.type == "list":
            story.extend(Paragraph(_item_text(i), body) for i in b.items)
        elif b.type == "table":
            data = [[Paragraph(c, cell) for c in b.header]] + [
                [Paragraph(c, cell) for c in r] for r in b.rows
            ]
            table = Table(data, repeatRows=0)
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
            story.extend([Spacer(1, 6), table, Spacer(1, 6)])
        else:
            story.append(Paragraph(b.text, body))

    def decorate(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 9)
        if running_header:
            canvas.drawCentredString(A4[0] / 2, A4[1] - 12 * mm, running_header)
            canvas.line(25 * mm, A4[1] - 14 * mm, A4[0] - 25 * mm, A4[1] - 14 * mm)
        if page_numbers:
            canvas.drawCentredString(A4[0] / 2, 10 * mm, f"- {doc.page} -")
        canvas.restoreState()

    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=25 * mm,
        bottomMargin=25 * mm,
        title=meta.title,
    )
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return out.getvalue()


NOTO = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"  # Debian fonts-noto-cjk


def render_pdf_embedded(markdown: str) -> bytes:
    """The same report with fpdf2 and Noto Sans CJK SC embedded (subset), paragraphs
    indented with two full-width spaces as Word users do. fpdf2 writes its CMap as
    the font's /Encoding stream, which pdfminer cannot decode: the reader falls
    back to PDFium for these pages."""
    from fpdf import FPDF

    meta, blocks = _blocks(markdown)
    pdf = FPDF(format="A4")
    pdf.set_margins(25, 25, 25)
    pdf.add_font("noto", fname=NOTO, collection_font_number=2)  # 2: Simplified Chinese
    pdf.set_font("noto", size=12)

    def footer() -> None:
        pdf.set_y(-15)
        pdf.cell(0, 8, f"- {pdf.page_no()} -", align="C")

    pdf.footer = footer  # type: ignore[method-assign]
    pdf.add_page()
    pdf.set_font("noto", size=18)
    pdf.multi_cell(0, 12, meta.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("noto", size=12)
    if line := _meta_line(meta):
        pdf.multi_cell(0, 8, line, align="C", new_x="LMARGIN", new_y="NEXT")
    for b in blocks:
        texts = [_item_text(i) for i in b.items] if b.type == "list" else [b.text]
        for text in texts:
            pdf.multi_cell(0, 8, "\u3000\u3000" + text, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def render_docx(markdown: str) -> bytes:
    import docx
    from docx.enum.text import WD_BREAK

    meta, blocks = _blocks(markdown)
    document = docx.Document()
    document.core_properties.title = meta.title
    document.add_paragraph(meta.title, style="Title")
    if line := _meta_line(meta):
        document.add_paragraph(line)
    broke = False
    for b in blocks:
        if b.type == "heading":
            document.add_paragraph(b.text, style=f"Heading {min(b.level, 9)}")
        elif b.type == "list":
            for item in b.items:
                document.add_paragraph(_item_text(item))
        elif b.type == "table":
            table = document.add_table(rows=1 + len(b.rows), cols=len(b.header), style="Table Grid")
            for r, row in enumerate([b.header, *b.rows]):
                for c, text in enumerate(row):
                    table.cell(r, c).text = text
        else:
            paragraph = document.add_paragraph()
            half = len(b.text) // 2
            if not broke and len(b.text) > 40:
                # A soft line break inside a paragraph, as Word users type them.
                paragraph.add_run(b.text[:half]).add_break(WD_BREAK.LINE)
                paragraph.add_run(b.text[half:])
                broke = True
            else:
                paragraph.add_run(b.text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def render(case_dir: Any) -> bytes:
    """The bytes of a rendered case: ``render.json`` says from which Markdown and how."""
    import json
    from pathlib import Path

    spec = json.loads((Path(case_dir) / "render.json").read_text(encoding="utf-8"))
    markdown = (Path(case_dir) / spec["from"]).read_text(encoding="utf-8")
    if spec["format"] == "pdf":
        return render_pdf(markdown, spec.get("running_header"), spec.get("page_numbers", True))
    if spec["format"] == "pdf-embedded":
        return render_pdf_embedded(markdown)
    return render_docx(markdown)
