"""Hostile inputs for the importer: the figures of ``make bench``'s "hostile inputs" table.

``run(tmp, row)`` adds its rows (register it in bench/__main__.py's EXTRA_SECTIONS);
``python -m bench.hostile_import`` runs it alone. Each import runs in a child
process so that its peak memory is its own.

* the span bomb: about 60 KB of HTML whose cells all have rowspan=50 colspan=50
  (before the fix: 112 s, 645 MB, a 17 MB output);
* 20,000 paragraphs, and the ratio of 20,000 to 10,000 (linear ≈ 2);
* 3,000 nested elements (before: 254 of the blocks kept, the rest lost silently).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

TITLE = "<h1>某县2020年政府信息公开工作年度报告</h1><p>发布日期：2021-01-15</p>"

_CHILD = """
import json, resource, sys, time
from kiosk.content.importer import import_bytes
data = open(sys.argv[1], "rb").read()
t = time.perf_counter()
markdown = import_bytes(data).to_markdown()
took = time.perf_counter() - t
print(json.dumps({"s": took, "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "out_kb": len(markdown.encode()) / 1024, "in_kb": len(data) / 1024,
                  "kept": markdown.count("公开信息")}))
"""


def span_bomb() -> bytes:
    cell = '<td rowspan="50" colspan="50">7</td>'
    rows = "".join(f"<tr>{cell * 20}</tr>" for _ in range(80))
    return f"<html><body>{TITLE}<table>{rows}</table><p>公开信息12条。</p></body></html>".encode()


def paragraphs(n: int) -> bytes:
    body = "".join(f"<p>第{i}段，公开信息{i}条。</p>" for i in range(n))
    return f"<html><body>{TITLE}{body}</body></html>".encode()


def nested(depth: int) -> bytes:
    inner = "<div>" * depth + "<p>深处公开信息123条。</p>" + "</div>" * depth
    return f"<html><body>{TITLE}{inner}<p>结尾公开信息4条。</p></body></html>".encode()


def measure(tmp: Path, name: str, data: bytes) -> dict[str, float]:
    path = tmp / f"{name}.html"
    path.write_bytes(data)
    out = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, timeout=600
    )
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    return dict(json.loads(out.stdout))


def run(tmp: Path, row: Callable[[str, str], None]) -> None:
    print("hostile inputs: importer")
    bomb = measure(tmp, "bomb", span_bomb())
    row(
        f"importer, span bomb ({bomb['in_kb']:.0f} KB, rowspan=colspan=50)",
        f"{bomb['s']:.2f} s, peak RSS {bomb['rss_mb']:.0f} MB, output {bomb['out_kb']:.1f} KB "
        "(was 112 s, 645 MB, 17 MB)",
    )
    ten = measure(tmp, "p10k", paragraphs(10_000))
    twenty = measure(tmp, "p20k", paragraphs(20_000))
    row(
        "importer, 20,000 paragraphs",
        f"{twenty['s']:.2f} s, peak RSS {twenty['rss_mb']:.0f} MB (was 28.7 s); "
        f"20k/10k time ratio {twenty['s'] / ten['s']:.2f} (linear ≈ 2)",
    )
    deep = measure(tmp, "nested", nested(3000))
    row(
        "importer, 3,000 nested elements",
        f"{deep['s']:.2f} s, {int(deep['kept'])} of 2 paragraphs kept",
    )


if __name__ == "__main__":
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as d:

        def row(name: str, value: str) -> None:
            rows.append((name, value))
            print(f"  {name:<58} {value}")

        run(Path(d), row)
