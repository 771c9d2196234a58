"""The search index: every sentence of every report in one SQLite file.

One row per sentence (``sentences``) with the report's slug, title and year,
the block id and type, the section path (titles of the enclosing headings,
taken from the blocks' heading levels), the sentence id, its position in the
report, the text, and for table rows the header and the cells. An FTS5 table
(``fts``) indexes three columns per sentence: ``body`` (the sentence's tokens),
``section`` (the tokens of its section path) and ``scope`` (generated tokens for
the report, its year and language, used to restrict a query to some reports).

Why jieba tokens and not the trigram tokenizer
----------------------------------------------
Measured with :func:`kiosk.search.bench.compare_tokenizers` on the bundled
report and on a synthetic library of 1,000 reports (66,000 sentences), SQLite
3.40.1, this machine:

============================  ===========  ===========  ===================
                              trigram      jieba        jieba + substring
============================  ===========  ===========  ===================
recall, 1–2-character queries 0.00         0.66         1.00
build, 1,000 reports          4.1 s        7.6 s        7.6 s
query p50 / p95 (1,000)       0.8 / 19 ms  0.5 / 14 ms  2.2 / 27 ms
============================  ===========  ===========  ===================

The trigram tokenizer cannot match a query shorter than three characters (on
3.40 not even through its LIKE support), and most Chinese words visitors type
are one or two characters (公开, 网, 热线, 收费). The body column therefore
holds unicode61 tokens over space-joined ``jieba.cut_for_search`` words (see
:mod:`kiosk.search._text`): BM25 then works on real words, a two-character
word like 公开 is found inside 政务公开 and 公开栏 (search mode emits the
dictionary words inside a longer word), and queries are cheap. jieba misses
single characters inside words (网 in 网站) and rare two-character
substrings that are not dictionary words, so queries add a substring scan
(``instr`` over the normalised text, :meth:`SearchIndex.substring_matches`)
for CJK terms of one or two characters: recall 1.0 for ~2 ms more.

Updates and readers
-------------------
:meth:`SearchIndex.sync` is incremental: each report is keyed by a content hash
(:func:`report_hash`); only new or changed reports are re-segmented and
re-inserted, reports gone from the library are deleted. Segmentation happens
before the write transaction; the deletes and inserts are one transaction, and
the file is in WAL mode, so a reader (each thread has its own connection, see
:meth:`SearchIndex.reading`) sees the index before the sync or after it, never
half of it. A file that is not a database, or has another schema version, is
replaced at start-up by a fresh one built beside it and moved in with
``os.replace``. When the cache folder cannot be written the index lives in
memory (one connection behind a lock) and :attr:`SearchIndex.degraded_reason`
says why.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from kiosk.content.library import Library
from kiosk.content.model import Report
from kiosk.search._text import cjk_chars, cjk_phrase, normalize, tokens

log = logging.getLogger("kiosk.search")

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
#: Most rows BM25 ranks for one query (about 6 µs a row): beyond it, queries fetch
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


class SearchIndex:
    """The sentence index of a :class:`Library`; safe to query from many threads."""

    def __init__(self, cache_dir: str | os.PathLike[str] | None, filename: str = FILENAME) -> None:
        self.degraded_reason: str | None = None
        self.path: Path | None = None
        self.library: Library | None = None  # the library last synced (compared by identity)
        self.version = 0  # bumped after every sync that changed something
        self._write_lock = threading.Lock()
        self._memory_lock = threading.RLock()
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        self._cache: dict[str, object] = {}
        self._cache_version = -1
        self._memory: sqlite3.Connection | None = None
        self._writer_conn: sqlite3.Connection | None = None
        if cache_dir is None:
            self._use_memory("no cache folder is configured")
            return
        path = Path(cache_dir) / filename
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if not (path.exists() and _usable(path)):
                self._replace_with_empty(path)
            self.path = path
            with self._writer() as conn:
                conn.execute("PRAGMA journal_mode=WAL").fetchone()
        except (OSError, sqlite3.Error) as exc:
            self.path = None
            self._use_memory(f"cannot write the search index in {path.parent}: {exc}")

    # --- connections --------------------------------------------------------

    def _use_memory(self, reason: str) -> None:
        self.degraded_reason = f"{reason}; the search index is kept in memory"
        log.warning("search: %s", self.degraded_reason)
        self._memory = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
        _create(self._memory)

    def _replace_with_empty(self, path: Path) -> None:
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.unlink(missing_ok=True)
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            _create(conn)
        finally:
            conn.close()
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.replace(tmp, path)
        log.info("search: created a new index at %s", path)

    def _connect(self) -> sqlite3.Connection:
        assert self.path is not None
        conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False, isolation_level=None)
        conn.execute("PRAGMA synchronous=NORMAL")
        with self._connections_lock:
            self._connections.append(conn)
        return conn

    @contextlib.contextmanager
    def _writer(self) -> Iterator[sqlite3.Connection]:
        if self._memory is not None:
            with self._memory_lock:
                yield self._memory
            return
        if self._writer_conn is None:
            self._writer_conn = self._connect()
        yield self._writer_conn

    @contextlib.contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """A connection for this thread inside a read transaction: one consistent snapshot."""
        if self._memory is not None:
            with self._memory_lock:
                yield self._memory
            return
        local = self._local
        conn: sqlite3.Connection | None = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = self._connect()
            local.depth = 0
        if local.depth == 0:
            conn.execute("BEGIN")
        local.depth += 1
        try:
            yield conn
        finally:
            local.depth -= 1
            if local.depth == 0:
                conn.execute("COMMIT")

    def close(self) -> None:
        with self._connections_lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        if self._memory is not None:
            self._memory.close()
        self._local = threading.local()
        self._writer_conn = None

    # --- building -----------------------------------------------------------

    def ensure(self, library: Library) -> bool:
        """Sync when ``library`` is not the one last synced (by identity).

        While another thread syncs, readers keep the index they have instead of
        waiting — except before the very first sync. Returns True when it synced.
        """
        if library is self.library:
            return False
        if not self._write_lock.acquire(blocking=self.library is None):
            return False
        try:
            if library is self.library:
                return False
            self._sync_locked(library)
            return True
        finally:
            self._write_lock.release()

    def sync(self, library: Library, *, force: bool = False) -> SyncStats:
        """Bring the index in line with ``library``; ``force`` re-indexes every report."""
        with self._write_lock:
            return self._sync_locked(library, force=force)

    def _sync_locked(self, library: Library, force: bool = False) -> SyncStats:
        start = time.perf_counter()
        with self.reading() as conn:
            known = dict(conn.execute("SELECT slug, hash FROM reports").fetchall())
        hashes = {slug: report_hash(r) for slug, r in library.reports.items()}
        changed = [s for s, h in hashes.items() if force or known.get(s) != h]
        removed = [s for s in known if s not in hashes]
        prepared = {slug: _report_rows(library.reports[slug]) for slug in changed}
        with self._writer() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                for slug in removed + [s for s in changed if s in known]:
                    self._delete(conn, slug)
                next_id = conn.execute("SELECT coalesce(max(id), 0) FROM sentences").fetchone()[0]
                for slug in changed:
                    next_id = self._insert(
                        conn, library.reports[slug], hashes[slug], prepared[slug], next_id
                    )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        stats = SyncStats(
            added=tuple(s for s in changed if s not in known),
            updated=tuple(s for s in changed if s in known),
            removed=tuple(removed),
            unchanged=len(hashes) - len(changed),
            seconds=time.perf_counter() - start,
        )
        self.library = library
        if stats.changed:
            self.version += 1
            log.info(
                "search: indexed %d reports (%d new, %d changed, %d removed) in %.2f s",
                len(hashes),
                len(stats.added),
                len(stats.updated),
                len(stats.removed),
                stats.seconds,
            )
        return stats

    @staticmethod
    def _delete(conn: sqlite3.Connection, slug: str) -> None:
        conn.execute(
            "DELETE FROM fts WHERE rowid IN (SELECT id FROM sentences WHERE slug = ?)", (slug,)
        )
        conn.execute("DELETE FROM sentences WHERE slug = ?", (slug,))
        conn.execute("DELETE FROM reports WHERE slug = ?", (slug,))

    @staticmethod
    def _insert(
        conn: sqlite3.Connection,
        report: Report,
        digest: str,
        rows: list[tuple[object, ...]],
        next_id: int,
    ) -> int:
        meta = report.meta
        scope = " ".join(
            [scope_token(report.slug), language_token(meta.language)]
            + ([year_token(meta.year)] if meta.year else [])
        )
        conn.execute(
            "INSERT INTO reports VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                report.slug,
                digest,
                meta.title,
                meta.year,
                meta.language,
                meta.date,
                scope,
                normalize(" ".join(filter(None, (meta.title, meta.publisher, meta.source)))),
            ),
        )
        ids = range(next_id + 1, next_id + 1 + len(rows))
        conn.executemany(
            "INSERT INTO sentences VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(i, report.slug, *row[:14]) for i, row in zip(ids, rows, strict=True)],
        )
        conn.executemany(
            "INSERT INTO fts(rowid, body, section, scope, chars) VALUES (?, ?, ?, ?, ?)",
            [
                (i, row[14], row[15], scope, cjk_chars(str(row[6])))
                for i, row in zip(ids, rows, strict=True)
            ],
        )
        return next_id + len(rows)

    # --- reading ------------------------------------------------------------

    def _cached(self) -> dict[str, object]:
        if self._cache_version != self.version:
            self._cache = {}
            self._cache_version = self.version
        return self._cache

    def reports(self) -> dict[str, ReportInfo]:
        """Every indexed report by slug."""
        cache = self._cached()
        found = cache.get("reports")
        if isinstance(found, dict):
            return found
        with self.reading() as conn:
            rows = conn.execute(
                "SELECT slug, title, year, language, date, scope, context FROM reports"
            ).fetchall()
        info = {
            r[0]: ReportInfo(r[0], r[1], r[2], r[3], r[4], r[5].split()[0], r[6], place_names(r[6]))
            for r in rows
        }
        cache["reports"] = info
        return info

    def places(self) -> dict[str, frozenset[str]]:
        """Place name, or its start of 2+ characters (石桥 for 石桥县) → slugs of the
        reports about it."""
        cache = self._cached()
        found = cache.get("places")
        if isinstance(found, dict):
            return found
        out: dict[str, set[str]] = {}
        for info in self.reports().values():
            for place in info.places:
                for end in range(2, len(place) + 1):
                    out.setdefault(place[:end], set()).add(info.slug)
        frozen = {k: frozenset(v) for k, v in out.items()}
        cache["places"] = frozen
        return frozen

    def sentence_count(self) -> int:
        cache = self._cached()
        found = cache.get("count")
        if isinstance(found, int):
            return found
        with self.reading() as conn:
            count = int(conn.execute("SELECT count(*) FROM sentences").fetchone()[0])
        cache["count"] = count
        return count

    def document_frequency(self, conn: sqlite3.Connection, token: str) -> int:
        """In how many sentences ``token`` occurs (body column), from the FTS vocabulary."""
        cache = self._cached()
        key = "df:" + token
        found = cache.get(key)
        if isinstance(found, int):
            return found
        row = conn.execute(
            "SELECT doc FROM fts_vocab WHERE term = ? AND col = 'body'", (token,)
        ).fetchone()
        df = int(row[0]) if row else 0
        cache[key] = df
        return df

    def substring_frequency(self, conn: sqlite3.Connection, needle: str) -> int:
        """In how many sentences the text contains the CJK ``needle`` (cached)."""
        cache = self._cached()
        key = "sf:" + needle
        found = cache.get(key)
        if isinstance(found, int):
            return found
        sql = "SELECT count(*) FROM fts WHERE fts MATCH ?"
        count = int(conn.execute(sql, (f"chars : {cjk_phrase(needle)}",)).fetchone()[0])
        cache[key] = count
        return count

    def token_frequency(self, conn: sqlite3.Connection, token: str) -> int:
        """In how many sentences ``token`` occurs in the words or the headings (at most)."""
        cache = self._cached()
        key = "tf:" + token
        found = cache.get(key)
        if isinstance(found, int):
            return found
        sql = "SELECT coalesce(sum(doc), 0) FROM fts_vocab WHERE term = ? AND col IN ('body', 'section')"
        count = int(conn.execute(sql, (token,)).fetchone()[0])
        cache[key] = count
        return count

    @staticmethod
    def _scoped(expression: str, scope: Iterable[str]) -> str:
        scope = list(scope)
        if not scope:
            return expression
        quoted = " OR ".join(f'"{s}"' for s in scope)
        return f"scope : ({quoted}) AND ({expression})"

    @classmethod
    def match(
        cls,
        conn: sqlite3.Connection,
        expression: str,
        scope: Iterable[str] = (),
        limit: int = 200,
        ranked: bool = True,
    ) -> list[tuple[int, float]]:
        """(rowid, bm25) of the best ``limit`` rows matching an FTS5 ``expression``
        built from quoted tokens only; ``scope`` tokens restrict the reports.
        Unranked: the newest ``limit`` rows, with bm25 0.0."""
        expression = cls._scoped(expression, scope)
        if not ranked:
            sql = "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rowid DESC LIMIT ?"
            return [(int(r[0]), 0.0) for r in conn.execute(sql, (expression, limit))]
        weights = ", ".join(str(w) for w in BM25_WEIGHTS)
        sql = (
            f"SELECT rowid, bm25(fts, {weights}) AS r FROM fts WHERE fts MATCH ? ORDER BY r LIMIT ?"
        )
        return [(int(a), float(b)) for a, b in conn.execute(sql, (expression, limit))]

    @classmethod
    def substring_matches(
        cls, conn: sqlite3.Connection, needle: str, scope: Iterable[str] = (), limit: int = 200
    ) -> list[int]:
        """Rowids (newest first) whose text contains the CJK ``needle`` — through the
        character column, so a 1–2-character word is found inside any longer word."""
        expression = cls._scoped(f"chars : {cjk_phrase(needle)}", scope)
        sql = "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rowid DESC LIMIT ?"
        return [int(r[0]) for r in conn.execute(sql, (expression, limit))]

    @staticmethod
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

    @staticmethod
    def report_rows(conn: sqlite3.Connection, slug: str) -> list[Row]:
        sql = (
            f"SELECT {_ROW_COLUMNS} FROM sentences s JOIN reports r ON r.slug = s.slug "
            "WHERE s.slug = ? ORDER BY s.position"
        )
        return [_row(r) for r in conn.execute(sql, (slug,))]


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
