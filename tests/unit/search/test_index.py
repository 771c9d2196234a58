"""The sentence index: rows, incremental sync, atomic updates, fallbacks, threads."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from kiosk.content.library import Library
from kiosk.content.model import Report
from kiosk.search import index as index_module
from kiosk.search.index import SearchIndex, place_names, report_hash
from kiosk.search.query import search
from tests.unit.search.conftest import SEED, make_report


def _count(idx: SearchIndex, slug: str | None = None) -> int:
    with idx.reading() as conn:
        if slug is None:
            return int(conn.execute("SELECT count(*) FROM sentences").fetchone()[0])
        sql = "SELECT count(*) FROM sentences WHERE slug = ?"
        return int(conn.execute(sql, (slug,)).fetchone()[0])


def test_every_sentence_is_a_row_with_its_report_and_section(
    index: SearchIndex, library: Library
) -> None:
    assert _count(index) == sum(len(r.sentences) for r in library.reports.values())
    assert set(index.reports()) == set(library.reports)
    seed = library.reports[SEED]
    with index.reading() as conn:
        rows = index.report_rows(conn, SEED)
    assert [r.sentence_id for r in rows] == [s.id for s in seed.sentences]
    assert [r.text for r in rows] == [s.text for s in seed.sentences]
    hotline = next(r for r in rows if "政府热线2500个" in r.text)
    assert hotline.title == seed.meta.title and hotline.year == 2013
    assert hotline.block_id == seed.block_of_sentence(hotline.sentence_id).id  # type: ignore[union-attr]
    assert hotline.section == (
        "一、政府信息公开的主要措施及成效",
        "(三)丰富载体,优化环境,进一步扩大公开范围。",
    )
    assert hotline.section_ids[-1] == "b-af91cff9"
    first = rows[0]  # the paragraph before the first heading
    assert first.section == ()
    heading = next(r for r in rows if r.block_type == "heading" and r.text == "七、存在的问题")
    assert heading.section == ("七、存在的问题",)


def test_table_rows_keep_header_and_cells(index: SearchIndex) -> None:
    with index.reading() as conn:
        rows = index.report_rows(conn, "qingshan-2021")
    licence = next(r for r in rows if r.text.startswith("行政许可，"))
    assert licence.block_type == "table"
    assert licence.header == ("信息内容", "本年处理决定数量")
    assert licence.cells == ("行政许可", "4862")
    assert not licence.header_row
    header = next(r for r in rows if r.block_id == licence.block_id and r.header_row)
    assert header.cells == header.header
    assert licence.section == ("二、主动公开政府信息情况",)


def test_incremental_sync_reindexes_only_the_changed_report(
    fresh_index: SearchIndex, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = fresh_index.sync(library)
    assert sorted(first.added) == sorted(library.reports) and first.unchanged == 0
    assert fresh_index.sync(library).changed is False

    seen: list[str] = []
    real = index_module._report_rows

    def rows(report: Report) -> object:
        seen.append(report.slug)
        return real(report)

    monkeypatch.setattr(index_module, "_report_rows", rows)
    changed = make_report("shiqiao-2020", "## 一、总体情况\n\n全年新收政府信息公开申请88件。")
    reports = {**library.reports, "shiqiao-2020": changed}
    stats = fresh_index.sync(Library(reports))
    assert seen == ["shiqiao-2020"]
    assert stats.updated == ("shiqiao-2020",) and stats.added == () and stats.removed == ()
    assert stats.unchanged == len(library.reports) - 1
    assert _count(fresh_index, "shiqiao-2020") == 2
    assert [h.text for h in search(fresh_index, "88件")][:1] == ["全年新收政府信息公开申请88件。"]

    del reports["qingshan-2021-en"]
    stats = fresh_index.sync(Library(reports))
    assert stats.removed == ("qingshan-2021-en",) and seen == ["shiqiao-2020"]
    assert _count(fresh_index, "qingshan-2021-en") == 0
    assert "qingshan-2021-en" not in fresh_index.reports()
    assert search(fresh_index, "lawsuits") == []


def test_report_hash_follows_content_not_identity() -> None:
    again = make_report("a", "正文。")
    assert report_hash(again) == report_hash(make_report("a", "正文。"))
    assert report_hash(again) != report_hash(make_report("a", "正文改了。"))


def test_ensure_syncs_only_for_a_new_library_object(
    fresh_index: SearchIndex, library: Library
) -> None:
    assert fresh_index.ensure(library) is True
    assert fresh_index.ensure(library) is False
    version = fresh_index.version
    same_content = Library(dict(library.reports))
    assert fresh_index.ensure(same_content) is True  # a new object: checked, nothing changed
    assert fresh_index.version == version


def test_readers_see_the_old_index_or_the_new_one_never_half(
    fresh_index: SearchIndex, library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh_index.sync(library)
    before = _count(fresh_index)
    seen: list[tuple[int, int]] = []
    real_insert = SearchIndex._insert

    def insert_then_look(*args: object) -> int:
        result = real_insert(*args)  # type: ignore[arg-type]

        def reader() -> None:  # another thread, its own connection, mid-transaction
            seen.append((_count(fresh_index), len(search(fresh_index, "政府"))))

        thread = threading.Thread(target=reader)
        thread.start()
        thread.join(timeout=10)
        return result

    monkeypatch.setattr(SearchIndex, "_insert", staticmethod(insert_then_look))
    reports = {
        slug: make_report(slug, f"## 一、情况\n\n第{n}份报告的新正文。")
        for n, slug in enumerate(library.reports)
    }
    fresh_index.sync(Library(reports), force=True)
    assert seen and all(count == before for count, _ in seen)  # all old, mid-sync
    assert _count(fresh_index) == 2 * len(reports)  # all new, after


def test_concurrent_queries_while_syncing(fresh_index: SearchIndex, library: Library) -> None:
    from kiosk.search.ask import ask

    fresh_index.sync(library)
    other = Library(
        {**library.reports, "extra-2022": make_report("extra-2022", "新增的报告正文。")}
    )
    errors: list[BaseException] = []

    def query() -> None:
        try:
            for _ in range(15):
                assert search(fresh_index, "公开")
                ask(fresh_index, "热线电话处理了多少个?")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    def writer() -> None:
        try:
            for n in range(6):
                fresh_index.sync(other if n % 2 == 0 else library)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=query) for _ in range(4)] + [threading.Thread(target=writer)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []


def test_unwritable_cache_dir_falls_back_to_memory(tmp_path: Path, library: Library) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    idx = SearchIndex(blocker / "cache")
    try:
        assert idx.path is None
        assert idx.degraded_reason is not None and "memory" in idx.degraded_reason
        idx.sync(library)
        assert search(idx, "热线")
        results: list[int] = []
        thread = threading.Thread(target=lambda: results.append(len(search(idx, "公开"))))
        thread.start()
        thread.join(timeout=10)
        assert results and results[0] > 0
    finally:
        idx.close()


def test_no_cache_dir_means_memory(library: Library) -> None:
    idx = SearchIndex(None)
    try:
        assert idx.degraded_reason and idx.path is None
    finally:
        idx.close()


def test_a_file_that_is_not_an_index_is_replaced(tmp_path: Path, library: Library) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "search.sqlite3").write_bytes(b"this is not a database" * 100)
    idx = SearchIndex(cache)
    try:
        assert idx.degraded_reason is None and idx.path == cache / "search.sqlite3"
        idx.sync(library)
        assert search(idx, "热线")
    finally:
        idx.close()
    with sqlite3.connect(cache / "search.sqlite3") as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()[0] == (
            index_module.SCHEMA_VERSION
        )
    conn.close()


def test_the_index_survives_a_restart(tmp_path: Path, library: Library) -> None:
    first = SearchIndex(tmp_path)
    first.sync(library)
    first.close()
    second = SearchIndex(tmp_path)
    try:
        stats = second.sync(library)
        assert stats.changed is False and stats.unchanged == len(library.reports)
    finally:
        second.close()


def test_place_names_come_from_titles_and_publishers() -> None:
    assert place_names(
        "昆都仑区人民政府2013年度政府信息公开年度报告 昆区政府管理员 昆区政府网"
    ) == (
        "昆都仑区",
        "昆区",
    )
    assert place_names("内蒙古自治区包头市昆都仑区人民政府") == (
        "内蒙古自治区",
        "包头市",
        "昆都仑区",
    )
    assert place_names("annual report 2021") == ()


# --- disk full (issue 14, item 3) ------------------------------------------------


def _fill_disk(idx: SearchIndex) -> None:
    """Let the index file grow no further: SQLite then fails with SQLITE_FULL,
    'database or disk is full', exactly as on a full disk."""
    with idx._writer() as conn:  # noqa: SLF001 - the connection that writes
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")


def test_a_full_disk_before_the_first_sync_answers_from_memory(
    tmp_path: Path, library: Library
) -> None:
    idx = SearchIndex(tmp_path / "cache")
    try:
        _fill_disk(idx)
        assert idx.ensure(library)  # used to raise "database or disk is full"
        assert search(idx, "热线")
        assert idx.degraded_reason and "memory" in idx.degraded_reason
        assert str(tmp_path) not in idx.degraded_reason  # paths only in the log
    finally:
        idx.close()


def test_a_full_disk_later_keeps_answering_from_the_index_it_has(
    tmp_path: Path, library: Library
) -> None:
    idx = SearchIndex(tmp_path / "cache")
    try:
        idx.sync(library)
        _fill_disk(idx)
        extra = make_report("disk-full-2022", "全年新增垃圾分类宣传栏一百处。" * 400)
        grown = Library({**library.reports, extra.slug: extra})
        assert idx.ensure(grown)
        assert search(idx, "热线")  # the reports indexed before still answer
        assert idx.degraded_reason and "cannot be updated" in idx.degraded_reason
        assert not idx.ensure(grown)  # not retried on every request
    finally:
        idx.close()
