"""`make bench` "hostile inputs": text and files crafted to stall the server.

Each figure is the time one call takes on the input (best of five, CPU time) and, for
the text rules, the ratio of the time for twice the input to the time for the
input itself: about 2 is linear, about 4 quadratic (issue 14, item 4).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

N = 20_000


def _best(fn: Callable[[str], object], text: str, runs: int = 5) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()  # CPU time: other jobs on the machine do not count
        fn(text)
        best = min(best, time.process_time() - start)
    return best


def _bomb(levels: int) -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, levels)]
    return "---\ntitle: Bomb\n" + "\n".join(lines) + f"\nyear: *a{levels - 1}\n---\nbody\n"


def run(tmp: Path, row: Callable[[str, str], None]) -> None:
    from kiosk.content.parse import ContentError, parse_report
    from kiosk.content.sentences import split_sentences
    from kiosk.speech.normalize import normalize

    print("hostile inputs")

    def english(text: str) -> list[str]:
        return split_sentences(text, "en")

    cases: list[tuple[str, Callable[[str], object], str, int]] = [
        ("normalise 20,000 digits", normalize, "1", N),
        ("normalise 20,000 full-width digits", normalize, "１", N),
        ("normalise 20,000 spaces", normalize, " ", N),
        ("normalise '1' + 20,000 spaces", lambda t: normalize("1" + t), " ", N),
        ("normalise 1,000 × '1,000,' (comma groups)", normalize, "1,000,", N // 6),
        ("split 5,000 × 'Dr. ' (English)", english, "Dr. ", N // 4),
        ("split 5,000 × 'No. ' (English)", english, "No. ", N // 4),
        ("split 20,000 × '。' (Chinese)", split_sentences, "。", N),
    ]
    for name, fn, unit, repeat in cases:
        once = _best(fn, unit * repeat)
        twice = _best(fn, unit * (2 * repeat))
        row(name, f"{once * 1000:.1f} ms (2n/n ratio {twice / max(once, 1e-9):.2f})")

    bomb = _bomb(9)  # 9**9 ≈ 387 million strings once expanded
    start = time.perf_counter()
    try:
        parse_report("bomb", bomb)
        outcome = "accepted (!)"
    except ContentError as exc:
        outcome = f"rejected, message {len(str(exc))} chars"
    row(
        f"YAML alias bomb in front matter ({len(bomb)} bytes)",
        f"{(time.perf_counter() - start) * 1000:.2f} ms, {outcome}",
    )
