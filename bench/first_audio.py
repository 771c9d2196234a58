"""Time to first audio, as a listener waits for it: from the player's request for a
sentence nobody has heard yet to the first MP3 bytes over HTTP (the first clause is
said and streamed on its own), against the time to the whole sentence; and for a
sentence already made (warm). A real server per engine, the engine started, the
report's sentences never made before (prebuild off, empty cache).

Run alone: ``python -m bench.first_audio [--sentences N] [--engines auto,pyttsx3]``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.server import ROOT, env_for, serve

SLUG = "kundulun-2013-report"


def _get(url: str) -> tuple[float, float, int, dict[str, str]]:
    """(seconds to the first body bytes, seconds to the end, bytes, headers)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=300)
    try:
        start = time.perf_counter()
        conn.request("GET", f"{parts.path}?{parts.query}")
        response = conn.getresponse()
        first = response.read1(65536)
        ttfb = time.perf_counter() - start
        body = first + response.read()
        total = time.perf_counter() - start
        if response.status != 200:
            raise RuntimeError(f"{url}: HTTP {response.status} {body[:200]!r}")
        return ttfb, total, len(body), dict(response.getheaders())
    finally:
        conn.close()


def measure(engine: str, n: int, tmp: Path) -> dict[str, float | str]:
    env = env_for(
        ROOT / "content",
        tmp / f"cache-{engine}",
        KIOSK_SPEECH_ENGINE=engine,
        KIOSK_RATE_LIMIT="off",
        KIOSK_MODELS_DIR=str(ROOT / ".cache" / "models"),
    )
    with serve("bench.apps:kiosk", env) as server:
        sentences = _json(server.url + f"/reports/{SLUG}/speech.json")["sentences"]
        urls = [server.url + s["audio"]["mp3"] for s in sentences]
        try:  # the engine starts (a model loads) on its first sentence
            _get(urls[-1])
        except (OSError, http.client.HTTPException, RuntimeError):
            pass
        step = max(1, (len(urls) - 1) // n)
        picked = urls[: len(urls) - 1 : step][:n]
        firsts, wholes, made, speaker, failed = [], [], [], "", 0
        for url in picked:
            try:
                ttfb, total, _, headers = _get(url)
            except (OSError, http.client.HTTPException, RuntimeError):
                failed += 1  # cut off or refused: counted, not timed
                continue
            firsts.append(ttfb)
            wholes.append(total)
            made.append(url)
            speaker = headers.get("x-speech-engine", "")
        warm = [_get(url)[0] for url in made]
    if not firsts:
        raise RuntimeError(f"{engine}: every sentence failed")
    firsts.sort()
    return {
        "speaker": speaker,
        "first_median_ms": statistics.median(firsts) * 1000,
        "first_p90_ms": firsts[int(0.9 * (len(firsts) - 1))] * 1000,
        "whole_median_ms": statistics.median(wholes) * 1000,
        "warm_median_ms": statistics.median(warm) * 1000,
        "n": len(firsts),
        "failed": failed,
    }


def _json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=60) as r:
        return json.load(r)


def run(
    tmp: Path, row: Callable[[str, str], None], n: int = 12, engines: list[str] | None = None
) -> None:
    print("time to first audio (HTTP, a sentence not made before; aim ≤ 600 ms cold)")
    for engine in engines or ["auto", "pyttsx3"]:
        m = measure(engine, n, tmp)
        label = f"{engine} ({m['speaker']})"
        row(
            f"{label}: first audio cold, median / p90 of {m['n']} sentences",
            f"{m['first_median_ms']:.0f} ms / {m['first_p90_ms']:.0f} ms"
            f" (whole sentence {m['whole_median_ms']:.0f} ms; {m['failed']} failed)",
        )
        row(f"{label}: first audio warm (made before), median", f"{m['warm_median_ms']:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.first_audio")
    parser.add_argument("--sentences", type=int, default=12)
    parser.add_argument("--engines", default="auto,pyttsx3")
    args = parser.parse_args()

    def row(name: str, value: str) -> None:
        print(f"  {name:<62} {value}", flush=True)

    with tempfile.TemporaryDirectory(prefix="kiosk-first-audio-") as tmp:
        run(Path(tmp), row, args.sentences, args.engines.split(","))


if __name__ == "__main__":
    main()
