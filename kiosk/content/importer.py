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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kiosk.content.html import html_items, is_html
from kiosk.content.sentences import split_sentences

# --- the items a page is made of ---------------------------------------------


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]


Item = str | Table


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

_META_LABELS = {
    "date": r"发布日期|发布时间|成文日期|印发日期|日期|Release date|Date of release|Published|Date",
    "publisher": r"发布单位|发布机构|发文机关|发文单位|Publisher|Issued by",
    "source": r"信息来源|文章来源|来源|Source",
}
_STOP_LABELS = r"点击量|点击数|浏览次数|阅读次数|访问量|字号|\[?\s*字体|打印|分享|责任编辑|作者|Views|Font size"
_LABEL = re.compile(rf"(?P<label>{'|'.join(_META_LABELS.values())}|{_STOP_LABELS})\s*[:：]", re.I)
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_YEAR = re.compile(r"((?:19|20)\d\d)\s*年|\b((?:19|20)\d\d)\b")

_CHROME_LINE = re.compile(
    r"^(?:"
    r"(?:主办|承办|协办|技术支持|维护|联系我们|网站地图|版权所有|Copyright|©|网站标识码|"
    r"[京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川黔滇藏陕甘青宁新]ICP|ICP|"
    r"[京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川黔滇藏陕甘青宁新]公网安备|"
    r"上一篇|下一篇|上一条|下一条|相关链接|相关阅读|当前位置|您的位置|您现在的位置|"
    r"扫一扫|分享到|Previous|Next|You are here|Related|Share\b).*"
    r"|.*(?:首页|Home)\s*[>›»/].*"
    r")$",
    re.I,
)
_CHROME_TOKEN = re.compile(
    r"登录|注册|退出|English|繁體|简体|无障碍浏览|无障碍|适老版|长者模式|关怀版|智能问答|"
    r"打印保存|打印本页|打印|关闭窗口|关闭|收藏本页|收藏|请用手机|扫码访问|扫码|"
    r"在手机打开当前页|手机版|返回顶部|返回首页|首页|"
    r"字号\s*[:：]?\s*\[?\s*大\s*中\s*小\s*\]?|\[\s*字体\s*[:：]?[^\]]*\]|"
    r"(?:点击量|点击数|浏览次数|阅读次数)\s*[:：]?\s*\d*|"
    r"\b(?:Home|Login|Log in|Sign in|Register|Print|Close|Share|Search|Font size|A\+|A-|"
    r"Accessibility|Elderly mode)\b|"
    r"[【】\[\]|｜/·•>]",
    re.I,
)


# "索引号：…", "主题分类：…", "有 效 性：…": the catalogue box above an article.
_LABEL_LINE = re.compile(r"^[\w ]{2,8}\s*[:：]")


_BRACKETED = re.compile(r"^(?:\s*[【\[][^】\]]{1,8}[】\]]\s*)+$")


_FOOTER_WORD = re.compile(
    r"主办|承办|协办|技术支持|版权|备案|网站标识码|分辨率|浏览器|All rights reserved", re.I
)


def _is_chrome(line: str) -> bool:
    if _CHROME_LINE.match(line) or _BRACKETED.match(line):
        return True
    if not re.search(r"[。；;！？!?]", line) and (
        _FOOTER_WORD.search(line) or len(re.findall(r"\s[|｜]\s", line)) >= 2
    ):
        return True  # footer: who runs the site, or a row of links
    rest = _CHROME_TOKEN.sub("", line)
    return not re.sub(r"[\s:：,，.。;；\-–—_]+", "", rest)


def _norm(text: str) -> str:
    """Compare titles: NFKC, no whitespace, no 关于."""
    return re.sub(r"\s+|关于", "", unicodedata.normalize("NFKC", text))


def _clean_line(line: str) -> str:
    line = line.replace("\u3000", " ").replace("\xa0", " ")
    return re.sub(r"[ \t]+", " ", line).strip()


def _meta_fields(line: str) -> dict[str, str]:
    """Read 发布日期/发布单位/来源 (and their English forms) from one line."""
    found: dict[str, str] = {}
    matches = list(_LABEL.finditer(line))
    for i, m in enumerate(matches):
        label = m.group("label")
        key = next(
            (k for k, pattern in _META_LABELS.items() if re.fullmatch(pattern, label, re.I)),
            None,
        )
        if key is None or key in found:
            continue
        end = matches[i + 1].start() if i + 1 < len(matches) else len(line)
        value = re.split(r"\s{2,}|[【\[|｜]", line[m.end() : end].strip())[0].strip(" |｜")
        if key == "date":
            date = _DATE.search(value)
            if not date:
                continue
            y, mo, d = (int(g) for g in date.groups())
            value = f"{y:04d}-{mo:02d}-{d:02d}"
        if value:
            found[key] = value
    return found


def _is_meta_line(line: str) -> bool:
    fields = _meta_fields(line)
    return len(line) < 300 and ("date" in fields or len(fields) >= 2)


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
    while i < n:
        item = lines[i]
        if isinstance(item, Table):
            blocks.append(Block("table", table=item))
            i += 1
            continue
        level = _marker_level(item)
        if level is not None:
            run = _list_run(lines, i, level)
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


def _list_run(lines: list[Item], start: int, level: int) -> list[str]:
    """Sibling items of one marker level that have no body of their own: a list."""
    run: list[str] = []
    j = start
    while j < len(lines):
        line = lines[j]
        if not isinstance(line, str) or _marker_level(line) != level:
            break
        if len(split_sentences(line)) > 1 or not _is_short(line):
            return []
        nxt = lines[j + 1] if j + 1 < len(lines) else None
        run.append(line)
        j += 1
        if isinstance(nxt, str) and _marker_level(nxt) is None:
            return []  # the last item has a body: these are headings
        if nxt is None or not isinstance(nxt, str) or (_marker_level(nxt) or 9) < level:
            break
    return run


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


@dataclass
class Imported:
    meta: dict[str, Any]
    blocks: list[Block]

    def to_markdown(self) -> str:
        front = yaml.safe_dump(self.meta, allow_unicode=True, sort_keys=False, width=1000)
        body = "\n\n".join(_block_markdown(b) for b in self.blocks)
        return f"---\n{front}---\n\n{body}\n"


def decode(data: bytes) -> str:
    """UTF-8 when it is valid, else GB18030 (a superset of GBK and GB2312)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", errors="replace")


def import_bytes(data: bytes, origin_url: str | None = None) -> Imported:
    text = decode(data)
    hints: dict[str, str] = {}
    if is_html(text):
        raw_items, hints = html_items(text)
        items: list[Item] = [x if isinstance(x, str) else Table(x[0], x[1]) for x in raw_items]
    else:
        items = _text_items(text)
    items = [x if isinstance(x, Table) else _clean_line(x) for x in items]
    items = [x for x in items if x]
    return _assemble(items, hints, origin_url or hints.get("origin_url"))


def _text_items(text: str) -> list[Item]:
    """Lines of a text dump; runs of tab-separated lines (tables pasted from a
    browser) become tables."""
    items: list[Item] = []
    run: list[list[str]] = []

    def flush() -> None:
        if len(run) >= 2:
            items.append(_grid_table(run))
        else:
            items.extend(" ".join(r) for r in run)
        run.clear()

    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().split("\t")]
        if len(cells) >= 2 and not line.startswith(("\t\t\t", "    ")):
            run.append([_clean_line(c) for c in cells])
            continue
        flush()
        items.append(line)
    flush()
    return items


def _grid_table(rows: list[list[str]]) -> Table:
    width = max(len(r) for r in rows)
    grid = [r + [""] * (width - len(r)) for r in rows]
    n_head = 0
    while n_head < len(grid) - 1 and not any(_FIGURE.fullmatch(c) for c in grid[n_head]):
        n_head += 1
    n_head = n_head if 0 < n_head <= 3 else 1
    header = [
        " / ".join(dict.fromkeys(row[col] for row in grid[:n_head] if row[col]))
        for col in range(width)
    ]
    return Table(header, grid[n_head:])


_FIGURE = re.compile(r"[+-]?[\d.,%％]+")


def import_file(path: Path, origin_url: str | None = None) -> Imported:
    return import_bytes(path.read_bytes(), origin_url)


def _assemble(items: list[Item], hints: dict[str, str], origin_url: str | None) -> Imported:
    meta_index = _meta_line_index(items)
    fields = _meta_fields(str(items[meta_index])) if meta_index is not None else {}
    title, body_start = _find_title(items, meta_index, hints.get("title"))
    body = [x for x in items[body_start:] if isinstance(x, Table) or not _is_chrome(x)]
    body = [x for x in body if not (isinstance(x, str) and _is_meta_line(x))]
    if body and isinstance(body[0], str) and title and _same_title(body[0], title):
        title = str(body.pop(0))  # the article repeats its title; that copy is the cleaner one
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
        "origin_url": origin_url,
    }
    meta = {k: v for k, v in meta.items() if v not in (None, "")}
    return Imported(meta, structure(body, language))


def _meta_line_index(items: list[Item]) -> int | None:
    """The line that says when and by whom the page was published."""
    best, best_score = None, 0
    for i, x in enumerate(items[:200]):
        if isinstance(x, str) and _is_meta_line(x):
            score = len(_meta_fields(x)) + (2 if re.search(r"发布(日期|时间)|Release", x) else 0)
            if score > best_score:
                best, best_score = i, score
    return best


def _find_title(
    items: list[Item], meta_index: int | None, hint: str | None
) -> tuple[str | None, int]:
    """The title and the index where the article body starts."""
    if meta_index is not None:
        for j in range(meta_index - 1, -1, -1):
            line = items[j]
            if isinstance(line, str) and not _is_chrome(line) and not _LABEL_LINE.match(line):
                return (hint if hint and _same_title(hint, line) else line), meta_index + 1
        return hint, meta_index + 1
    if hint:
        for j, line in enumerate(items):
            if isinstance(line, str) and _same_title(line, hint):
                return line, j + 1
        return hint, 0
    for j, line in enumerate(items):
        if isinstance(line, str) and not _is_chrome(line) and _looks_like_title(line):
            return line, j + 1
    return None, 0


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
