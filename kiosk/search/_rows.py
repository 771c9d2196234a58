"""What the index stores: the schema, a report's rows, and a row read back.

Kept apart from :mod:`kiosk.search.index` (connections, syncing, reading) so
each stays readable; :mod:`kiosk.search.index` re-exports the public names.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from kiosk.content.model import Report
from kiosk.search._text import cjk_phrase, normalize, tokens

SCHEMA_VERSION = "3"
_PLACE = re.compile(
    r"[\u4e00-\u9fff]{1,10}?(?:特别行政区|自治区|自治州|自治县|省|市|区|县|旗|盟|镇|乡|街道)"
)
FILENAME = "search.sqlite3"

_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE reports(
    slug TEXT PRIMARY KEY, hash TEXT NOT NULL, title TEXT NOT NULL, year INTEGER,
    language TEXT NOT NULL, date TEXT, scope TEXT NOT NULL, context TEXT NOT NULL);
CREATE TABLE sentences(
    id INTEGER PRIMARY KEY, slug TEXT NOT NULL, block_id TEXT NOT NULL,
    block_type TEXT NOT NULL, section TEXT NOT NULL, sentence_id TEXT NOT NULL,
    position INTEGER NOT NULL, text TEXT NOT NULL, norm TEXT NOT NULL,
    header TEXT, cells TEXT, header_row INTEGER NOT NULL DEFAULT 0, lead INTEGER NOT NULL,
    intro TEXT NOT NULL, inner TEXT NOT NULL, outer TEXT NOT NULL);
CREATE INDEX sentences_slug ON sentences(slug);
CREATE VIRTUAL TABLE fts USING fts5(
    body, section, scope, chars, tokenize='unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE fts_vocab USING fts5vocab(fts, 'col');
"""
_ROW_COLUMNS = (
    "s.id, s.slug, r.title, r.year, r.language, s.block_id, s.block_type, s.section, "
    "s.sentence_id, s.position, s.text, s.norm, s.header, s.cells, s.header_row, s.lead, s.intro, s.inner, s.outer"
)
#: BM25 column weights: body, section path, scope and chars (these two never rank).
BM25_WEIGHTS = (1.0, 0.35, 0.0, 0.0)
#: Most rows BM25 ranks for one query (a few µs a row): beyond it, queries fetch
#: with their rarest words only, or newest first (see :mod:`kiosk.search.query`).
COMMON_ROWS = 4000


@dataclass(frozen=True)
class Row:
    """One indexed sentence, as read back."""

    rowid: int
    slug: str
    title: str
    year: int | None
    language: str
    block_id: str
    block_type: str
    section_json: str  # [[heading title, heading block id], …], outermost first
    sentence_id: str
    position: int
    text: str
    norm: str
    header_json: str | None
    cells_json: str | None
    header_row: bool
    lead: bool  # the first sentence after a heading, or of a list item
    intro: str  # for list items: the sentence introducing the list ("…存在一些不足："), normalised
    inner: str  # the innermost heading, normalised
    outer: str  # the outer headings, normalised

    @cached_property
    def _path(self) -> list[list[str]]:
        return list(json.loads(self.section_json))

    @property
    def section(self) -> tuple[str, ...]:
        """Titles of the enclosing headings, outermost first."""
        return tuple(title for title, _ in self._path)

    @property
    def section_ids(self) -> tuple[str, ...]:
        """Block ids (anchors) of the enclosing headings."""
        return tuple(block_id for _, block_id in self._path)

    @property
    def header(self) -> tuple[str, ...]:
        return tuple(json.loads(self.header_json)) if self.header_json else ()

    @property
    def cells(self) -> tuple[str, ...]:
        return tuple(json.loads(self.cells_json)) if self.cells_json else ()


@dataclass(frozen=True)
class ReportInfo:
    slug: str
    title: str
    year: int | None
    language: str
    date: str | None
    scope: str  # the report's own scope token
    context: str  # normalised title, publisher and source: who and where the report is about
    places: tuple[str, ...] = ()  # place names in them: 昆都仑区, 昆区, 青山区


@dataclass(frozen=True)
class SyncStats:
    added: tuple[str, ...]
    updated: tuple[str, ...]
    removed: tuple[str, ...]
    unchanged: int
    seconds: float

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


def place_names(context: str) -> tuple[str, ...]:
    """Place names at the head of a title, publisher or source (before 人民政府, 政府
    or a year): ``昆都仑区人民政府2013年…`` → 昆都仑区; ``昆区政府网`` → 昆区."""
    out: list[str] = []
    for part in context.split(" "):
        head = re.split(r"人民政府|政府|\d", part)[0]
        out += _PLACE.findall(head)
    return tuple(dict.fromkeys(out))


def report_hash(report: Report) -> str:
    """Content hash of everything the index stores about a report."""
    data = json.dumps(report.to_json(), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(f"{SCHEMA_VERSION}\n{data}".encode()).hexdigest()


def scope_token(slug: str) -> str:
    return "rp" + hashlib.blake2b(slug.encode(), digest_size=6).hexdigest()


def year_token(year: int) -> str:
    return f"yr{year}"


def language_token(language: str) -> str:
    return "lg" + "".join(ch for ch in language.split("-")[0].lower() if ch.isalnum())


def _report_rows(report: Report) -> list[tuple[object, ...]]:
    """(block_id, type, section json, sentence id, position, text, norm, header, cells,
    header_row, lead, intro, inner, outer; then tokens, section tokens) for each sentence."""
    out: list[tuple[object, ...]] = []
    stack: list[tuple[int, str, str]] = []
    position = 0
    after_heading = False
    previous = None
    for block in report.blocks:
        intro = ""
        if block.type == "list" and previous is not None and previous.type == "paragraph":
            last = previous.sentences[-1].text.strip() if previous.sentences else ""
            intro = normalize(last) if last.endswith((":", "：")) else ""
        previous = block
        lead = after_heading and block.type != "heading"
        after_heading = block.type == "heading"
        if block.type == "heading" and block.level is not None:
            while stack and stack[-1][0] >= block.level:
                stack.pop()
            stack.append((block.level, block.text, block.id))
        section = [[title, block_id] for _, title, block_id in stack]
        section_tokens = " ".join(tokens(" ".join(title for _, title, _ in stack)))
        inner = normalize(stack[-1][1]) if stack else ""
        outer = normalize(" ".join(title for _, title, _ in stack[:-1]))
        offset = 1 if block.type == "table" and block.header else 0
        item_heads = {item[0].id for item in block.items if item}
        for i, sentence in enumerate(block.sentences):
            header = cells = None
            header_row = 0
            if block.type == "table":
                header = json.dumps(list(block.header), ensure_ascii=False)
                if offset and i == 0:
                    cells, header_row = header, 1
                elif 0 <= i - offset < len(block.rows):
                    cells = json.dumps(list(block.rows[i - offset]), ensure_ascii=False)
            out.append(
                (
                    block.id,
                    block.type,
                    json.dumps(section, ensure_ascii=False),
                    sentence.id,
                    position,
                    sentence.text,
                    normalize(sentence.text),
                    header,
                    cells,
                    header_row,
                    int((lead and i == 0) or sentence.id in item_heads),
                    intro,
                    inner,
                    outer,
                    " ".join(tokens(sentence.text)),
                    section_tokens,
                )
            )
            position += 1
    return out


def _create(conn: sqlite3.Connection) -> None:
    conn.executescript(_SCHEMA)
    conn.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))


def _usable(path: Path) -> bool:
    try:
        conn = sqlite3.connect(path)
        try:
            found = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            conn.execute("SELECT count(*) FROM fts WHERE fts MATCH 'x'").fetchone()
            return bool(found and found[0] == SCHEMA_VERSION)
        finally:
            conn.close()
    except sqlite3.Error:
        return False


def _row(r: tuple[object, ...]) -> Row:
    return Row(
        rowid=int(r[0]),  # type: ignore[call-overload]
        slug=str(r[1]),
        title=str(r[2]),
        year=r[3] if isinstance(r[3], int) else None,
        language=str(r[4]),
        block_id=str(r[5]),
        block_type=str(r[6]),
        section_json=str(r[7]),
        sentence_id=str(r[8]),
        position=int(r[9]),  # type: ignore[call-overload]
        text=str(r[10]),
        norm=str(r[11]),
        header_json=r[12] if isinstance(r[12], str) else None,
        cells_json=r[13] if isinstance(r[13], str) else None,
        header_row=bool(r[14]),
        lead=bool(r[15]),
        intro=str(r[16]),
        inner=str(r[17]),
        outer=str(r[18]),
    )


def _scoped(expression: str, scope: Iterable[str]) -> str:
    scope = list(scope)
    if not scope:
        return expression
    quoted = " OR ".join(f'"{s}"' for s in scope)
    return f"scope : ({quoted}) AND ({expression})"


def match(
    conn: sqlite3.Connection,
    expression: str,
    scope: Iterable[str] = (),
    limit: int = 200,
    ranked: bool = True,
) -> list[tuple[int, float]]:
    """(rowid, bm25) of the best ``limit`` rows matching an FTS5 ``expression``
    built from quoted tokens only; ``scope`` tokens restrict the reports.
    Unranked: the newest ``limit`` rows, with bm25 0.0."""
    expression = _scoped(expression, scope)
    if not ranked:
        sql = "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rowid DESC LIMIT ?"
        return [(int(r[0]), 0.0) for r in conn.execute(sql, (expression, limit))]
    weights = ", ".join(str(w) for w in BM25_WEIGHTS)
    sql = f"SELECT rowid, bm25(fts, {weights}) AS r FROM fts WHERE fts MATCH ? ORDER BY r LIMIT ?"
    return [(int(a), float(b)) for a, b in conn.execute(sql, (expression, limit))]


def substring_matches(
    conn: sqlite3.Connection, needle: str, scope: Iterable[str] = (), limit: int = 200
) -> list[int]:
    """Rowids (newest first) whose text contains the CJK ``needle`` — through the
    character column, so a 1–2-character word is found inside any longer word."""
    expression = _scoped(f"chars : {cjk_phrase(needle)}", scope)
    sql = "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rowid DESC LIMIT ?"
    return [int(r[0]) for r in conn.execute(sql, (expression, limit))]


def rows(conn: sqlite3.Connection, rowids: Iterable[int]) -> dict[int, Row]:
    ids = list(dict.fromkeys(rowids))
    out: dict[int, Row] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        sql = (
            f"SELECT {_ROW_COLUMNS} FROM sentences s JOIN reports r ON r.slug = s.slug "
            f"WHERE s.id IN ({marks})"
        )
        for r in conn.execute(sql, chunk):
            out[r[0]] = _row(r)
    return out


def report_rows(conn: sqlite3.Connection, slug: str) -> list[Row]:
    sql = (
        f"SELECT {_ROW_COLUMNS} FROM sentences s JOIN reports r ON r.slug = s.slug "
        "WHERE s.slug = ? ORDER BY s.position"
    )
    return [_row(r) for r in conn.execute(sql, (slug,))]
