"""Turn a portal's article page (a text dump or HTML) into a content file.

The pipeline is the same for both inputs: the page becomes a list of lines and
tables; the metadata line (发布日期 / 发布单位 / 来源) and the title anchor the
article; site chrome (登录, 请用手机扫码访问, 无障碍浏览, [字体: ], 打印保存,
智能问答, footers …) is dropped; then the heading hierarchy of Chinese official
documents is recognised — 一、 → (一) → 1. → (1) — together with enumerations
(一是… 二是…, ①②③) and tables, and written out as Markdown with YAML front
matter.

For HTML, trafilatura decides which part of the page is the article and lxml
keeps its structure (paragraphs, headings, tables with their spans).
"""

from __future__ import annotations

import re
import unicodedata
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kiosk.content import documents
from kiosk.content.html import html_items, is_html
from kiosk.content.sentences import split_sentences
from kiosk.content.texttables import Item, Table, text_items
from kiosk.content.vocab import chrome_reason, has_figure, is_meta_line, meta_fields

# --- the items a page is made of ---------------------------------------------


@dataclass
class Block:
    kind: str  # heading | paragraph | list | table
    text: str = ""
    level: int = 0
    items: list[str] = field(default_factory=list)
    table: Table | None = None


# --- recognising the parts of a page ------------------------------------------

_ZH_NUM = "一二三四五六七八九十百零〇"
_HEADING_MARKERS: list[tuple[int, re.Pattern[str]]] = [
    (2, re.compile(rf"^[{_ZH_NUM}]+\s*、")),
    (3, re.compile(rf"^[(（]\s*[{_ZH_NUM}]+\s*[)）]")),
    (4, re.compile(r"^\d{1,2}\s*(?:[.．、](?!\d)|\s)")),
    (5, re.compile(r"^[(（]\s*\d{1,2}\s*[)）]")),
    # English documents: I. → (I) → 1. → (1)
    (2, re.compile(r"^[IVX]{1,5}\.\s")),
    (3, re.compile(r"^\((?:[IVX]{1,5}|[ivx]{1,5})\)\s?")),
]
_LIST_MARKER = re.compile(
    rf"^(?:[{_ZH_NUM}]+是|[①-⑳]|[⑴-⒇]|\([a-z]\)\s|[a-z]\)\s|第[{_ZH_NUM}]+[，,]"
    r"|(?:First|Second|Third|Fourth|Fifth|Sixth|Seventh|Eighth|Ninth|Tenth|Finally),\s)"
)
_MAX_HEADING = 60  # characters; a longer "heading" is a numbered paragraph

_YEAR = re.compile(r"((?:19|20)\d\d)\s*年|\b((?:19|20)\d\d)\b")

# "索引号：…", "主题分类：…", "有 效 性：…": the catalogue box above an article.
_LABEL_LINE = re.compile(r"^[\w ]{2,8}\s*[:：]")


def _norm(text: str) -> str:
    """Compare titles: NFKC, no whitespace, no 关于."""
    return re.sub(r"\s+|关于", "", unicodedata.normalize("NFKC", text))


def _clean_line(line: str) -> str:
    line = line.replace("\u3000", " ").replace("\xa0", " ")
    return re.sub(r"[ \t]+", " ", line).strip()


# --- structure ----------------------------------------------------------------


def _marker_end(text: str) -> int:
    for _, pattern in _HEADING_MARKERS:
        m = pattern.match(text)
        if m:
            return m.end()
    return 0


def _marker_level(text: str) -> int | None:
    for level, pattern in _HEADING_MARKERS:
        if pattern.match(text):
            return level
    return None


def _first_sentence(text: str, language: str) -> tuple[str, str]:
    parts = split_sentences(text, language)
    if len(parts) <= 1:
        return text, ""
    return parts[0].strip(), "".join(parts[1:]).strip()


def _is_short(text: str) -> bool:
    return len(text.rstrip("。.;；:：")) <= _MAX_HEADING


def structure(lines: list[Item], language: str) -> list[Block]:
    """Recognise headings, lists and paragraphs in the article's lines."""
    blocks: list[Block] = []
    n = len(lines)
    i = 0
    no_list_level, no_list_before = -1, -1  # linear time over long runs of headings
    while i < n:
        item = lines[i]
        if isinstance(item, Table):
            blocks.append(Block("table", table=item))
            i += 1
            continue
        level = _marker_level(item)
        if level is not None:
            run: list[str] = []
            if not (level == no_list_level and i < no_list_before):
                run, fails_at = _list_run(lines, i, level)
                if not run:  # every later start of this run fails at the same line
                    no_list_level, no_list_before = level, fails_at
            if len(run) >= 2:
                blocks.append(Block("list", items=run))
                i += len(run)
                continue
            marker = _marker_end(item)
            head, rest = _first_sentence(item[marker:], language)
            head = item[:marker] + head
            if _is_short(head):
                blocks.append(Block("heading", text=head, level=level))
                if rest:
                    blocks.extend(_paragraph_blocks(rest))
                i += 1
                continue
        if _LIST_MARKER.match(item):
            items = []
            while i < n and isinstance(lines[i], str) and _LIST_MARKER.match(str(lines[i])):
                lead, parts = _split_enumeration(str(lines[i]))
                items.extend(([lead] if lead else []) + parts if parts else [lead])
                i += 1
            blocks.append(Block("list", items=items))
            continue
        blocks.extend(_paragraph_blocks(item))
        i += 1
    return blocks


def _list_run(lines: list[Item], start: int, level: int) -> tuple[list[str], int]:
    """Sibling items of one marker level that have no body of their own: a list.
    Returns (items, -1), or ([], j) when the run is no list because of line j."""
    run: list[str] = []
    j = start
    while j < len(lines):
        line = lines[j]
        if not isinstance(line, str) or _marker_level(line) != level:
            break
        if len(split_sentences(line)) > 1 or not _is_short(line):
            return [], j
        nxt = lines[j + 1] if j + 1 < len(lines) else None
        run.append(line)
        j += 1
        if isinstance(nxt, str) and _marker_level(nxt) is None:
            return [], j  # the last item has a body: these are headings
        if nxt is None or not isinstance(nxt, str) or (_marker_level(nxt) or 9) < level:
            break
    return run, -1


# Enumerations inside one paragraph: where the list starts, and where each next item starts.
_INLINE_LISTS = [
    (
        re.compile(r"(?:^|(?<=[：:。；;]))\s*一是"),
        re.compile(r"(?<=[。；;！!，,])\s*(?=[二三四五六七八九十]+是)"),
    ),
    (re.compile(r"①"), re.compile(r"(?=[②-⑳])")),
    (re.compile(r"⑴"), re.compile(r"(?=[⑵-⒇])")),
]


def _split_enumeration(text: str) -> tuple[str, list[str]]:
    """(lead-in, items) when ``text`` enumerates 一是… 二是… or ①… ②…; else (text, [])."""
    for first, nxt in _INLINE_LISTS:
        start = first.search(text)
        if start:
            items = [p.strip() for p in nxt.split(text[start.start() :]) if p.strip()]
            if len(items) >= 2:
                return text[: start.start()].strip(), items
    return text, []


def _paragraph_blocks(text: str) -> list[Block]:
    """A paragraph, or a lead-in plus a list when it enumerates 一是… 二是…."""
    lead, items = _split_enumeration(text)
    if not items:
        return [Block("paragraph", text=text)]
    return ([Block("paragraph", text=lead)] if lead else []) + [Block("list", items=items)]


# --- the whole page -------------------------------------------------------------


@dataclass(frozen=True)
class Dropped:
    """A line of the page that is not in the output, and why."""

    text: str
    reason: str


@dataclass
class Imported:
    meta: dict[str, Any]
    blocks: list[Block]
    dropped: list[Dropped] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def to_markdown(self) -> str:
        front = yaml.safe_dump(self.meta, allow_unicode=True, sort_keys=False, width=1000)
        body = "\n\n".join(_block_markdown(b) for b in self.blocks)
        return f"---\n{front}---\n\n{body}\n"

    @property
    def tables(self) -> int:
        return sum(1 for b in self.blocks if b.kind == "table")

    @property
    def figures(self) -> int:
        """Numbers with a unit (条, 件, %, 元 …) in the body, table cells included."""
        count = 0
        for b in self.blocks:
            texts = [b.text, *b.items]
            if b.table is not None:
                count += sum(1 for r in b.table.rows for c in r if _FIGURE_CELL.fullmatch(c))
            count += sum(len(_FIGURE_IN_TEXT.findall(t)) for t in texts)
        return count

    def explain(self) -> str:
        """What was left out and why, and what the output holds: for ``--explain``."""
        sections = sum(1 for b in self.blocks if b.kind == "heading" and b.level == 2)
        lines = [
            f"title: {self.meta.get('title')}",
            f"date: {self.meta.get('date', '-')}",
            f"output: {len(self.blocks)} blocks, {sections} sections, "
            f"{self.tables} tables, {self.figures} figures",
            f"dropped: {len(self.dropped)} lines",
        ]
        lines += [f"  - [{d.reason}] {d.text[:120]}" for d in self.dropped]
        lines.append(f"warnings: {len(self.warnings)}")
        lines += [f"  - {w}" for w in self.warnings]
        return "\n".join(lines) + "\n"


_FIGURE_CELL = re.compile(r"[+-]?\d[\d.,]*[%％]?")
_FIGURE_IN_TEXT = re.compile(
    r"\d(?:[\d,.]{0,20}\d)?\s?(?:人次|万元|亿元|个工作日|[条件次%％‰元人个项篇份家场户批起])"
)


def decode(data: bytes) -> str:
    """UTF-8 when it is valid, else GB18030 (a superset of GBK and GB2312)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def import_bytes(data: bytes, origin_url: str | None = None, name: str = "") -> Imported:
    """Import a page (HTML or text), a PDF or a .docx file, told apart by their bytes."""

    notes: list[str] = []
    hints: dict[str, str] = {}
    early: list[tuple[str, str]] = []
    documents.refuse_unsupported(data)
    if documents.is_pdf(data):
        items, early, notes = documents.pdf_items(data)
    elif documents.is_docx(data):
        items, hints, notes = documents.docx_items(data)
    else:
        text = decode(data)
        if is_html(text):
            raw_items, hints, notes, early = html_items(text)
            items = documents.tables_of(raw_items)
        else:
            items, notes = text_items(text)
    items = [x if isinstance(x, Table) else _clean_line(x) for x in items]
    items = [x for x in items if x]
    imported = _assemble(items, hints, origin_url or hints.get("origin_url"))
    imported.warnings[:0] = notes
    imported.dropped[:0] = [Dropped(text, reason) for text, reason in early]
    return imported


def import_file(path: Path, origin_url: str | None = None) -> Imported:
    return import_bytes(path.read_bytes(), origin_url, path.name)


def _assemble(items: list[Item], hints: dict[str, str], origin_url: str | None) -> Imported:
    dropped: list[Dropped] = []
    warnings: list[str] = []
    meta_index = _meta_line_index(items)
    fields = meta_fields(str(items[meta_index])) if meta_index is not None else {}
    title, body_start, title_index = _find_title(items, meta_index, hints.get("title"))
    body: list[Item] = []
    for j, x in enumerate(items[:body_start]):
        if isinstance(x, Table):
            if title_index is not None and j > title_index:
                body.append(x)  # between the title and the metadata line: the article's
                continue
            cells = " | ".join([*x.header, *(c for r in x.rows for c in r)])
            warnings.append(f"a table before the title was left out: {cells[:80]}")
            dropped.append(Dropped(cells, "table before the title"))
            continue
        if j == title_index:
            reason = "title (in the front matter)"
        elif j == meta_index:
            reason = "metadata line (in the front matter)"
        else:
            reason = chrome_reason(x) or (
                "between the title and the metadata line (catalogue box)"
                if title_index is not None and j > title_index
                else "before the title: site header"
            )
            if has_figure(x):
                warnings.append(f"a line with figures before the title was left out: {x[:80]}")
        dropped.append(Dropped(x, reason))
    for x in items[body_start:]:
        if isinstance(x, Table):
            body.append(x)
            continue
        why = chrome_reason(x)
        if why is None and is_meta_line(x):
            why = "metadata line"
        if why is None:
            body.append(x)
        else:
            dropped.append(Dropped(x, why))
    if body and isinstance(body[0], str) and title and _same_title(body[0], title):
        # the article repeats its title; that copy is the cleaner one
        dropped.append(Dropped(title, "duplicate title"))
        title = str(body.pop(0))
    text = "".join(x for x in body if isinstance(x, str))
    cjk = sum(1 for ch in text if "\u3400" <= ch <= "\u9fff")
    language = "zh-CN" if cjk >= max(1, len(text) // 10) else "en"
    for key in ("date", "publisher", "source"):
        if key not in fields and hints.get(key):
            fields[key] = hints[key]
    year = _year(title or "") or (int(fields["date"][:4]) if "date" in fields else None)
    meta: dict[str, Any] = {
        "title": title or (str(body[0])[:80] if body else "Untitled"),
        "date": fields.get("date"),
        "publisher": fields.get("publisher"),
        "source": fields.get("source"),
        "year": year,
        "language": language,
        "category": _category(title or ""),
        "origin_url": safe_url(origin_url),
    }
    meta = {k: v for k, v in meta.items() if v not in (None, "")}
    return Imported(meta, structure(body, language), dropped, warnings)


def safe_url(url: str | None) -> str | None:
    """An http(s) address as the content file accepts it: characters that would break
    it (quotes, spaces, angle brackets) percent-encoded; anything else is no address."""
    if not url:
        return None
    url = url.strip()
    if not re.match(r"^https?://[^/\s]", url, re.I):
        return None
    return urllib.parse.quote(url, safe=":/?#[]@!$&'()*+,;=%~")


def _meta_line_index(items: list[Item]) -> int | None:
    """The line that says when and by whom the page was published."""
    best, best_score = None, 0
    for i, x in enumerate(items[:200]):
        if isinstance(x, str) and is_meta_line(x):
            score = len(meta_fields(x)) + (2 if re.search(r"发布(日期|时间)|Release", x) else 0)
            if score > best_score:
                best, best_score = i, score
    return best


def _find_title(
    items: list[Item], meta_index: int | None, hint: str | None
) -> tuple[str | None, int, int | None]:
    """The title, the index where the article body starts, and the title's own index."""
    if meta_index is not None:
        for j in range(meta_index - 1, -1, -1):
            line = items[j]
            if isinstance(line, str) and not chrome_reason(line) and not _LABEL_LINE.match(line):
                return (hint if hint and _same_title(hint, line) else line), meta_index + 1, j
        return hint, meta_index + 1, None
    if hint:
        for j, line in enumerate(items):
            if isinstance(line, str) and _same_title(line, hint):
                return line, j + 1, j
        return hint, 0, None
    for j, line in enumerate(items):
        if isinstance(line, str) and not chrome_reason(line) and _looks_like_title(line):
            return line, j + 1, j
    return None, 0, None


def _looks_like_title(line: str) -> bool:
    return (
        6 <= len(line) <= 100
        and bool(re.search(r"报告|通知|意见|办法|公告|决定|Report|Notice", line, re.I))
        and not re.search(r"[。；;]$", line)
    )


def _same_title(a: str, b: str) -> bool:
    na, nb = _norm(a), _norm(b)
    if not na or not nb:
        return False
    if na == nb:
        return True
    short, long = sorted((na, nb), key=len)
    return short in long and len(short) >= 0.8 * len(long)


def _year(title: str) -> int | None:
    found = _YEAR.search(title)
    return int(found.group(1) or found.group(2)) if found else None


def _category(title: str) -> str | None:
    if re.search(r"政府信息公开", title) and re.search(r"年度?报|年报", title):
        return "政府信息公开年度报告"
    if re.search(r"information disclosure", title, re.I) and re.search(r"annual", title, re.I):
        return "Annual report on government information disclosure"
    return None


# --- Markdown output -------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
# Line starts that CommonMark reads as a list, heading or quote (lists and
# headings need a space after the marker; "1.政策" is plain text).
_MD_LINE_START = re.compile(r"^(\s*)(\d{1,9}[.)]|[-+*]|#{1,6})(?=\s|$)|^(\s*)(>)")


def _escape(text: str) -> str:
    text = _MD_SPECIAL.sub(r"\\\1", text)

    def mark(m: re.Match[str]) -> str:
        indent, marker = (m.group(1), m.group(2)) if m.group(2) else (m.group(3), m.group(4))
        return indent + marker[:-1] + "\\" + marker[-1]

    return _MD_LINE_START.sub(mark, text)


def _block_markdown(block: Block) -> str:
    if block.kind == "heading":
        return "#" * block.level + " " + _escape(block.text)
    if block.kind == "list":
        return "\n".join("- " + _escape(item) for item in block.items)
    if block.kind == "table" and block.table is not None:
        return _table_markdown(block.table)
    return _escape(block.text)


def _table_markdown(table: Table) -> str:
    width = max([len(table.header)] + [len(r) for r in table.rows])

    def row(cells: list[str]) -> str:
        cells = cells + [""] * (width - len(cells))
        return "| " + " | ".join(_escape(c.replace("\n", " ")) for c in cells) + " |"

    lines = [row(table.header), "|" + " --- |" * width]
    lines.extend(row(r) for r in table.rows)
    return "\n".join(lines)
