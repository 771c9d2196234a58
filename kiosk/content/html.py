"""Read an HTML article page into lines and tables for the importer.

trafilatura (a well-kept article extractor) decides which element holds the
article; lxml then walks that element so that paragraphs, headings and tables
(with their rowspan/colspan) keep their structure, which trafilatura's own
output flattens. Scripts, styles, forms and navigation never reach the result:
only text is kept, so no markup of the page can reach the kiosk.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from typing import Any, TypeVar

import lxml.html
import trafilatura
from lxml import etree
from lxml.html import HtmlElement

from kiosk.content.vocab import parse_date

Row = list[str]
T = TypeVar("T")


class Carried(str):
    """A cell's text repeated in a row its rowspan (or vertical merge) covers: the same
    cell again, not a cell of its own that happens to say the same thing."""


TableData = tuple[Row, list[Row]]
HtmlItem = str | TableData

_DROP = (
    "script",
    "style",
    "noscript",
    "iframe",
    "nav",
    "header",
    "footer",
    "aside",
    "svg",
    "button",
    "select",
    "input",
    "textarea",
    "template",
    "form",
    "object",
    "embed",
)
_BLOCK = {
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dd",
    "dt",
    "section",
    "article",
    "main",
    "blockquote",
    "pre",
    "center",
    "br",
    "hr",
    "tr",
    "table",
    "figure",
    "figcaption",
    "address",
    "caption",
    "tbody",
    "thead",
}
_HTML = re.compile(r"<(?:!doctype\s+html|html|body|head|p|div|table)[\s>]", re.I)
_SPACE = re.compile(r"[ \t\r\n\u3000\xa0]+")
_SPAN_ATTR = re.compile(
    r"\s(?:rowspan|colspan)\s*=\s*(?:\"[^\"<>]{0,20}\"|'[^'<>]{0,20}'|[^\s>]{1,20})", re.I
)
#: Lines of trafilatura's extract (or rows of a table) looked for; a sample when more.
_MAX_PROBES = 64
#: At most this many cells in one table (spans expanded); beyond, the table is kept as text.
MAX_CELLS = 20_000
#: HTML's own limits on spans are 1,000 columns and 65,534 rows; no report needs more than this.
MAX_SPAN = 50
#: huge_tree lifts libxml2's limits (nesting deeper than 256, very long text nodes).
_PARSER = lxml.html.HTMLParser(huge_tree=True)


def is_html(text: str) -> bool:
    return bool(_HTML.search(text[:5000]))


Dropped = tuple[str, str]  # (text, reason)
#: Elements removed with text a reader may see (a <noscript>, <iframe> or <object> shows
#: its own when scripts or frames are off): their lines are listed as dropped.
_REMOVED_WITH_TEXT = (
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "button",
    "select",
    "textarea",
    "noscript",
    "iframe",
    "object",
)


def html_items(text: str) -> tuple[list[HtmlItem], dict[str, str], list[str], list[Dropped]]:
    """Return the article's lines and tables, hints from the page's head, notes for
    the explanation, and the lines left out of the article with their reason."""
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    root = lxml.html.document_fromstring(text, parser=_PARSER)
    notes: list[str] = []
    if _parsed_text_size(root) < 0.9 * _raw_text_size(text):
        # libxml2 stops at a nesting depth (256; 2,048 with huge_tree) and drops what is
        # deeper. Layout containers carry no meaning here: flatten them and parse again.
        text = _CONTAINER_TAG.sub("\n", text)
        root = lxml.html.document_fromstring(text, parser=_PARSER)
        if _parsed_text_size(root) < 0.9 * _raw_text_size(text):
            # Lists, tables or other elements nested as deeply: every element goes, each
            # one a line break, so that no text is lost (tables are then read as text).
            text = _ANY_ELEMENT.sub("<br>", text)
            root = lxml.html.document_fromstring(text, parser=_PARSER)
            notes.append(
                "the page nests its elements too deeply to parse: every element was "
                "flattened into lines (tables, lists and navigation are read as text)"
            )
        else:
            notes.append(
                "the page nests its elements too deeply to parse: containers were flattened"
            )
    hints = _hints(root)
    dropped: list[Dropped] = []
    for el in root.xpath("//comment()"):
        _remove(el)
    for el in list(root.iter(*_DROP)):  # a list first: dropping while iterating skips
        if el.getparent() is not None and el.getroottree().getroot() is root:
            if el.tag in _REMOVED_WITH_TEXT:
                dropped.extend((line, f"<{el.tag}> element") for line in _lines_of(el))
            el.drop_tree()
    body = root.find("body")
    page = body if body is not None else root
    container = _article_container(text, page)
    # One walk of the page, each item placed before, inside or after the article:
    # compared by position, not by text, so a repeated line or a table outside the
    # article is counted, never mistaken for its copy inside.
    before, items, after = _linearise(page, notes, container)
    # The title and the metadata line often sit just outside the article body.
    for item in before[:-_KEPT_BEFORE]:
        dropped.append(_outside(item, notes))
    for item in after:
        dropped.append(_outside(item, notes))
    items = before[-_KEPT_BEFORE:] + items
    return items, hints, notes, dropped


_CONTAINER_TAG = re.compile(
    r"</?(?:div|span|section|article|main|font|center|blockquote|b|i|em|strong|u|small|big)\b[^>]*>",
    re.I,
)
_ANY_ELEMENT = re.compile(
    r"</?(?!(?:html|head|body|title|meta|link|script|style|noscript|template|p|br|h[1-6])\b)"
    r"[a-z][^>]*>",
    re.I,
)
_INVISIBLE = re.compile(r"(?is)<(script|style|head|noscript|template)\b.*?</\1\s*>|<!--.*?-->")
_TAG = re.compile(r"<[^>]*>")


def _raw_text_size(text: str) -> int:
    """Characters of visible text in the page's source, without parsing it."""
    visible = _TAG.sub(" ", _INVISIBLE.sub(" ", text))
    return len(_compact(html.unescape(visible)))


def _parsed_text_size(root: HtmlElement) -> int:
    size = 0
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag not in (
            "script",
            "style",
            "head",
            "noscript",
            "template",
            "title",
            "meta",
        ):
            size += len(_compact(el.text or ""))
        if el is not root and el.getparent() is not None and el.getparent().tag != "head":
            size += len(_compact(el.tail or ""))
    return size


def _lines_of(el: HtmlElement) -> list[str]:
    return [x for x in _linearise(el, [])[1] if isinstance(x, str)]


#: Lines just before the article kept for the importer: the title and the metadata line.
_KEPT_BEFORE = 6


def table_text(table: TableData) -> str:
    header, rows = table
    return " | ".join([*header, *(c for row in rows for c in row)])


def _outside(item: HtmlItem, notes: list[str]) -> Dropped:
    if isinstance(item, str):
        return item, "outside the article"
    text = table_text(item)
    if re.search(r"\d", text):
        notes.append(f"a table with figures outside the article was left out: {text[:80]}")
    return text, "table outside the article"


def _remove(el: Any) -> None:
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _hints(root: HtmlElement) -> dict[str, str]:
    def meta(*names: str) -> str | None:
        for name in names:
            for attr in ("name", "property"):
                found = root.xpath(f"//meta[@{attr}=$n]/@content", n=name)
                if found and found[0].strip():
                    return _SPACE.sub(" ", str(found[0])).strip()
        return None

    hints: dict[str, str] = {}
    title = meta("ArticleTitle", "og:title", "title")
    if not title:
        h1 = root.xpath("//h1")
        title = _SPACE.sub(" ", h1[0].text_content()).strip() if h1 else None
    if not title:
        page_title = root.findtext(".//title") or ""
        title = re.split(r"\s*[_|｜]\s*|\s+-\s+", page_title.strip())[0] or None
    if title:
        hints["title"] = title
    date = meta("PubDate", "publishdate", "pubdate", "article:published_time", "firstpublishedtime")
    if date and re.match(r"\d{4}-\d{1,2}-\d{1,2}", date) and (valid := parse_date(date)):
        hints["date"] = valid  # 2021-13-45 is no date
    source = meta("ContentSource", "source")
    if source:
        hints["source"] = source
    url = root.xpath("//link[@rel='canonical']/@href") or root.xpath(
        "//meta[@property='og:url']/@content"
    )
    if url and str(url[0]).startswith(("http://", "https://")):
        hints["origin_url"] = str(url[0]).strip()
    return hints


def _article_container(text: str, page: HtmlElement) -> HtmlElement:
    """The deepest element holding most of what trafilatura calls the article, grown
    to take in every table with figures that trafilatura counts as the article's."""
    # trafilatura expands spans itself, in time that grows with rowspan × colspan:
    # it only has to say where the article is, so it gets the page without them.
    unspanned = _SPAN_ATTR.sub("", text)
    extracted = trafilatura.extract(unspanned, include_tables=True, favor_recall=True) or ""
    lines = [_compact(line.replace("|", "")) for line in extracted.splitlines()]
    probes = [p[:40] for p in lines if len(p) >= 8 and p.strip("-")]
    if len(probes) < 2:
        return page
    probes = _sample(probes)
    # A line the article repeats is looked for as many times as it is repeated: one
    # paragraph of four identical ones holds a quarter of them, not all four.
    wanted = Counter(probes)
    best, best_size = page, len(_compact(page.text_content()))
    for el in page.iter():
        if not isinstance(el.tag, str) or el.tag in ("table", "tr", "td", "th", "tbody"):
            continue
        content = _compact(el.text_content())
        if len(content) >= best_size:
            continue
        hits = sum(min(n, content.count(p)) for p, n in wanted.items())
        if hits >= 0.8 * len(probes):
            best, best_size = el, len(content)
    return _take_in_tables(best, page, "".join(lines))


def _take_in_tables(best: HtmlElement, page: HtmlElement, extracted: str) -> HtmlElement:
    """``best``, or its ancestor that also holds the data tables with figures which
    trafilatura extracted (their rows are in ``extracted``) but which lie outside it:
    short cells are no probes, so a table can fall outside the deepest element."""
    for table in best.iterancestors("table"):
        if _is_data_table(table):  # the article inside a data table's cell: the whole table
            best = table.getparent()
    if best is page:
        return best
    inside = set(best.iter("table"))
    for table in page.iter("table"):
        if table in inside or not _is_data_table(table):
            continue
        trs = _sample(table.xpath(".//tr"))
        rows = [_compact(tr.text_content().replace("|", "")) for tr in trs]
        rows = [r for r in rows if r]
        if not any(re.search(r"\d", r) for r in rows):
            continue
        if sum(1 for r in rows if r in extracted) >= 0.8 * len(rows):
            best = _common_ancestor(best, table)
            if best is page:
                break
            inside = set(best.iter("table"))
    return best


def _sample(items: list[T]) -> list[T]:
    """At most _MAX_PROBES items, evenly spaced, first and last included: linear time."""
    if len(items) <= _MAX_PROBES:
        return items
    step = (len(items) - 1) / (_MAX_PROBES - 1)
    return [items[round(i * step)] for i in range(_MAX_PROBES)]


def _common_ancestor(a: HtmlElement, b: HtmlElement) -> HtmlElement:
    ancestors = {a, *a.iterancestors()}
    return next(x for x in (b, *b.iterancestors()) if x in ancestors)


def _compact(text: str) -> str:
    return _SPACE.sub("", text)


Regions = tuple[list[HtmlItem], list[HtmlItem], list[HtmlItem]]


def _linearise(el: HtmlElement, notes: list[str], inner: HtmlElement | None = None) -> Regions:
    """Lines and tables of ``el`` in document order, as three lists: before ``inner``,
    inside it, after it (everything is "inside" when ``inner`` is None or ``el``).
    Iterative: any nesting depth. Notes on the tables that may be kept go to ``notes``."""
    regions: Regions = ([], [], [])
    region = 0 if inner is not None and inner is not el else 1
    buf: list[str] = []

    def flush() -> None:
        line = _SPACE.sub(" ", "".join(buf)).strip()
        if line:
            regions[region].append(line)
        buf.clear()

    walker = etree.iterwalk(el, events=("start", "end"))
    for event, node in walker:
        if not isinstance(node.tag, str):
            continue
        tag = node.tag.lower()
        block = tag in _BLOCK or tag in ("td", "th")
        if event == "start":
            if node is inner and region == 0:
                flush()  # the article starts a line of its own
                region = 1
            if tag == "table" and _is_data_table(node):
                flush()
                regions[region].extend(_table(node, notes if region < 2 else []))
                walker.skip_subtree()  # its end event still comes, with its tail
                continue
            if block:
                flush()
            if node.text:
                buf.append(node.text)
        else:
            if block or (node is inner and inner is not el):
                flush()
            if node is inner and inner is not el:
                region = 2
            if node is not el and node.tail:
                buf.append(node.tail)
    flush()
    return regions


def _is_data_table(table: HtmlElement) -> bool:
    """Layout tables (nesting tables or long text blocks) are read as text instead."""
    if table.xpath(".//table"):
        return False
    cells = table.xpath(".//td|.//th")
    if not cells:
        return False
    return (
        all(len(_compact(c.text_content())) <= 200 for c in cells)
        and len(table.xpath(".//tr")) >= 1
    )


def _table(table: HtmlElement, notes: list[str]) -> list[HtmlItem]:
    """The table's caption and any text it holds outside its cells (a browser shows
    that above the table), as lines, then the table itself."""
    lines: list[HtmlItem] = []
    buf: list[str] = []
    walker = etree.iterwalk(table, events=("start", "end"))
    for event, node in walker:
        if not isinstance(node.tag, str):
            continue
        cell = node.tag.lower() in ("td", "th")
        if event == "start":
            if cell:
                walker.skip_subtree()  # its text is the grid's
            elif node.tag.lower() == "caption":
                lines.extend(_linearise(node, notes)[1])
                walker.skip_subtree()
            elif node.text:
                buf.append(node.text)
        elif node is not table and node.tail:  # end events come for skipped nodes too
            buf.append(node.tail)
    stray = _SPACE.sub(" ", " ".join(buf)).strip()
    return lines + ([stray] if stray else []) + _grid(table, notes)


def _grid(table: HtmlElement, notes: list[str]) -> list[HtmlItem]:
    """Expand spans into a grid; split it at rows that span the whole width
    (the 第二十条第（一）项 captions of the national format), each part a table
    with its own header rows. A table of more than MAX_CELLS cells is kept as text."""
    trs = table.xpath(".//tr")
    rows_cells = [tr.xpath("./td|./th") for tr in trs]
    total = 0
    for r, cells in enumerate(rows_cells):
        left = len(trs) - r  # a rowspan never reaches past the table's last row
        total += sum(min(_int(c.get("rowspan")), left) * _int(c.get("colspan")) for c in cells)
    if total > MAX_CELLS:
        return _table_as_text(rows_cells, total, notes)
    grid: list[list[str | None]] = []
    spans: dict[tuple[int, int], str] = {}  # (row, col) → text carried by a rowspan
    is_head: list[bool] = []
    for r, (tr, cells) in enumerate(zip(trs, rows_cells, strict=True)):
        row: list[str | None] = []
        col = 0
        is_head.append(
            bool(cells) and (tr.getparent().tag == "thead" or all(c.tag == "th" for c in cells))
        )
        for cell in cells:
            while (r, col) in spans:
                row.append(spans.pop((r, col)))
                col += 1
            text = _SPACE.sub(" ", cell.text_content()).strip()
            rowspan = min(_int(cell.get("rowspan")), len(trs) - r)
            colspan = _int(cell.get("colspan"))
            for c in range(colspan):
                row.append(text if c == 0 else None)  # None: continuation of a colspan
                for extra in range(1, rowspan):
                    spans[(r + extra, col + c)] = Carried(text)
            col += colspan
        while (r, col) in spans:
            row.append(spans.pop((r, col)))
            col += 1
        grid.append(row)
    width = max((len(r) for r in grid), default=0)
    if width * len(grid) > MAX_CELLS:
        return _table_as_text(rows_cells, width * len(grid), notes)
    short = [r + 1 for r, row in enumerate(grid) if row and len(row) < width]
    if short:
        notes.append(
            f"a table ({' | '.join(c or '' for c in grid[0])[:40]}…) has rows with fewer cells "
            f"than its {width} columns (rows {', '.join(map(str, short[:10]))}): they are "
            "padded on the right; check them against the source"
        )
    return grid_items(grid, is_head)


def _table_as_text(
    rows_cells: list[list[HtmlElement]], cells: int, notes: list[str]
) -> list[HtmlItem]:
    """A table too large to expand: one line of text per row, its cells separated by ；."""
    notes.append(
        f"a table of {len(rows_cells)} rows would expand to {cells:,} cells, over the limit "
        f"of {MAX_CELLS:,} (rowspan/colspan): kept as text, one line per row"
    )
    lines = [
        "；".join(_SPACE.sub(" ", c.text_content()).strip() for c in cells) for cells in rows_cells
    ]
    return [line for line in lines if line.strip("；")]


def grid_items(grid: list[list[str | None]], is_head: list[bool]) -> list[HtmlItem]:
    """A grid of cells (None: continuation of a colspan) → tables, split at rows that
    span the whole width, which become lines of text (the captions)."""
    width = max((len(r) for r in grid), default=0)
    grid = [r + [""] * (width - len(r)) for r in grid]
    out: list[HtmlItem] = []
    part: list[list[str | None]] = []
    part_head: list[bool] = []
    for row, head in zip(grid, is_head, strict=True):
        if width > 1 and row[0] and all(c is None for c in row[1:]):
            out.extend(_part(part, part_head, width))
            out.append(str(row[0]))
            part, part_head = [], []
        else:
            part.append(row)
            part_head.append(head)
    out.extend(_part(part, part_head, width))
    return out


def _part(grid: list[list[str | None]], is_head: list[bool], width: int) -> list[HtmlItem]:
    if not grid:
        return []
    used = [c for c in range(width) if any(row[c] for row in grid)]  # drop empty columns
    grid = [[row[c] for c in used] for row in grid]
    n_head = _header_rows(grid, is_head)
    header = _flatten_header(grid[:n_head], len(used)) if n_head else []
    body = [[c or "" for c in row] for row in grid[n_head:] if any(row)]
    return [(header, body)]


def _int(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), MAX_SPAN))
    except ValueError:
        return 1


def _header_rows(grid: list[list[str | None]], is_head: list[bool]) -> int:
    marked = 0
    while marked < len(is_head) and is_head[marked]:
        marked += 1
    if marked:
        return marked
    if len(grid) < 2:
        return 0
    # No <th>/<thead>: the leading rows without any figure are the header.
    n = 0
    while n < len(grid) - 1 and not any(c and re.fullmatch(r"[\d.,%％\s-]+", c) for c in grid[n]):
        n += 1
    return n if 0 < n <= 4 else 1


def _flatten_header(rows: list[list[str | None]], width: int) -> Row:
    header = []
    for col in range(width):
        parts: list[str] = []
        for row in rows:
            cell = row[col]
            carried = cell is None or isinstance(cell, Carried)
            if cell is None:  # colspan continuation: the label of the cell to the left
                cell = next((row[c] for c in range(col - 1, -1, -1) if row[c] is not None), "")
            # A merged cell's label once; two cells that say the same thing, both.
            if cell and not (carried and parts and parts[-1] == cell):
                parts.append(cell)
        header.append(" / ".join(parts))
    return header
