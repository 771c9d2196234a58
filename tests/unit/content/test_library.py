from __future__ import annotations

import threading
from pathlib import Path

from kiosk.content.library import ContentStore, check, load_library

GOOD = "---\ntitle: 另一份报告\ndate: 2020-02-01\n---\n正文一句。\n"


def _write(folder: Path, name: str, data: str | bytes) -> Path:
    path = folder / name
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


def test_broken_files_are_reported_and_skipped(content_dir: Path) -> None:
    _write(content_dir, "broken-yaml.md", "---\ntitle: x\ndate: [2014\n---\nbody\n")
    _write(content_dir, "bad-utf8.md", "---\ntitle: x\n---\n第一行\n".encode() + b"\xff\xfe bad\n")
    _write(content_dir, "no-body.md", "---\ntitle: x\n---\n\n")
    _write(content_dir, "too-big.md", "---\ntitle: x\n---\n" + "字" * 2_000_000)
    _write(content_dir, "Bad Name.md", GOOD)
    _write(content_dir, "another-2020.md", GOOD)
    library = load_library(content_dir, max_bytes=5 * 1024 * 1024)
    assert sorted(library.reports) == ["another-2020", "kundulun-2013-report"]
    assert library.rejected == 5
    lines = {Path(p.path).name: (p.line, p.reason) for p in library.problems}
    assert lines["broken-yaml.md"][0] == 3
    assert "broken front matter" in lines["broken-yaml.md"][1]
    assert lines["bad-utf8.md"] == (5, "invalid UTF-8 at byte 27")
    assert lines["no-body.md"][1] == "the report has no body text"
    assert "over the limit" in lines["too-big.md"][1]
    assert "slug" in lines["Bad Name.md"][1]


def test_check_formats_file_line_reason(content_dir: Path) -> None:
    path = _write(content_dir, "x.md", "---\ntitle: x\nyear: soon\n---\nbody\n")
    (problem,) = check([content_dir], 100_000)
    assert str(problem) == f"{path}:3: 'year' must be a year such as 2013: 'soon'"


def test_store_swaps_in_changes_atomically(content_dir: Path) -> None:
    store = ContentStore(content_dir, 5 * 1024 * 1024)
    before = store.library
    assert store.refresh() is False
    _write(content_dir, "another-2020.md", GOOD)
    assert store.refresh() is True
    assert "another-2020" in store.library.reports
    assert "another-2020" not in before.reports  # the old set is untouched
    (content_dir / "another-2020.md").unlink()
    assert store.refresh() is True
    assert "another-2020" not in store.library.reports


def test_readers_never_see_a_partial_set(content_dir: Path) -> None:
    store = ContentStore(content_dir, 5 * 1024 * 1024)
    names = [f"r-{i}" for i in range(20)]
    seen: set[int] = set()
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            seen.add(len(store.library.reports))

    t = threading.Thread(target=reader)
    t.start()
    try:
        for _ in range(3):
            for n in names:
                _write(content_dir, f"{n}.md", GOOD)
            store.refresh()
            for n in names:
                (content_dir / f"{n}.md").unlink()
            store.refresh()
    finally:
        stop.set()
        t.join()
    assert seen <= {1, 21}


def test_reload_reuses_unchanged_reports(content_dir: Path) -> None:
    store = ContentStore(content_dir, 5 * 1024 * 1024)
    seed = store.library.reports["kundulun-2013-report"]
    _write(content_dir, "another-2020.md", GOOD)
    store.refresh()
    assert store.library.reports["kundulun-2013-report"] is seed
    path = content_dir / "kundulun-2013-report.md"
    path.write_text(path.read_text(encoding="utf-8") + "\n新增一段。\n", encoding="utf-8")
    store.refresh()
    assert store.library.reports["kundulun-2013-report"] is not seed


def test_a_file_broken_while_served_keeps_its_last_good_version(content_dir: Path) -> None:
    store = ContentStore(content_dir, 5 * 1024 * 1024)
    seed = store.library.reports["kundulun-2013-report"]
    (content_dir / "kundulun-2013-report.md").write_bytes(b"---\ntitle: [broken\n")
    assert store.refresh() is True
    assert store.library.reports["kundulun-2013-report"] is seed
    reasons = [p.reason for p in store.library.problems]
    assert any("not closed" in r or "broken" in r for r in reasons)
    assert "still serving the last good version" in reasons
    assert store.library.rejected == 1
