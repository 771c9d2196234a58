"""Run every benchmark and print one table. Figures, not assertions."""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from starlette.testclient import TestClient

from kiosk.app import create_app
from kiosk.content.importer import import_file
from kiosk.content.library import load_library
from kiosk.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "content_cases" / "kundulun-2013" / "source.txt"
ROWS: list[tuple[str, str]] = []


def row(name: str, value: str) -> None:
    ROWS.append((name, value))
    print(f"{name:<55} {value}", flush=True)


def timed(fn: Callable[[], object], repeat: int = 20) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def ms(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:.2f} ms, max {max(values) * 1000:.2f} ms"


def generate_library(folder: Path, n: int) -> None:
    seed = (ROOT / "content" / "kundulun-2013-report.md").read_text(encoding="utf-8")
    for i in range(n):
        text = seed.replace("2013", str(1990 + i % 40)).replace("429条", f"{i}条")
        (folder / f"report-{i:04d}.md").write_text(text, encoding="utf-8")


def main() -> None:
    row("import the seed page", ms(timed(lambda: import_file(SEED))))
    content = ROOT / "content"
    row("load the bundled content", ms(timed(lambda: load_library(content, 5 << 20))))
    with tempfile.TemporaryDirectory() as tmp:
        generate_library(Path(tmp), 1000)
        row("load 1,000 generated reports", ms(timed(lambda: load_library(Path(tmp), 5 << 20), 3)))
    settings = Settings({"content_dir": str(content), "reload_interval": 0}, environ={})
    with TestClient(create_app(settings)) as client:
        page = "/reports/kundulun-2013-report"
        row("render the report page (in-process)", ms(timed(lambda: client.get(page), 50)))
        row(
            "render the report JSON (in-process)", ms(timed(lambda: client.get(page + ".json"), 50))
        )
        row("report page size", f"{len(client.get(page).content):,} bytes")


if __name__ == "__main__":
    main()
