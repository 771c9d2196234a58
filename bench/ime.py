"""拼音 input: lexicon build time and memory, candidate latency, and quality.

``run(tmp, row)`` adds its rows to ``make bench``; ``python -m bench.ime`` runs
it alone and also prints the misses of the quality table.
"""

from __future__ import annotations

import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from kiosk.content.library import load_library
from kiosk.ime.engine import candidates
from kiosk.ime.evaluate import CASES, evaluate
from kiosk.ime.lexicon import Lexicon, build_base, build_reports
from kiosk.ime.service import library_texts
from kiosk.ime.syllables import parse_fuzzy

ROOT = Path(__file__).resolve().parent.parent


def twelve_letter_inputs() -> list[str]:
    """Every 12-letter window of the cases' pinyin typed one after another."""
    letters = "".join(p.replace(" ", "") for _, p in CASES)
    return [letters[i : i + 12] for i in range(0, len(letters) - 12, 3)]


def run(tmp: Path, row: Callable[[str, str], None], verbose: bool = False) -> None:
    print("拼音 input (on-screen keyboard)")
    start, cpu = time.perf_counter(), time.process_time()
    base = build_base()
    build_s, build_cpu = time.perf_counter() - start, time.process_time() - cpu
    path = tmp / "ime-base.lexicon"
    base.save(path)
    library = load_library(ROOT / "content", 5 << 20)
    start = time.perf_counter()
    reports = build_reports(base, library_texts(library))
    reports_s = time.perf_counter() - start
    reports.save(tmp / "ime-reports.lexicon")
    del base, reports
    tracemalloc.start()
    start = time.perf_counter()
    loaded_base = Lexicon.load(path)
    loaded_reports = Lexicon.load(tmp / "ime-reports.lexicon")
    load_s = time.perf_counter() - start
    memory = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert loaded_base is not None and loaded_reports is not None
    layers = (loaded_base, loaded_reports)
    row(
        "lexicon build: base / reports' words (aim ≤ 30 s)",
        f"{build_s:.1f} s wall, {build_cpu:.1f} s CPU ({len(loaded_base):,} entries) / "
        f"{reports_s:.1f} s ({len(loaded_reports):,} entries)",
    )
    row(
        "lexicon load from the cache / memory (aim ≤ 20 MB)",
        f"{load_s * 1000:.0f} ms / {memory / 1e6:.1f} MB",
    )
    fuzzy = parse_fuzzy("all")
    inputs = twelve_letter_inputs()
    times, cpu_times = [], []
    for text in inputs:  # each input once, as a visitor types it: no warm cache per input
        t, c = time.perf_counter(), time.process_time()
        candidates(layers, text, fuzzy)
        times.append(time.perf_counter() - t)
        cpu_times.append(time.process_time() - c)
    for name, values in (("wall", times), ("CPU", cpu_times)):
        p95 = statistics.quantiles(values, n=20)[-1]
        row(
            f"candidates for a 12-letter input, {name}, p50 / p95 / max "
            f"({len(inputs)} inputs, aim p95 ≤ 10 ms)",
            f"{statistics.median(values) * 1000:.1f} / {p95 * 1000:.1f} / "
            f"{max(values) * 1000:.1f} ms",
        )
    for score in evaluate(layers, fuzzy):
        row(
            f"quality, {score.style} ({score.cases} inputs): first / within five",
            f"{score.top1:.0%} / {score.top5:.0%}",
        )
        if verbose:
            print("    misses:", " ".join(score.misses))


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        run(Path(folder), lambda name, value: print(f"  {name:<70} {value}"), verbose=True)
