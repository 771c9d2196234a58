"""Import many pages and attachments into a content folder at once.

Each source gets a slug of its own (from its file name, or from the pinyin
initials of its title); the same source imported twice keeps its slug and its
file, two sources with the same bytes are imported once, and a report whose
title and date are those of a file already in the folder replaces that file
instead of making a second copy. A failure in one
file is recorded and the rest go on. What is written is validated first: it must
parse as a report, or it is not written.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.content.importer import Imported, import_bytes
from kiosk.content.library import content_files
from kiosk.content.parse import ContentError, is_slug, parse_report, split_front_matter

#: File types ``kiosk import`` reads from a folder.
SUFFIXES = (".html", ".htm", ".shtml", ".txt", ".pdf", ".docx")


@dataclass
class Result:
    source: Path
    slug: str = ""
    imported: Imported | None = None
    error: str = ""
    status: str = "written"  # written | unchanged | duplicate | failed
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if self.error:
            return f"{self.source}: FAILED: {self.error}"
        if self.status == "duplicate":
            return f"{self.source}: same bytes as another source, imported once as {self.slug}"
        i = self.imported
        assert i is not None
        sections = sum(1 for b in i.blocks if b.kind == "heading" and b.level == 2)
        return (
            f"{self.source} → {self.slug}.md ({self.status}): {i.meta.get('title')} | "
            f"{i.meta.get('date', 'no date')} | {sections} sections, {i.tables} tables, "
            f"{len(i.dropped)} dropped lines, {len(i.warnings)} warnings"
        )


def sources(paths: Iterable[Path]) -> list[Path]:
    """Files given, and the importable files of folders given, each once, in order."""
    out: dict[Path, None] = {}
    for p in paths:
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in SUFFIXES and not f.name.startswith("."):
                    out[f.resolve()] = None
        else:
            out[p.resolve() if p.exists() else p] = None
    return list(out)


def slug_for(source: Path, imported: Imported) -> str:
    """The file name's own slug when it has letters, else year + pinyin initials of the title."""
    stem = re.sub(r"[^a-z0-9]+", "-", source.stem.lower()).strip("-")[:60].strip("-")
    if re.search(r"[a-z]", stem) and stem not in ("source", "index", "content", "report", "page"):
        return stem
    from pypinyin import Style, lazy_pinyin

    title = str(imported.meta.get("title", ""))
    letters = "".join(
        p[:1] for p in lazy_pinyin(re.sub(r"\d+", "", title), style=Style.NORMAL) if p.isalpha()
    ).lower()
    year = imported.meta.get("year")
    slug = "-".join(x for x in (str(year) if year else "", letters[:40]) if x)
    if not is_slug(slug):
        slug = "report-" + hashlib.blake2b(title.encode(), digest_size=4).hexdigest()
    return slug


def validated(slug: str, markdown: str) -> None:
    """Raise ContentError unless ``markdown`` is a report the kiosk can load."""
    if not is_slug(slug):
        raise ContentError(1, f"not a valid slug: {slug!r}")
    parse_report(slug, markdown)


def write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".import-", suffix=".md")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _reports_in(folder: Path) -> dict[tuple[str, str], str]:

    found: dict[tuple[str, str], str] = {}
    for path in content_files(folder):
        try:
            meta, _, _ = split_front_matter(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ContentError):
            continue
        found.setdefault((str(meta.get("title")), str(meta.get("date", "") or "")), path.stem)
    return found


def import_many(
    paths: Iterable[Path],
    out_dir: Path,
    origin_url: str | None = None,
    progress: Callable[[int, int, Path], None] | None = None,
) -> list[Result]:
    files = sources(paths)
    out_dir.mkdir(parents=True, exist_ok=True)
    results: list[Result] = []
    by_digest: dict[str, str] = {}
    taken: dict[str, Path] = {}
    known = _reports_in(out_dir)  # (title, date) → slug of a report already there
    for n, source in enumerate(files, start=1):
        if progress:
            progress(n, len(files), source)
        result = Result(source)
        results.append(result)
        try:
            data = source.read_bytes()
            digest = hashlib.sha256(data).hexdigest()
            if digest in by_digest:
                result.slug, result.status = by_digest[digest], "duplicate"
                continue
            imported = import_bytes(data, origin_url, source.name)
            key = (str(imported.meta.get("title")), str(imported.meta.get("date", "")))
            slug = known.get(key) or slug_for(source, imported)  # the same report: its file
            if slug in taken and taken[slug] != source:
                slug = f"{slug}-{digest[:6]}"
            markdown = imported.to_markdown()
            validated(slug, markdown)
            target = out_dir / f"{slug}.md"
            if target.exists() and target.read_text(encoding="utf-8") == markdown:
                result.status = "unchanged"
            else:
                write_atomic(target, markdown)
            by_digest[digest] = slug
            taken[slug] = source
            known.setdefault(key, slug)
            result.slug, result.imported = slug, imported
            result.warnings = imported.warnings
        except ContentError as exc:
            result.error, result.status = f"the output would not load: {exc}", "failed"
        except OSError as exc:
            result.error, result.status = f"cannot read or write: {exc.strerror or exc}", "failed"
        except Exception as exc:  # one broken file must not stop the batch
            result.error, result.status = f"{type(exc).__name__}: {str(exc)[:200]}", "failed"
    return results
