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
    server_rows(tmp, row)


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6


def server_rows(tmp: Path, row: Callable[[str, str], None], texts: int = 100) -> None:
    """A real server: ad-hoc speech stays within its disk budget (issue 14, item 1),
    and distinct query values do not grow the page cache's memory (item 2)."""
    import json
    import urllib.request

    from bench.server import ROOT, env_for, serve

    budget_mb = 20
    cache = tmp / "hostile-cache"
    env = env_for(
        ROOT / "content",
        cache,
        KIOSK_SPEECH_ENGINE="pyttsx3",  # the disk budget, not the voice, is measured
        KIOSK_SPEAK_RATE_LIMIT="off",
        KIOSK_RATE_LIMIT="off",
        KIOSK_SPEECH_ADHOC_BUDGET_MB=str(budget_mb),
    )
    with serve("bench.apps:kiosk", env) as kiosk:
        start = time.perf_counter()
        for i in range(texts):
            # Digits and ‰ make the spoken form long: the worst case per character.
            text = f"第{i}条：" + "1‰2‰" * 40
            body = json.dumps({"text": text, "lang": "zh-CN"}).encode()
            request = urllib.request.Request(
                kiosk.url + "/api/speak",
                body,
                {"Content-Type": "application/json", "Origin": kiosk.url},
            )
            with urllib.request.urlopen(request, timeout=120) as r:
                r.read()
        took = time.perf_counter() - start
        adhoc = _folder_mb(cache / "audio" / "adhoc")
        row(
            f"ad-hoc audio after {texts} unique /api/speak texts (budget {budget_mb} MB)",
            f"{adhoc:.1f} MB on disk ({took:.0f} s)",
        )
        slug = "kundulun-2013-report"
        page = f"{kiosk.url}/reports/{slug}?from="
        with urllib.request.urlopen(page + "s-00000000", timeout=30) as r:
            r.read()
        before = _rss_mb(kiosk.process.pid)
        for i in range(1000):
            with urllib.request.urlopen(f"{page}s-{i:08x}x{i}", timeout=30) as r:
                r.read()
        after = _rss_mb(kiosk.process.pid)
        row("server RSS before / after 1,000 distinct ?from=", f"{before:.0f} MB / {after:.0f} MB")
