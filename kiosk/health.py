"""A truthful health check: what works, what does not and why (no Starlette).

:func:`assess` turns plain facts about the running server into a
:class:`Health`: ``ok``; ``degraded`` (serving, but something a visitor
notices is missing, each with a reason); or ``down`` (nothing to serve). The
HTTP status follows it, for load balancers: 200 while serving, 503 when not.

Reasons are public (the health page is), so they never hold absolute paths
or low-level error text: :func:`scrub` cuts paths down to their last part, and
the details go to the log where the problem is found.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

#: Below this much free space in the cache folder, health says the disk is nearly full.
MIN_FREE_BYTES = 64 * 1024 * 1024

_ABSOLUTE_PATH = re.compile(r"(?<![\w.:/])/(?:[^\s/,;:()'\"]+/)*([^\s/,;:()'\"]*)")


@dataclass(frozen=True)
class Facts:
    """What the web layer knows; every field has a harmless default."""

    content_dir: Path
    reports: int
    rejected: int = 0
    cache_dir: Path | None = None
    speech_enabled: bool = True
    speech_available: bool = True
    speech_reason: str | None = None
    mp3_encoder: bool = True
    prebuild_error: str | None = None
    search_reason: str | None = None
    extra: tuple[str, ...] = ()


@dataclass(frozen=True)
class Health:
    status: str  # "ok", "degraded" or "down"
    reasons: tuple[str, ...] = field(default=())

    @property
    def http_status(self) -> int:
        return 503 if self.status == "down" else 200


def mp3_encoder_installed() -> bool:
    """True if ``lame``, which makes the MP3 that phones and the toolbar play, is on PATH."""
    return shutil.which("lame") is not None


def scrub(text: str) -> str:
    """``text`` with every absolute path cut to its last part (``/srv/x/cache`` → ``cache``)."""
    return _ABSOLUTE_PATH.sub(lambda m: m.group(1) or "/", text)


def cache_problem(cache_dir: Path, min_free: int = MIN_FREE_BYTES) -> str | None:
    """Why generated files cannot be kept in ``cache_dir``, or None."""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        probe = cache_dir / f".health-{uuid.uuid4().hex}"
        probe.write_bytes(b"x")
        probe.unlink()
    except OSError:
        return "the cache folder is not writable (disk full, read-only or missing)"
    try:
        free = shutil.disk_usage(cache_dir).free
    except OSError:
        return None
    if free < min_free:
        return f"the disk of the cache folder is nearly full ({free // (1024 * 1024)} MB free)"
    return None


def assess(facts: Facts) -> Health:
    """The health of a server described by ``facts``."""
    down: list[str] = []
    degraded: list[str] = []
    if not facts.content_dir.is_dir():
        down.append("the content folder is missing")
    elif facts.reports == 0:
        down.append(
            "no report can be served (the content folder is empty or every file is rejected)"
        )
    if facts.rejected:
        degraded.append(f"{facts.rejected} content file(s) rejected, see problems")
    if not facts.speech_available:
        degraded.append("speech engine unavailable: reports are served as text only")
    if facts.speech_enabled:
        if facts.speech_available and not facts.mp3_encoder:
            degraded.append(
                "MP3 encoder (lame) is not installed: phones and the toolbar get no audio"
            )
        if facts.prebuild_error:
            degraded.append(f"audio prebuild stopped: {facts.prebuild_error}")
    if facts.speech_reason:
        degraded.append(facts.speech_reason)
    if facts.cache_dir is not None and (problem := cache_problem(facts.cache_dir)):
        degraded.append(problem)
    if facts.search_reason:
        degraded.append(facts.search_reason)
    degraded.extend(facts.extra)
    reasons = tuple(dict.fromkeys(scrub(r) for r in down + degraded))
    status = "down" if down else ("degraded" if degraded else "ok")
    return Health(status, reasons)


def public_problem(path: str, line: int, reason: str, content_dir: Path) -> str:
    """A content problem as shown publicly: the file's name inside the content folder."""
    try:
        shown = os.path.relpath(path, content_dir) if os.path.isabs(path) else path
    except ValueError:
        shown = Path(path).name
    if shown.startswith(".."):
        shown = Path(path).name
    return scrub(f"{shown}:{line}: {reason}")
