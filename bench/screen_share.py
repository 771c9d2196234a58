"""The share of the screen left for a report's text, over every reading setting.

Sizes 1–5 × line spacing 1.5/1.8/2.0 × 适老版 off/on × the five colour schemes,
idle and while reading aloud, on the kiosk (1080×1920) and a phone (390×844).
One page per layout: the settings are switched in place (the `kiosk:prefs`
event the settings panel itself sends after a change), not by reloading.

The text's share is the report's box between the bars: on the kiosk the paged
reader's height; on a phone the strip between the sticky header and the sticky
player. The same pass checks that no button's label is clipped, that nothing
makes the page scroll sideways and how many rows the header takes.

Used by tests/browser/test_reading_room.py (which asserts the floors) and by
``make bench`` (``run(tmp, row)``); ``python -m bench.screen_share`` prints it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk.prefs import SCHEMES, SIZES, SPACINGS

SLUG = "kundulun-2013-report"
#: The floors issue 17 sets: kiosk 70 %, phone 60 %.
FLOORS = {"kiosk": 0.70, "phone": 0.60}

CELLS = [
    {"size": size, "spacing": spacing, "elder": elder, "scheme": scheme}
    for size in SIZES
    for spacing in SPACINGS
    for elder in (False, True)
    for scheme in SCHEMES
]

#: How many rows the header's controls take (1 on the kiosk: 语音导览, 返回, the
#: title and the tools side by side). Panels that open over the page (the guide's
#: volume, its hint) are not rows.
HEADER_ROWS_JS = """
() => {
  const $header = document.querySelector('.kiosk-header');
  const boxes = [...$header.querySelectorAll(':scope > a, .kiosk-toolbar > *, .kiosk-guide__toggle')]
    .filter(e => e.getClientRects().length).map(e => e.getBoundingClientRect()).sort((a, b) => a.top - b.top);
  let rows = 0, bottom = -Infinity;
  for (const b of boxes) { if (b.top >= bottom) { rows += 1; bottom = b.bottom; } else bottom = Math.max(bottom, b.bottom); }
  return rows;
}
"""

MEASURE_JS = (
    """
(cells) => {
  const headerRows = """
    + HEADER_ROWS_JS
    + """;
  const out = [];
  const $html = document.documentElement;
  for (const c of cells) {
    const cls = `kiosk-size-${c.size} kiosk-scheme-${c.scheme} kiosk-spacing-${c.spacing}` + (c.elder ? ' kiosk-elder' : '');
    Kiosk.emit('kiosk:prefs', {htmlClass: cls});
    const header = document.querySelector('.kiosk-header').getBoundingClientRect();
    const $bar = document.querySelector('.kiosk-bottom-bar, .kiosk-player-bar');
    const barTop = $bar ? $bar.getBoundingClientRect().top : innerHeight;
    let text;
    if ($html.classList.contains('kiosk-paged')) {
      text = document.getElementById('kiosk-pages').getBoundingClientRect().height;
    } else {
      text = barTop - header.bottom;
    }
    const clipped = [...document.querySelectorAll('button, a.kiosk-toolbar__button, a.kiosk-button')]
      .filter(e => e.getClientRects().length && !e.closest('[hidden]') && getComputedStyle(e).visibility !== 'hidden')
      .filter(e => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1)
      .map(e => e.textContent.trim());
    const status = document.querySelector('.kiosk-page-turner__status');
    const rows = headerRows();
    const page = document.scrollingElement;
    out.push({...c, share: text / innerHeight, header: header.height, bar: innerHeight - barTop,
              pages: status && status.textContent ? status.textContent : '', clipped,
              overflow: page.scrollWidth > page.clientWidth, headerRows: rows});
  }
  return out;
}
"""
)


def measure(page: Any) -> list[dict[str, Any]]:
    """Every cell on an open report page (Playwright `Page`), in this state."""
    return list(page.evaluate(MEASURE_JS, CELLS))


def table(layout: str, idle: list[dict[str, Any]], reading: list[dict[str, Any]]) -> str:
    """Markdown: one row per size × spacing; each column the lowest share over the schemes."""

    def low(rows: list[dict[str, Any]], size: int, spacing: str, elder: bool) -> float:
        return min(
            r["share"]
            for r in rows
            if r["size"] == size and r["spacing"] == spacing and r["elder"] == elder
        )

    lines = [
        f"{layout}: text share of the screen (lowest over the 5 schemes; floor {FLOORS[layout]:.0%})",
        "| size | spacing | idle | reading | 适老版 idle | 适老版 reading | pages |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for size in SIZES:
        for spacing, shown in SPACINGS.items():
            cells = [
                low(rows, size, spacing, elder)
                for elder in (False, True)
                for rows in (idle, reading)
            ]
            pages = next(
                r["pages"]
                for r in idle
                if (r["size"], r["spacing"], r["elder"], r["scheme"])
                == (size, spacing, False, "default")
            )
            shares = " | ".join(f"{c:.0%}" for c in cells)
            lines.append(f"| {size} | {shown} | {shares} | {pages or 'scrolls'} |")
    return "\n".join(lines)


def start_reading(page: Any) -> None:
    """Press 朗读 and wait until a sentence is being read."""
    from tests.browser.conftest import wait_for

    page.click(".kiosk-js-player-main")
    wait_for(
        page,
        "document.querySelector('.kiosk-player--playing') && document.querySelector('.kiosk-sentence--current')",
        timeout=30,
    )


def run(tmp: Path, row: Callable[[str, str], None]) -> None:
    """Measure both layouts and add the lowest share of each to ``make bench``."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import (
        KIOSK,
        PHONE,
        launch,
        start_server,
        stop_server,
    )

    with sync_playwright() as p:
        browser = launch(p)
        for layout, viewport, env in (
            ("kiosk", KIOSK, {"KIOSK_KIOSK_MODE": "1", "KIOSK_IDLE_TIMEOUT": "600"}),
            ("phone", PHONE, {}),
        ):
            server = start_server(tmp / layout, audio_cache=None, **env)
            try:
                page = browser.new_page(viewport=viewport)
                page.goto(f"{server.url}/reports/{SLUG}")
                page.wait_for_load_state("networkidle")
                idle = measure(page)
                start_reading(page)
                reading = measure(page)
                page.close()
            finally:
                stop_server(server)
            print(table(layout, idle, reading), flush=True)
            worst = min(idle + reading, key=lambda r: r["share"])
            row(
                f"text share of the screen, {layout}, lowest of {len(idle) * 2} settings",
                f"{worst['share']:.0%} (size {worst['size']}, spacing {worst['spacing']}, "
                f"适老版 {'on' if worst['elder'] else 'off'}; floor {FLOORS[layout]:.0%})",
            )
        browser.close()


if __name__ == "__main__":

    def _row(name: str, value: str) -> None:
        print(f"  {name:<58} {value}", flush=True)

    with tempfile.TemporaryDirectory() as folder:
        run(Path(folder), _row)
