"""The search index: every sentence of every report in one SQLite file.

One row per sentence (``sentences``) with the report's slug, title and year,
the block id and type, the section path (titles of the enclosing headings,
taken from the blocks' heading levels), the sentence id, its position in the
report, the text, and for table rows the header and the cells. An FTS5 table
(``fts``) indexes four columns per sentence: ``body`` (the sentence's words),
``section`` (the words of its section path), ``scope`` (generated tokens for
the report, its year and language, to restrict a query to some reports) and
``chars`` (its CJK characters, for substrings; see below).

Why jieba tokens and not the trigram tokenizer
----------------------------------------------
Measured with :func:`bench.search.compare_tokenizers` (SQLite 3.40.1,
this 2-CPU machine, under varying load — ranges over three runs). Recall is
for 12 one- and two-character queries (公开, 网, 热线, 收费, 诉讼, 费, 申请,
问题, 电话, 信箱, 率, 条) against a plain substring scan; latency is fetching
the best 120 rows by BM25 plus 60 substring rows:

===============  =========  =======================  ================================
variant          recall     bundled report (66)      1,000 synthetic reports
                 1–2 chars  build / p50 / p95        (66,000 sentences)
                                                     build / p50 / p95
===============  =========  =======================  ================================
trigram          0.00       0.00 s / 0.02 / 0.05 ms  1.1 s / 0.03 / 0.07 ms
jieba            0.72       0.02 s / 0.05 / 0.12 ms  3.7–5.9 s / 3.5–6 / 76–130 ms
jieba + instr    1.00       0.02 s / 0.08 / 0.30 ms  2.9–4.5 s / 7–8 / 72–101 ms
jieba + chars    1.00       0.02 s / 0.07 / 0.17 ms  4.4–8.4 s / 4.3–7.5 / 73–133 ms
===============  =========  =======================  ================================

The trigram tokenizer finds nothing shorter than three characters (on 3.40 not
even through its LIKE support), yet most words visitors type are one or two
characters (公开, 网, 热线, 收费): it is fast only because it returns nothing.
So ``body`` holds unicode61 tokens over space-joined ``jieba.cut_for_search``
words (:mod:`kiosk.search._text`): BM25 works on real words, and 公开 is found
inside 政务公开 or 公开栏 because search mode also emits the dictionary words
inside a longer word. jieba alone misses a character inside a word (网 in
网站) and two-character strings that are no dictionary word; an ``instr`` scan
fixes that but reads every row for a rare string (~30 ms at 66,000 rows), so
the ``chars`` column indexes each CJK character as a token instead (other runs
become ``x``): the phrase ``chars : "公 开"`` is exactly the substring 公开, at
index speed (:func:`substring_matches`). Its cost is a bigger file (≈ 90 MB for
66,000 sentences, ≈ 0.5 MB for the four test reports) and a slower build.

The p95 column is ranking every match of a very common word (公开 is in 46,000
of the 66,000 sentences); :mod:`kiosk.search.query` therefore lets BM25 rank at
most :data:`COMMON_ROWS` rows, which brings search to p50/p95 ≈ 4–7 / 10–18 ms
and ask to ≈ 5–15 / 13–46 ms on the 1,000 reports (``bench.search``).

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
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from kiosk.caching import ByteCache
from kiosk.content.library import Library
from kiosk.content.model import Report
from kiosk.search._rows import (
    BM25_WEIGHTS,
    COMMON_ROWS,
    FILENAME,
    SCHEMA_VERSION,
    ReportInfo,
    Row,
    SyncStats,
    _create,
    _report_rows,
    _usable,
    language_token,
    match,
    place_names,
    report_hash,
    report_rows,
    rows,
    scope_token,
    substring_matches,
    year_token,
)
from kiosk.search._text import cjk_chars, cjk_phrase, normalize

log = logging.getLogger("kiosk.search")
#: After a failed update (disk full), the same library is not tried again sooner.
SYNC_RETRY_SECONDS = 60.0
T = TypeVar("T")


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
        #: memo() values, each in a 1-tuple (a value may be None).
        self._cache: ByteCache[tuple[Any]] = ByteCache(64 * 1024 * 1024, name="search")
        self._cache_version = -1
        self._memory: sqlite3.Connection | None = None
        self._writer_conn: sqlite3.Connection | None = None
        self._failed: tuple[Library, float] | None = None  # library, retry time
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
            log.warning("search: cannot write the search index in %s: %s", path.parent, exc)
            self._use_memory("the cache folder cannot be written")

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
            if library is self.library or self._retry_later(library):
                return False
            try:
                self._sync_locked(library)
            except sqlite3.Error as exc:  # disk full, file gone read-only...
                self._sync_failed(library, exc)
            else:
                self._failed = None
                if self._memory is None:
                    self.degraded_reason = None
            return True
        finally:
            self._write_lock.release()

    def _retry_later(self, library: Library) -> bool:
        """True while the last failed sync of this very library is recent."""
        failed = self._failed
        return failed is not None and failed[0] is library and time.monotonic() < failed[1]

    def _sync_failed(self, library: Library, exc: sqlite3.Error) -> None:
        """Keep answering: from the index as it is, or from memory when it has nothing.

        Search and 智能问答 must not turn into 500s when the disk fills up; the
        reason goes to health (without paths) and the details to the log.
        """
        log.warning("search: could not update the index: %s", exc)
        self._failed = (library, time.monotonic() + SYNC_RETRY_SECONDS)
        if self._memory is None and self.library is None:
            self._use_memory("the search index file cannot be written")
            self._sync_locked(library)
            return
        self.degraded_reason = (
            "the search index cannot be updated (disk full or not writable); "
            "answering from the index as it was"
        )

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
                if conn.in_transaction:  # SQLite may have rolled back already (disk full)
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

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()``, cached under ``key`` until the index next changes. A value
        computed while a sync committed is not kept: it may come from the older snapshot."""
        version = self.version
        if self._cache_version != version:
            self._cache.clear()
            self._cache_version = version
        found = self._cache.get(key)
        if found is not None:
            kept: T = found[0]
            return kept
        value = compute()
        if self.version == version:
            self._cache.put(key, (value,))
        return value

    def reports(self) -> dict[str, ReportInfo]:
        """Every indexed report by slug."""

        def load() -> dict[str, ReportInfo]:
            with self.reading() as conn:
                sql = "SELECT slug, title, year, language, date, scope, context FROM reports"
                rows = conn.execute(sql).fetchall()
            return {
                r[0]: ReportInfo(
                    r[0], r[1], r[2], r[3], r[4], r[5].split()[0], r[6], place_names(r[6])
                )
                for r in rows
            }

        return self.memo("reports", load)

    def places(self) -> dict[str, frozenset[str]]:
        """Place name, or its start of 2+ characters (石桥 for 石桥县) → slugs of the
        reports about it."""

        def load() -> dict[str, frozenset[str]]:
            out: dict[str, set[str]] = {}
            for info in self.reports().values():
                for place in info.places:
                    for end in range(2, len(place) + 1):
                        out.setdefault(place[:end], set()).add(info.slug)
            return {k: frozenset(v) for k, v in out.items()}

        return self.memo("places", load)

    def sentence_count(self) -> int:
        def load() -> int:
            with self.reading() as conn:
                return int(conn.execute("SELECT count(*) FROM sentences").fetchone()[0])

        return self.memo("count", load)

    def _count(self, key: str, conn: sqlite3.Connection, sql: str, arg: str) -> int:
        return self.memo(key, lambda: int(conn.execute(sql, (arg,)).fetchone()[0] or 0))

    def document_frequency(self, conn: sqlite3.Connection, token: str) -> int:
        """In how many sentences ``token`` occurs (body column), from the FTS vocabulary."""
        sql = "SELECT coalesce(sum(doc), 0) FROM fts_vocab WHERE term = ? AND col = 'body'"
        return self._count("df:" + token, conn, sql, token)

    def token_frequency(self, conn: sqlite3.Connection, token: str) -> int:
        """In how many sentences ``token`` occurs in the words or the headings (at most)."""
        sql = (
            "SELECT coalesce(sum(doc), 0) FROM fts_vocab "
            "WHERE term = ? AND col IN ('body', 'section')"
        )
        return self._count("tf:" + token, conn, sql, token)

    def substring_frequency(self, conn: sqlite3.Connection, needle: str) -> int:
        """In how many sentences the text contains the CJK ``needle``."""
        sql = "SELECT count(*) FROM fts WHERE fts MATCH ?"
        return self._count("sf:" + needle, conn, sql, f"chars : {cjk_phrase(needle)}")

    # The queries themselves (see kiosk.search._rows), for callers holding a connection.
    match = staticmethod(match)
    substring_matches = staticmethod(substring_matches)
    rows = staticmethod(rows)
    report_rows = staticmethod(report_rows)


__all__ = [
    "BM25_WEIGHTS",
    "COMMON_ROWS",
    "SCHEMA_VERSION",
    "ReportInfo",
    "Row",
    "SearchIndex",
    "SyncStats",
    "language_token",
    "place_names",
    "report_hash",
    "scope_token",
    "year_token",
]
