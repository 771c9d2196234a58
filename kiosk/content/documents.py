"""PDF and Word (.docx) attachments as lines and tables for the importer.

* PDF: pdfplumber (on pdfminer.six, which ships the Adobe CID maps that Chinese
  PDFs with non-embedded fonts such as STSong need). Tables are found from their
  ruling lines; the rest of each page is read line by line. Running headers and
  footers (a line in the top or bottom margin repeated on most pages) and page
  numbers (``- 3 -``, ``第 3 页 共 9 页``) are dropped, with their reason; lines are
  re-joined into paragraphs across line and page breaks: a line that reaches the
  right margin continues on the next one.
* .docx: python-docx. Paragraphs and tables in body order; Word's automatic
  numbering written out (``docx_numbering``); soft line breaks inside a paragraph
  are joined; merged cells keep their place (a horizontal
  merge is a continuation, a vertical merge repeats the label as HTML rowspans do).

Both give the same items as the HTML reader, so the structure (headings 一、/（一）/
1./（1）, lists, tables) is recognised by the same code.
"""

from __future__ import annotations

import io
import re
import statistics
import zipfile
from collections import Counter
from typing import Any

from kiosk.content.docx_numbering import Numbering
from kiosk.content.html import Carried, grid_items
from kiosk.content.texttables import MAX_CELLS, Item, Table

_PAGE_NUMBER = re.compile(
    r"^[-—–\s]*(?:第\s*)?\d{1,4}\s*(?:页)?\s*(?:[/／]\s*(?:共\s*)?\d{1,4}\s*页?|共\s*\d{1,4}\s*页)?[-—–\s]*$"
    r"|^(?:Page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$",
    re.I,
)
_SENTENCE_END = "。！？；：!?;:”」』）)"
_MARKER = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d{1,2}[.．、]|[①-⑳])"
)
_MARGIN = 0.09  # of the page height: where running headers and footers live


class UnsupportedFormat(ValueError):
    """A file the importer recognises but cannot read, with what to do instead."""


def refuse_unsupported(data: bytes) -> None:
    """Raise UnsupportedFormat for old Word files and OFD documents."""
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise UnsupportedFormat(
            "an old Word (.doc) or other OLE2 file: save it as .docx or PDF and import that"
        )
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = z.namelist()
        except zipfile.BadZipFile:
            return
        if "OFD.xml" in names:
            raise UnsupportedFormat(
                "an OFD document (GB/T 33190): no maintained Python reader yet; "
                "export it as PDF and import that"
            )
        if "word/document.xml" not in names:
            raise UnsupportedFormat(
                "a ZIP archive that is not a .docx: unpack it and import its files"
            )


def is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(b"%PDF-")


def is_docx(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return "word/document.xml" in z.namelist()
    except zipfile.BadZipFile:
        return False


Dropped = tuple[str, str]  # (text, reason)


# --- PDF --------------------------------------------------------------------------


def pdf_items(data: bytes) -> tuple[list[Item], list[Dropped], list[str]]:
    import pdfplumber

    pages: list[list[tuple[float, Any]]] = []  # per page: (top, line dict | Table)
    notes: list[str] = []
    heights: list[float] = []
    pdfium_doc: Any = None
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            heights.append(float(page.height))
            entries: list[tuple[float, Any]] = []
            if not page.chars:
                # pdfminer could not decode this page's fonts (e.g. an embedded CMap as
                # /Encoding): PDFium, which pdfplumber ships with, often can.
                if pdfium_doc is None:
                    import pypdfium2

                    pdfium_doc = pypdfium2.PdfDocument(data)
                lines = _pdfium_lines(pdfium_doc, number - 1)
                if lines:
                    notes.append(
                        f"page {number}: text read with PDFium (its fonts defeat pdfminer); "
                        "tables on it are read as lines of text"
                    )
                    pages.append([(float(x["top"]), x) for x in lines])
                    continue
            boxes = []
            for found in page.find_tables():
                rows = found.extract()
                cells = sum(len(r) for r in rows)
                if cells > MAX_CELLS:
                    notes.append(f"page {number}: a table of {cells} cells is kept as text")
                    continue
                boxes.append(found.bbox)
                grid = [[_cell(c) if c is not None else None for c in row] for row in rows]
                entries.append((float(found.bbox[1]), _Grid(grid)))
            outside = page
            for box in boxes:
                outside = outside.outside_bbox(box)
            for line in outside.extract_text_lines(keep_blank_chars=False):
                line["page"] = number
                line["height"] = float(page.height)
                line["width"] = float(page.width)
                entries.append((float(line["top"]), line))
            if not any(isinstance(e[1], dict) for e in entries) and not boxes:
                notes.append(f"page {number}: no text (a scanned page? OCR it first)")
            entries.sort(key=lambda e: e[0])
            pages.append(entries)
            page.close()  # pdfplumber caches every object of a page: bounded memory
    dropped = _drop_running_lines(pages)
    _join_tables(pages)
    for entries in pages:
        entries[:] = [
            (top, t)
            for top, e in entries
            for t in (tables_of(grid_items(e, [False] * len(e))) if isinstance(e, _Grid) else [e])
        ]
    return _join_lines(pages), dropped, notes


def _pdfium_lines(document: Any, index: int) -> list[dict[str, Any]]:
    """A page's text segments from PDFium, as pdfplumber-like line dicts (top-down)."""
    page = document[index]
    width, height = page.get_size()
    textpage = page.get_textpage()
    segments = []
    for i in range(textpage.count_rects()):
        left, bottom, right, top = textpage.get_rect(i)
        text = textpage.get_text_bounded(left, bottom, right, top).strip()
        if text:
            segments.append(
                {
                    "text": text,
                    "x0": left,
                    "x1": right,
                    "top": height - top,
                    "bottom": height - bottom,
                }
            )
    segments.sort(key=lambda x: (round(x["top"] / 3), x["x0"]))
    lines: list[dict[str, Any]] = []
    for seg in segments:  # segments on one baseline (table cells): one line
        if lines and abs(lines[-1]["top"] - seg["top"]) < 3:
            last = lines[-1]
            last.update(text=last["text"] + " " + seg["text"], x1=max(last["x1"], seg["x1"]))
        else:
            lines.append(dict(seg, page=index + 1, height=float(height), width=float(width)))
    return lines


class _Grid(list[list[str | None]]):
    """The cells of a table found on one page (None: a merged cell's continuation)."""


def _join_tables(pages: list[list[tuple[float, Any]]]) -> None:
    """A table that goes on over a page break: one table (same number of columns)."""
    for prev, entries in zip(pages, pages[1:], strict=False):
        if prev and entries and isinstance(prev[-1][1], _Grid) and isinstance(entries[0][1], _Grid):
            a, b = prev[-1][1], entries[0][1]
            if a and b and len(a[0]) == len(b[0]):
                a.extend(b)
                entries.pop(0)


def _cell(text: str) -> str:
    """A cell's wrapped lines, joined: with a space where the text had one."""
    return re.sub(
        r"\s*\n\s*", lambda m: " " if m.group(0).strip(" ") != m.group(0) else "", text
    ).strip()


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _drop_running_lines(pages: list[list[tuple[float, Any]]]) -> list[Dropped]:
    """Remove page numbers, and lines in the margins repeated on most pages."""
    seen: Counter[str] = Counter()
    for entries in pages:
        keys = {_key(e["text"]) for _, e in entries if isinstance(e, dict) and _in_margin(e)}
        seen.update(keys)
    dropped: list[Dropped] = []
    many = max(2, (len(pages) + 1) // 2)
    for entries in pages:
        keep = []
        for top, e in entries:
            if isinstance(e, dict):
                text = e["text"].strip()
                if _in_margin(e) and _PAGE_NUMBER.match(text):
                    dropped.append((text, "page number"))
                    continue
                if _in_margin(e) and len(pages) >= 2 and seen[_key(text)] >= many:
                    dropped.append((text, "running header or footer"))
                    continue
            keep.append((top, e))
        entries[:] = keep
    return dropped


def _in_margin(line: dict[str, Any]) -> bool:
    h = line["height"]
    return float(line["top"]) < h * _MARGIN or float(line["bottom"]) > h * (1 - _MARGIN)


def _join_lines(pages: list[list[tuple[float, Any]]]) -> list[Item]:
    """Lines → paragraphs: a line that reaches the right edge of the text goes on."""
    lines = [e for entries in pages for _, e in entries if isinstance(e, dict)]
    if not lines:
        return [e for entries in pages for _, e in entries]
    right = statistics.quantiles([float(x["x1"]) for x in lines], n=10)[-1] if len(lines) > 1 else 0
    left = min(float(x["x0"]) for x in lines)
    items: list[Item] = []
    buf = ""
    last: dict[str, Any] | None = None
    for entries in pages:
        for _, e in entries:
            if not isinstance(e, dict):
                if buf:
                    items.append(buf)
                    buf = ""
                items.append(e)
                last = None
                continue
            text = e["text"].strip()
            size = _char_size(e)
            indented = float(e["x0"]) > left + size * 0.9
            starts_new = (
                last is None
                or indented
                or bool(_MARKER.match(text))
                or float(last["x1"]) < right - size * 1.5
                or last["text"].rstrip().endswith(tuple(_SENTENCE_END))
                and float(last["x1"]) < right - size * 0.5
            )
            if starts_new and buf:
                items.append(buf)
                buf = ""
            buf = _glue(buf, text)
            last = e
    if buf:
        items.append(buf)
    return items


def _char_size(line: dict[str, Any]) -> float:
    chars = line.get("chars") or []
    if chars:
        return float(statistics.median(float(c["size"]) for c in chars))
    return float(line["bottom"]) - float(line["top"])


def _glue(a: str, b: str) -> str:
    if not a:
        return b
    if a[-1].isascii() and a[-1].isalnum() and b[:1].isascii() and b[:1].isalpha():
        return a + " " + b
    return a + b


# --- Word ---------------------------------------------------------------------------


def docx_items(data: bytes) -> tuple[list[Item], dict[str, str], list[str]]:
    import docx
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    hints: dict[str, str] = {}
    title = (document.core_properties.title or "").strip()
    if title:
        hints["title"] = title
    items: list[Item] = []
    notes: list[str] = []
    numbering = Numbering(document)
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph = Paragraph(child, document)
            text = re.sub(r"\s*\n\s*", "", paragraph.text)  # soft line breaks inside
            marker = numbering.marker(paragraph)  # Word's automatic 一、/（一）/1.
            if marker and not text.lstrip().startswith(marker):
                text = marker + text.lstrip()
            if text.strip():
                items.append(text)
        elif tag == "tbl":
            items.extend(_docx_table(DocxTable(child, document), notes))
    return items, hints, notes


def _docx_table(table: Any, notes: list[str]) -> list[Item]:
    grid: list[list[str | None]] = []
    rows = table.rows
    if len(rows) * max((len(r.cells) for r in rows), default=0) > MAX_CELLS:
        notes.append(f"a table of {len(rows)} rows is over the limit of {MAX_CELLS} cells: as text")
        return [" ".join(c.text for c in r.cells) for r in rows]
    above: list[Any] = []
    for row in rows:
        out: list[str | None] = []
        tcs: list[Any] = []
        for i, cell in enumerate(row.cells):
            tc = cell._tc
            if i and tc is tcs[-1]:
                out.append(None)  # horizontal merge: continuation
            elif i < len(above) and tc is above[i]:
                out.append(Carried(_cell(cell.text)))  # vertical merge: the cell above
            else:
                out.append(_cell(cell.text))
            tcs.append(tc)
        grid.append(out)
        above = tcs
    return tables_of(grid_items(grid, [False] * len(grid)))


def tables_of(items: list[Any]) -> list[Item]:
    """HTML-style (header, rows) tuples → Table."""
    return [x if isinstance(x, str | Table) else Table(x[0], x[1]) for x in items]
