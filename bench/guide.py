"""语音导览's prompt latency: pre-built and dynamic prompts, over HTTP and from a
touch in Chromium to the first sound.

``run(tmp, row)`` adds its rows to ``make bench`` (registered in
bench/__main__.py's EXTRA_SECTIONS); ``python -m bench.guide`` runs it alone.
The engine is eSpeak NG (pyttsx3), the fast one. The fixed prompts are made
first, as ``kiosk build`` does; "touch to first sound" is the guide's own
measure (``window.kioskGuide.timings``: from the pointerdown to the start of
the first clip; the hardware's own touch latency comes on top), for controls
whose names are catalog strings (pre-built and preloaded) and for paragraphs
of a report spoken for the first time (dynamic: synthesised on the touch).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

from bench.server import ROOT, serve

Row = Callable[[str, str], None]
CHROMIUM = os.environ.get("KIOSK_TEST_CHROMIUM", "/usr/bin/chromium")
#: The aim of issue 18: a pre-built prompt starts within 150 ms of the touch.
AIM_MS = 150


def _print_row(name: str, value: str) -> None:
    print(f"  {name:<58} {value}", flush=True)


def _ms(values: list[float]) -> str:
    return f"median {statistics.median(values):.1f} ms, max {max(values):.1f} ms (n={len(values)})"


def _get_ms(url: str) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()
    return (time.perf_counter() - start) * 1000


def _prompt_url(base: str, text: str, lang: str = "zh-CN") -> str:
    return f"{base}/guide/prompt.wav?" + urllib.parse.urlencode({"lang": lang, "text": text})


def _browser_timings(url: str) -> tuple[list[float], list[float]]:
    """ms from touch to sound: (toolbar controls, pre-built; report tiles, first time)."""
    from playwright.sync_api import sync_playwright

    args = ["--disable-gpu", "--no-first-run", "--autoplay-policy=no-user-gesture-required"]
    fixed: list[float] = []
    dynamic: list[float] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=args)
        context = browser.new_context(viewport={"width": 1080, "height": 1920}, has_touch=True)
        page = context.new_page()
        cdp = context.new_cdp_session(page)

        def touch(selector: str) -> float:
            box = page.locator(selector).first.bounding_box()
            assert box is not None, selector
            x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
            before = page.evaluate("window.kioskGuide.timings.length")
            for kind in ("touchStart", "touchEnd"):
                points = [{"x": x, "y": y}] if kind == "touchStart" else []
                cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})
            for _ in range(200):
                timings = page.evaluate("window.kioskGuide.timings")
                if len(timings) > before:
                    return float(timings[-1]["ms"])
                page.wait_for_timeout(10)
            raise RuntimeError(f"no sound after touching {selector}")

        page.goto(url + "/library")
        page.keyboard.press("g")
        page.wait_for_timeout(1500)  # the clips of the screen are fetched and decoded
        controls = [
            ".kiosk-toolbar a[href^='/ask']",
            ".kiosk-js-settings-open",
            ".kiosk-toolbar a[href='/help']",
            ".kiosk-js-guide-toggle",
            ".kiosk-header__home",
        ]
        for _ in range(4):
            for selector in controls:
                page.wait_for_timeout(400)  # apart: not a double tap
                fixed.append(touch(selector))
        # Paragraphs of the report: text never spoken before (not preloaded).
        page.goto(url + "/reports/kundulun-2013-report")
        page.wait_for_timeout(1500)
        for _ in range(3):
            page.keyboard.press("ArrowRight")  # the next page of the reader
            page.wait_for_timeout(500)
            count = page.locator(".kiosk-report p").count()
            for i in range(count):
                box = page.locator(".kiosk-report p").nth(i).bounding_box()
                if not box or box["x"] < 0 or box["x"] + box["width"] > 1080:
                    continue  # on another page
                page.wait_for_timeout(400)
                dynamic.append(touch(f".kiosk-report p >> nth={i}"))
        browser.close()
    return fixed, dynamic


def run(tmp: Path, row: Row = _print_row) -> None:
    from kiosk import guide
    from kiosk.config import Settings
    from kiosk.services import make_speech

    print("语音导览 prompts (eSpeak NG)")
    cache = tmp / "cache-guide"
    settings = Settings.from_env({}, cache_dir=str(cache), speech_engine="pyttsx3")
    speech = make_speech(settings)
    try:
        start = time.perf_counter()
        made, failed = guide.build_prompts(speech)
        took = time.perf_counter() - start
    finally:
        speech.close()
    row(
        "pre-build every fixed prompt (kiosk build)",
        f"{made} prompts, {took:.1f} s, {failed} failed",
    )

    env = {
        "KIOSK_CONTENT_DIR": str(ROOT / "content"),
        "KIOSK_CACHE_DIR": str(cache),
        "KIOSK_KIOSK_MODE": "1",
        "KIOSK_SPEECH_ENGINE": "pyttsx3",
        "KIOSK_SPEECH_PREBUILD": "0",
        "KIOSK_RELOAD_INTERVAL": "0",
        "KIOSK_GUIDE_RATE_LIMIT": "off",
    }
    with serve("bench.apps:kiosk", env) as server:
        fixed_texts = list(guide.catalog_prompts("zh-CN"))[:40]
        prebuilt = [_get_ms(_prompt_url(server.url, t)) for t in fixed_texts]
        row("pre-built prompt over HTTP", _ms(prebuilt))
        texts = [f"第 {n} 页，共 {n + 7} 页。" for n in range(1, 21)]
        first = [_get_ms(_prompt_url(server.url, t)) for t in texts]
        again = [_get_ms(_prompt_url(server.url, t)) for t in texts]
        row("dynamic prompt over HTTP, first time (synthesis)", _ms(first))
        row("dynamic prompt over HTTP, again (cached)", _ms(again))
        if Path(CHROMIUM).exists():
            touch_fixed, touch_dynamic = _browser_timings(server.url)
            row(
                f"touch to first sound, pre-built (aim ≤ {AIM_MS} ms)",
                _ms(touch_fixed),
            )
            row("touch to first sound, a paragraph never spoken before", _ms(touch_dynamic))
        else:
            row("touch to first sound", f"skipped: {CHROMIUM} is missing")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        run(Path(folder))
