"""The static export's size and time: the bundled content, and 1,000 reports.

``run(tmp, row)`` adds its rows to ``make bench`` (register it in
bench/__main__.py's EXTRA_SECTIONS); ``python -m bench.export`` runs it alone.

Every export runs ``kiosk export`` in a child process (its own memory, a cold
start like an operator's). Audio for 1,000 reports (about 66,000 sentences, two
files each, plus one whole-report MP3 each) takes far longer than a benchmark
may, so the 1,000-report export is measured with ``--no-audio``, and its audio
is extrapolated from the bundled report's measured per-sentence cost (cold:
synthesis, MP3 encoding, the whole-report MP3, copying) and per-sentence bytes —
the table says so. (The generated reports repeat the seed's sentences, which the
audio cache would share; the extrapolation assumes distinct sentences, as in a
real library.)
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.server import ROOT, print_table

Row = Callable[[str, str], None]
GENERATED = 1000


def _print_row(name: str, value: str) -> None:
    print(f"  {name:<58} {value}", flush=True)


@dataclass
class Measured:
    seconds: float
    files: int
    bytes: int
    sentences: int
    reports: int
    peak_rss_mb: float


def _size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def export(content: Path, cache: Path, out: Path, *args: str) -> Measured:
    """``kiosk export`` in a child process; wall time, size on disk, peak memory."""
    env = {**os.environ, "KIOSK_CACHE_DIR": str(cache), "KIOSK_LOG_LEVEL": "warning"}
    cmd = [sys.executable, "-m", "kiosk.cli", "export", str(out), "--content", str(content)]
    cmd += ["--base-url", "https://cdn.example.gov.cn/kiosk", *args]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"kiosk export failed: {done.stderr[-2000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    files, size = _size(out)
    info = json.loads((out / "-" / "export.json").read_text(encoding="utf-8"))
    sentences = sum(
        len(json.loads(p.read_text(encoding="utf-8"))["sentences"])
        for p in (out / "reports").glob("*/speech-normal.json")
    )
    return Measured(
        seconds=seconds,
        files=files,
        bytes=size,
        sentences=sentences,
        reports=int(info["reports"]),
        peak_rss_mb=max(peak, before) / 1024,
    )


def mb(n: float) -> str:
    return f"{n / 1e6:,.1f} MB"


def run(tmp: Path, row: Row = _print_row) -> None:
    print("static export (kiosk export, --speeds normal)")
    content = ROOT / "content"
    text = export(content, tmp / "export-cache", tmp / "export-bundled", "--no-audio")
    cold = export(content, tmp / "export-cache", tmp / "export-bundled")
    warm = export(content, tmp / "export-cache", tmp / "export-bundled")
    row(
        "export, bundled content, cold audio cache",
        f"{cold.seconds:.1f} s, {cold.files} files, {mb(cold.bytes)} "
        f"({cold.sentences} sentences; audio {mb(cold.bytes - text.bytes)})",
    )
    row("export, bundled content, audio already made", f"{warm.seconds:.1f} s")
    row(
        "export, bundled content, --no-audio",
        f"{text.seconds:.1f} s, {text.files} files, {mb(text.bytes)}",
    )
    # Audio's share: synthesis and MP3 encoding of every sentence, the whole-report MP3,
    # copying — everything the text-only export does not do.
    audio_s = max(cold.seconds - text.seconds, 0.0) / max(cold.sentences, 1)
    audio_b = (cold.bytes - text.bytes) / max(cold.sentences, 1)
    row(
        "audio per sentence, cold (WAV + MP3 + share of the whole MP3)",
        f"{audio_s * 1000:.0f} ms, {audio_b / 1000:.0f} kB",
    )

    library = tmp / "export-library"
    from bench.__main__ import generate_library  # one generator for every benchmark

    generate_library(library, GENERATED)
    big = export(library, tmp / "export-cache-1000", tmp / "export-1000", "--no-audio")
    row(
        f"export, {GENERATED:,} reports, --no-audio (measured)",
        f"{big.seconds:.1f} s, {big.files:,} files, {mb(big.bytes)}, "
        f"peak RSS {big.peak_rss_mb:.0f} MB",
    )
    n = big.sentences
    row(
        f"export, {GENERATED:,} reports, with audio (extrapolated)",
        f"~{(big.seconds + n * audio_s) / 3600:.1f} h cold, ~{(big.bytes + n * audio_b) / 1e9:.1f} GB, "
        f"{big.files + 2 * n + big.reports:,} files ({n:,} sentences × per-sentence figures above)",
    )
    for folder in ("export-bundled", "export-1000", "export-library"):
        shutil.rmtree(tmp / folder, ignore_errors=True)


def main() -> None:
    rows: list[tuple[str, str]] = []

    def row(name: str, value: str) -> None:
        rows.append((name, value))
        _print_row(name, value)

    tmp = Path(tempfile.mkdtemp(prefix="kiosk-bench-export-"))
    try:
        run(tmp, row)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print_table(rows)


if __name__ == "__main__":
    main()
