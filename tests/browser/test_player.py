"""Spoken mode in the browser: the highlight follows the audio, pages turn with
it, pause and resume, read from a tapped sentence, idle reset stops it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Browser, Page

from tests.browser.conftest import (
    CURRENT,
    KIOSK,
    PHONE,
    highlighted,
    new_page,
    wait_for,
)
from tests.servers import Server

SHORT = "/reports/short-sentences"


def _order(page: Page, server: Server) -> list[str]:
    data = page.request.get(server.url + SHORT + "/speech.json").json()
    return [s["id"] for s in data["sentences"]]


def _page_status(page: Page) -> str:
    return page.inner_text(".kiosk-page-turner__status")


def test_reading_highlights_in_order_turns_pages_pauses_and_resumes(
    browser: Browser, kiosk_server: Server
) -> None:
    page = new_page(browser, KIOSK)
    page.goto(kiosk_server.url + SHORT)
    order = _order(page, kiosk_server)
    assert page.evaluate(CURRENT) is None  # never autoplays
    page.click(".kiosk-js-player-main")
    seen = highlighted(page, 3, timeout=15)
    assert len(seen) >= 3, seen
    positions = [order.index(i) for i in seen]
    assert positions == sorted(positions) and positions[0] == 0
    assert page.inner_text(".kiosk-js-player-main") == "暂停"  # one button: its name changes
    # Jump to the last sentence of page 1: the reading goes on to page 2 and the page turns.
    last_on_page = page.evaluate(
        """() => { const pages = document.getElementById('kiosk-pages'); const right = pages.getBoundingClientRect().right;
                   const on = [...pages.querySelectorAll('.kiosk-sentence')].filter(s => s.getBoundingClientRect().left < right);
                   return on[on.length - 1].id; }"""
    )
    assert _page_status(page).startswith("第 1 页")
    page.click(f"[id='{last_on_page}']")
    wait_for(page, f"({CURRENT}) === '{last_on_page}'")
    wait_for(
        page,
        "document.querySelector('.kiosk-page-turner__status').textContent.startsWith('第 2 页')",
        timeout=15,
    )
    after = page.evaluate(CURRENT)
    assert order.index(after) == order.index(last_on_page) + 1
    # Pause: the highlight stays; resume: it moves on.
    page.click(".kiosk-js-player-main")
    assert page.inner_text(".kiosk-js-player-main") == "继续"
    held = page.evaluate(CURRENT)
    page.wait_for_timeout(2500)
    assert page.evaluate(CURRENT) == held
    page.click(".kiosk-js-player-main")
    wait_for(page, f"({CURRENT}) !== '{held}'", timeout=10)
    assert order.index(page.evaluate(CURRENT)) > order.index(held)
    assert page.errors == []  # type: ignore[attr-defined]
    page.context.close()


def test_read_from_a_tapped_paragraph_and_change_speed(
    browser: Browser, phone_server: Server
) -> None:
    page = new_page(browser, PHONE)
    page.goto(phone_server.url + SHORT)
    order = _order(page, phone_server)
    target = order[40]
    page.locator(f"[id='{target}']").scroll_into_view_if_needed()
    page.click(f"[id='{target}']")
    assert page.inner_text(".kiosk-js-player-main") == "从这里朗读"
    page.click(".kiosk-js-player-main")
    wait_for(page, f"({CURRENT}) === '{target}'")
    page.click(".kiosk-js-player-more")  # speed and volume are one tap away
    page.click(".kiosk-js-player-speed[data-speed=fast]")
    assert page.get_attribute(".kiosk-js-player-speed[data-speed=fast]", "aria-pressed") == "true"
    seen = highlighted(page, 2, timeout=15)  # the tapped sentence, then the next
    assert seen and order.index(seen[-1]) > order.index(target)
    # Any other action interrupts: a touch on the page header pauses.
    page.click(".kiosk-header__home", no_wait_after=True, trial=True)
    page.dispatch_event(".kiosk-report__title", "pointerdown")
    assert page.inner_text(".kiosk-js-player-main") == "继续"
    page.context.close()


def test_idle_reset_stops_the_reading(
    browser: Browser, tmp_path: Path, serve: Callable[..., Server]
) -> None:
    server = serve(KIOSK_KIOSK_MODE="1", KIOSK_IDLE_TIMEOUT="2", KIOSK_IDLE_COUNTDOWN="2")
    page = new_page(browser, KIOSK)
    page.goto(server.url + SHORT)
    page.click(".kiosk-js-player-main")
    wait_for(page, f"({CURRENT}) !== null")
    page.click(".kiosk-js-player-main")  # paused: nobody is listening any more
    page.wait_for_url(server.url + "/", timeout=10000)
    assert page.evaluate("[...document.querySelectorAll('audio')].every(a => a.paused)")
    assert page.locator(".kiosk-start__go").is_visible()
    page.context.close()


def test_a_cold_report_reads_from_streamed_audio(
    browser: Browser, serve: Callable[..., Server]
) -> None:
    """Nothing made yet (no prebuild): each sentence's MP3 is streamed while it is
    said, and the phone's player plays it through and goes on to the next."""
    server = serve(warm=False, KIOSK_SPEECH_PREBUILD="0")
    page = new_page(browser, PHONE)
    page.goto(server.url + SHORT)
    order = _order(page, server)
    streamed = []
    page.on(
        "response",
        lambda r: (
            streamed.append(r.url)
            if "/audio/" in r.url and "content-length" not in r.headers
            else None
        ),
    )
    page.click(".kiosk-js-player-main")
    seen = highlighted(page, 3, timeout=30)
    assert seen == order[:3], seen  # each streamed sentence played to its end
    assert len(streamed) >= 2 and all(".mp3" in u for u in streamed)
    page.context.close()
