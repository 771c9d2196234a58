"""Parse a report file (YAML front matter + Markdown body) into the document model.

Markdown is parsed by markdown-it-py (CommonMark plus GFM tables); raw HTML in a
body is not interpreted (``html=False``), so a content file cannot carry markup
into the kiosk. Errors are raised as :class:`ContentError` with the line of the
file they concern.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from kiosk.content.ids import IdMaker
from kiosk.content.model import Block, Meta, Report, Section, Sentence
from kiosk.content.sentences import split_sentences

FIELDS = ("title", "date", "publisher", "source", "year", "language", "category", "origin_url")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
_URL = re.compile(r"^https?://[^\s<>\"]+$")
_YEAR = re.compile(r"((?:19|20)\d\d)\s*年|\b((?:19|20)\d\d)\b")
_CJK = re.compile(r"[\u3400-\u9fff]")

_md = MarkdownIt("commonmark", {"html": False}).enable("table")
#: libyaml's safe loader when PyYAML was built with it (about 10× faster), else Python's.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class ContentError(Exception):
    """A problem with one content file: where it is and what is wrong."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


def _shown(value: object, limit: int = 60) -> str:
    """``repr(value)`` cut to ``limit`` characters: a message never holds a whole value."""
    text = repr(value) if not isinstance(value, str) or len(value) <= limit else repr(value[:limit])
    return text if len(text) <= limit + 2 else text[:limit] + "…"


def _reject_aliases(front: str) -> None:
    """Refuse YAML anchors and aliases before anything is built from them.

    Nested aliases expand exponentially (500 bytes made a 312 MB value), and
    front matter has no use for them. The event stream is read without
    composing any node, so the check is linear in the size of the text.
    """
    try:
        for event in yaml.parse(front, Loader=_YAML_LOADER):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                mark = event.start_mark
                raise ContentError(
                    mark.line + 2 if mark is not None else 2,
                    "front matter must not use YAML anchors or aliases ('&name', '*name')",
                )
    except yaml.YAMLError:
        return  # broken YAML: loading it reports where, with the precise parser


def is_slug(text: str) -> bool:
    return bool(_SLUG.fullmatch(text))


def split_front_matter(text: str) -> tuple[dict[str, Any], str, int]:
    """Return (front matter, body, line number where the body starts)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise ContentError(1, "missing front matter: the file must start with a '---' line")
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            break
    else:
        raise ContentError(len(lines), "front matter is not closed by a '---' line")
    front = "\n".join(lines[1:i])
    try:
        _reject_aliases(front)
        try:
            data = yaml.load(front, Loader=_YAML_LOADER)
        except yaml.YAMLError:
            data = yaml.load(front, Loader=yaml.SafeLoader)  # its messages and lines are precise
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ContentError(line, f"broken front matter: {problem}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ContentError(2, "front matter must be a mapping of 'key: value' lines")
    return data, "\n".join(lines[i + 1 :]), i + 2


def parse_meta(data: dict[str, Any], body: str) -> tuple[Meta, list[str]]:
    """Validate front matter; return the metadata and warnings (unknown keys)."""
    warnings = [f"unknown front matter key {_shown(k)}" for k in data if k not in FIELDS]

    def text(key: str) -> str | None:
        value = data.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, (dt.date, int, float)):
            return str(value)
        if not isinstance(value, str):
            raise ContentError(_key_line(key), f"{_shown(key)} must be text")
        return value.strip() or None

    title = text("title")
    if not title:
        raise ContentError(2, "front matter has no 'title'")
    date = text("date")
    if date is not None:
        try:
            date = dt.date.fromisoformat(date[:10]).isoformat() + date[10:]
        except ValueError:
            raise ContentError(
                _key_line("date"), f"'date' is not YYYY-MM-DD: {_shown(date)}"
            ) from None
    language = text("language") or ("zh-CN" if _CJK.search(body) or not body else "en")
    if not _LANGUAGE.match(language):
        raise ContentError(
            _key_line("language"), f"'language' is not a language tag: {_shown(language)}"
        )
    year_value = data.get("year")
    if year_value in (None, ""):
        found = _YEAR.search(title)
        year = int(found.group(1) or found.group(2)) if found else (int(date[:4]) if date else None)
    elif isinstance(year_value, int) and 1900 <= year_value <= 2200:
        year = year_value
    else:
        raise ContentError(
            _key_line("year"), f"'year' must be a year such as 2013: {_shown(year_value)}"
        )
    origin_url = text("origin_url")
    if origin_url is not None and not _URL.fullmatch(origin_url):
        raise ContentError(
            _key_line("origin_url"), f"'origin_url' is not an http(s) URL: {_shown(origin_url)}"
        )
    meta = Meta(
        title=title,
        date=date,
        publisher=text("publisher"),
        source=text("source"),
        year=year,
        language=language,
        category=text("category"),
        origin_url=origin_url,
    )
    return meta, warnings


def _key_line(key: str) -> int:
    # Approximate: field order is not known after YAML parsing; the caller
    # refines it with the raw text (see parse_report).
    return 2


def parse_report(slug: str, text: str, path: str = "") -> tuple[Report, list[str]]:
    """Parse the text of a content file. Returns the report and warnings."""
    data, body, body_line = split_front_matter(text)
    try:
        meta, warnings = parse_meta(data, body)
    except ContentError as exc:
        exc.line = _find_key_line(text, exc.reason) or exc.line
        raise
    if not body.strip():
        raise ContentError(body_line, "the report has no body text")
    blocks = build_blocks(body, meta.language, first_line=body_line)
    if not blocks:
        raise ContentError(body_line, "the report has no body text")
    return Report(slug, meta, tuple(blocks), build_sections(blocks), path), warnings


def _find_key_line(text: str, reason: str) -> int | None:
    found = re.match(r"'(\w+)'", reason)
    if not found:
        return None
    for n, line in enumerate(text.split("\n"), start=1):
        if re.match(rf"{found.group(1)}\s*:", line):
            return n
    return None


# --- Markdown → blocks ------------------------------------------------------


def build_blocks(body: str, language: str, first_line: int = 1) -> list[Block]:
    tokens = _md.parse(body)
    block_ids, sentence_ids = IdMaker("b-"), IdMaker("s-")
    joiner = "" if language.startswith("zh") else " "
    blocks: list[Block] = []

    def sentences(text: str) -> tuple[Sentence, ...]:
        return tuple(
            Sentence(sentence_ids.make(s), s) for s in split_sentences(text, language) if s.strip()
        )

    for kind, tok, children in _top_level(tokens):
        line = first_line + (tok.map[0] if tok.map else 0)
        if kind == "heading":
            text = _inline_text(children[0], joiner)
            if text:
                level = min(max(int(tok.tag[1]), 2), 6)
                blocks.append(
                    Block(block_ids.make(text), "heading", text, sentences(text), line, level=level)
                )
        elif kind == "paragraph":
            text = _inline_text(children[0], joiner)
            if text:
                blocks.append(Block(block_ids.make(text), "paragraph", text, sentences(text), line))
        elif kind == "list":
            items = [t for t in (_inline_text(c, joiner) for c in children) if t]
            if items:
                item_sentences = tuple(sentences(t) for t in items)
                text = "\n".join(items)
                blocks.append(
                    Block(
                        block_ids.make(text),
                        "list",
                        text,
                        tuple(s for item in item_sentences for s in item),
                        line,
                        items=item_sentences,
                        ordered=tok.type == "ordered_list_open",
                    )
                )
        elif kind == "table":
            blocks.append(_table_block(tok, children, joiner, block_ids, sentence_ids, line))
    return blocks


def _top_level(tokens: Sequence[Token]) -> Iterator[tuple[str, Token, list[Token]]]:
    """Yield (kind, opening token, inline tokens) for each top-level block."""
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.type == "heading_open":
            yield "heading", tok, [tokens[i + 1]]
            i += 3
        elif tok.type == "paragraph_open":
            yield "paragraph", tok, [tokens[i + 1]]
            i += 3
        elif tok.type in ("bullet_list_open", "ordered_list_open", "table_open"):
            end = _closing(tokens, i)
            inner = [t for t in tokens[i:end] if t.type == "inline"]
            if tok.type == "table_open":
                yield "table", tok, _table_cells(tokens[i:end])
            else:
                yield "list", tok, inner
            i = end + 1
        elif tok.type in ("fence", "code_block"):
            yield (
                "paragraph",
                tok,
                [
                    Token(
                        "inline",
                        "",
                        0,
                        content=tok.content.strip(),
                        children=[Token("text", "", 0, content=tok.content.strip())],
                    )
                ],
            )
            i += 1
        else:  # blockquote wrappers, hr, html: descend or skip
            i += 1


def _closing(tokens: Sequence[Token], start: int) -> int:
    depth = 0
    for j in range(start, len(tokens)):
        depth += tokens[j].nesting
        if depth == 0:
            return j
    return len(tokens) - 1


def _table_cells(tokens: Sequence[Token]) -> list[Token]:
    """Inline tokens of a table with row separators (``tr_close`` tokens) kept."""
    return [t for t in tokens if t.type in ("inline", "tr_close", "thead_close")]


def _table_block(
    tok: Token,
    cells: list[Token],
    joiner: str,
    block_ids: IdMaker,
    sentence_ids: IdMaker,
    line: int,
) -> Block:
    rows: list[list[str]] = [[]]
    header: list[str] = []
    for t in cells:
        if t.type == "inline":
            rows[-1].append(_inline_text(t, joiner))
        elif t.type == "tr_close":
            rows.append([])
        elif t.type == "thead_close":
            header = rows.pop(0) if rows and rows[0] else []
            rows = [r for r in rows if r] or [[]]
    body = [r for r in rows if any(c for c in r)]
    if not any(header):
        header = []
    sentence_texts = []
    if header:
        sentence_texts.append(
            "，".join(c for c in header if c) if joiner == "" else ", ".join(header)
        )
    for row in body:
        sentence_texts.append(_row_sentence(header, row, joiner))
    text = "\n".join(sentence_texts)
    return Block(
        block_ids.make(text),
        "table",
        text,
        tuple(Sentence(sentence_ids.make(s), s) for s in sentence_texts),
        line,
        header=tuple(header),
        rows=tuple(tuple(r) for r in body),
    )


def _row_sentence(header: Sequence[str], row: Sequence[str], joiner: str) -> str:
    """A table row as one readable sentence: the first cell, then 'header: value' pairs."""
    colon, sep = ("：", "，") if joiner == "" else (": ", ", ")
    parts = []
    for i, cell in enumerate(row):
        if not cell:
            continue
        name = header[i] if i < len(header) else ""
        parts.append(f"{name}{colon}{cell}" if i > 0 and name and name != cell else cell)
    return sep.join(parts)


def _inline_text(tok: Token, joiner: str) -> str:
    out = []
    for child in tok.children or []:
        if child.type in ("text", "code_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append(joiner)
        elif child.type == "html_inline":
            out.append(child.content)
    return "".join(out).strip()


# --- blocks → section tree --------------------------------------------------


def build_sections(blocks: Sequence[Block]) -> tuple[Section, ...]:
    root: list[Section] = []
    stack: list[tuple[int, str, str, list[Section]]] = []

    def close_to(level: int) -> None:
        while stack and stack[-1][0] >= level:
            lvl, sid, title, kids = stack.pop()
            node = Section(sid, title, lvl, tuple(kids))
            (stack[-1][3] if stack else root).append(node)

    for b in blocks:
        if b.type == "heading" and b.level is not None:
            close_to(b.level)
            stack.append((b.level, b.id, b.text, []))
    close_to(0)
    return tuple(root)
