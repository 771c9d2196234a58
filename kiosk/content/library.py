"""The content library: every report in a folder, loaded and validated together.

A broken file is reported (file, line, reason) and skipped; the rest is served.
:class:`ContentStore` rebuilds the library when the folder changes and swaps it
in with one assignment, so a request sees the old set or the new one, never a mix.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.caching import ByteCache
from kiosk.content.model import Report
from kiosk.content.parse import ContentError, is_slug, parse_report

log = logging.getLogger("kiosk.content")
#: Reports parsed in this process, by file and text digest: the model is immutable,
#: so a file parsed once (by another app or an earlier load of the same text) is not
#: parsed again. Counted as 4× the file, about what the parsed report holds.
_PARSED: ByteCache[tuple[Report, list[str]]] = ByteCache(64 * 1024 * 1024, name="parsed-reports")


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    reason: str
    severity: str = "error"

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else f"{self.severity}: "
        return f"{self.path}:{self.line}: {prefix}{self.reason}"


@dataclass(frozen=True)
class Library:
    reports: dict[str, Report] = field(default_factory=dict)
    problems: tuple[Problem, ...] = ()
    signature: tuple[tuple[str, int, int], ...] = ()

    @property
    def rejected(self) -> int:
        return len({p.path for p in self.problems if p.severity == "error"})

    def newest_first(self) -> list[Report]:
        return sorted(
            self.reports.values(),
            key=lambda r: (r.meta.year or 0, r.meta.date or "", r.slug),
            reverse=True,
        )

    def by_year(self) -> list[tuple[int | None, list[Report]]]:
        groups: dict[int | None, list[Report]] = {}
        for report in self.newest_first():
            groups.setdefault(report.meta.year, []).append(report)
        return list(groups.items())


def content_files(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.glob("*.md") if p.is_file() and not p.name.startswith("."))


def signature(directory: Path) -> tuple[tuple[str, int, int], ...]:
    out = []
    for p in content_files(directory):
        try:
            st = p.stat()
        except OSError:
            continue
        out.append((p.name, st.st_mtime_ns, st.st_size))
    return tuple(out)


def load_file(path: Path, max_bytes: int) -> tuple[Report | None, list[Problem]]:
    """Load one content file. Returns the report (or None) and its problems."""
    name = str(path)
    slug = path.stem
    if not is_slug(slug):
        return None, [
            Problem(name, 1, "file name must be a slug: lower-case letters, digits and '-'")
        ]
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return None, [Problem(name, 1, f"file is {size} bytes, over the limit of {max_bytes}")]
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Problem(name, 1, f"cannot read file: {exc.strerror or exc}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return None, [Problem(name, line, f"invalid UTF-8 at byte {exc.start}")]
    text = text.removeprefix("\ufeff").replace("\r\n", "\n")
    key = (name, hashlib.sha256(raw).digest())
    try:
        parsed = _PARSED.get(key)
        if parsed is None:
            parsed = _PARSED.put(key, parse_report(slug, text, name), size=4 * len(raw))
        report, warnings = parsed
    except ContentError as exc:
        return None, [Problem(name, exc.line, exc.reason)]
    return report, [Problem(name, 1, w, "warning") for w in warnings]


def load_library(directory: Path, max_bytes: int, previous: Library | None = None) -> Library:
    """Load every report of ``directory``; files unchanged since ``previous`` are reused."""
    sig = signature(directory)
    unchanged = set(sig) & set(previous.signature) if previous else set()
    reports: dict[str, Report] = {}
    problems: list[Problem] = []
    if not directory.is_dir():
        problems.append(Problem(str(directory), 0, "content folder does not exist"))
    for name, mtime, size in sig:
        path = directory / name
        if previous and (name, mtime, size) in unchanged:
            old = previous.reports.get(path.stem)
            found = [p for p in previous.problems if p.path == str(path)]
            if old is not None or found:
                if old is not None:
                    reports[old.slug] = old
                problems.extend(found)
                continue
        report, found = load_file(path, max_bytes)
        problems.extend(found)
        if report is not None:
            reports[report.slug] = report
        elif previous and (last_good := previous.reports.get(path.stem)) is not None:
            # A file that broke while being served: keep reading its last good version.
            reports[last_good.slug] = last_good
            problems.append(Problem(str(path), 0, "still serving the last good version", "warning"))
    for p in problems:
        (log.error if p.severity == "error" else log.warning)("content: %s", p)
    return Library(reports, tuple(problems), sig)


class ContentStore:
    """Holds the current :class:`Library` and replaces it when files change."""

    def __init__(self, directory: Path, max_bytes: int) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self.library = load_library(directory, max_bytes)

    def refresh(self) -> bool:
        """Reload if the folder changed. Returns True when a new library was swapped in."""
        with self._lock:
            if signature(self.directory) == self.library.signature:
                return False
            new = load_library(self.directory, self.max_bytes, previous=self.library)
            self.library = new  # one reference assignment: atomic for readers
            log.info("content: reloaded %d reports, %d rejected", len(new.reports), new.rejected)
            return True


def check(paths: Iterable[Path], max_bytes: int) -> list[Problem]:
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            problems.extend(load_library(path, max_bytes).problems)
        else:
            problems.extend(load_file(path, max_bytes)[1])
    return problems
