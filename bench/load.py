"""Load test (loopback only): 200 concurrent connections for 60 s against the
report page, the speech JSON and a cached audio file, with one worker and with
two. Prints requests/s, p50/p99 latency and errors for each.

    make load                      # 60 s per run
    .venv/bin/python -m bench.load 10   # shorter runs
"""

from __future__ import annotations

import json
import sys
import tempfile
import urllib.request
from pathlib import Path

from bench.__main__ import SLUG
from bench.server import ROOT, env_for, serve, wrk


def main(seconds: int = 60, connections: int = 200) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="kiosk-load-"))
    env = env_for(ROOT / "content", tmp / "cache")
    print(
        "| workers | target | req/s | p50 ms | p99 ms | errors | requests |\n| --- | --- | --- | --- | --- | --- | --- |"
    )
    for workers in (1, 2):
        with serve("bench.apps:kiosk", env, workers=workers) as server:
            with urllib.request.urlopen(f"{server.url}/reports/{SLUG}/speech.json") as r:
                audio = json.load(r)["sentences"][0]["audio"]["wav"]
            urllib.request.urlopen(server.url + audio).read()  # synthesised once, then cached
            targets = {
                "report page": f"/reports/{SLUG}",
                "speech JSON": f"/reports/{SLUG}/speech.json",
                "audio (WAV)": audio,
            }
            for name, path in targets.items():
                r = wrk(server.url + path, connections=connections, seconds=seconds)
                print(
                    f"| {workers} | {name} | {r.requests_per_second:,.0f} | {r.p50_ms:.1f} | "
                    f"{r.p99_ms:.1f} | {r.errors} | {r.requests:,} |",
                    flush=True,
                )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 60)
