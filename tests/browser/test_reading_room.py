"""Issue 17, in a real browser at both sizes (kiosk 1080×1920 in kiosk mode,
phone 390×844): the text keeps the screen at every setting, a highlight you can
see, reading along across pages, swatches, nowhere to get stuck, what a screen
reader hears, the hand-off, print, and the small things."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, ViewportSize

from bench.screen_share import FLOORS, HEADER_ROWS_JS, measure, start_reading, table
from kiosk.prefs import COOKIE, SCHEMES
from tests.browser.conftest import KIOSK, OUTPUT, PHONE, goto, new_page, screenshot, wait_for
from tests.servers import Server, free_port

SLUG = "kundulun-2013-report"
REPORT = f"/reports/{SLUG}"
SHORT = "/reports/short-sentences"
LONG = "/reports/long-sentence"
CURRENT = "document.querySelector('.kiosk-sentence--current')?.id || null"
LAYOUTS = ["kiosk", "phone"]

CONTRAST = """
(pair) => {
  function rgb(c) { const m = c.match(/[\\d.]+/g).map(Number); return [m[0], m[1], m[2]]; }
  function lum(c) { return c.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })
                      .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0); }
  const ratio = (a, b) => { const x = lum(rgb(a)), y = lum(rgb(b)); return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
  return ratio(pair[0], pair[1]);
}
"""


def _layout(layout: str, kiosk_server: Server, phone_server: Server) -> tuple[Server, ViewportSize]:
    return (kiosk_server, KIOSK) if layout == "kiosk" else (phone_server, PHONE)


def _open(
    browser: Browser,
    server: Server,
    viewport: ViewportSize,
    path: str,
    prefs: str | None = None,
    **options: Any,
) -> Page:
    page = new_page(browser, viewport, **options)
    if prefs:
        page.context.add_cookies([{"name": COOKIE, "value": prefs, "url": server.url}])
    goto(page, server.url + path)
    return page


def _contrast(page: Page, a: str, b: str) -> float:
    return float(page.evaluate(CONTRAST, [a, b]))


# --- 1. Text first at every setting -------------------------------------------------


def test_text_keeps_the_screen_at_every_setting(
    browser: Browser, kiosk_server: Server, phone_server: Server
) -> None:
    """The whole matrix (sizes × spacings × 适老版 × schemes × idle/reading) on
    one page per layout, settings switched in place; the bars never grow, no
    label is clipped, and pressing 朗读 does not re-paginate."""
    tables = []
    for layout in LAYOUTS:
        server, viewport = _layout(layout, kiosk_server, phone_server)
        page = _open(browser, server, viewport, REPORT)
        idle = measure(page)
        page.evaluate(
            "Kiosk.emit('kiosk:prefs', {htmlClass: 'kiosk-size-5 kiosk-scheme-default kiosk-spacing-20'})"
        )
        # Somewhere in the text (reading starts at the first sentence in view).
        page.evaluate(
            """() => { const s = document.querySelectorAll('.kiosk-report__body .kiosk-sentence')[8];
                       if (document.documentElement.classList.contains('kiosk-paged')) Kiosk.emit('kiosk:goto', {id: s.id});
                       else s.scrollIntoView({block: 'center'}); }"""
        )
        before = page.evaluate(
            """() => ({height: document.getElementById('kiosk-pages').style.getPropertyValue('--kiosk-page-height'),
                       status: document.querySelector('.kiosk-page-turner__status')?.textContent || '',
                       bar: document.querySelector('.kiosk-bottom-bar, .kiosk-player-bar').getBoundingClientRect().height,
                       y: scrollY})"""
        )
        start_reading(page)
        after = page.evaluate(
            """() => ({height: document.getElementById('kiosk-pages').style.getPropertyValue('--kiosk-page-height'),
                       status: document.querySelector('.kiosk-page-turner__status')?.textContent || '',
                       bar: document.querySelector('.kiosk-bottom-bar, .kiosk-player-bar').getBoundingClientRect().height,
                       y: scrollY})"""
        )
        assert after == before, f"{layout}: pressing 朗读 changed the layout"
        screenshot(page, f"{layout}-reading-size5-spacing20")
        reading = measure(page)
        page.context.close()
        rows = idle + reading
        low = [r for r in rows if r["share"] < FLOORS[layout]]
        assert not low, f"{layout}: below the floor: {low[:3]}"
        clipped = [r for r in rows if r["clipped"] or r["overflow"]]
        assert not clipped, f"{layout}: clipped labels or sideways scrolling: {clipped[:3]}"
        # The bars are sized for touch, not scaled with the reading size.
        for part in ("header", "bar"):
            sizes = [r[part] for r in rows]
            assert max(sizes) - min(sizes) <= 1, f"{layout}: the {part} changes with the settings"
        assert min(r["bar"] for r in reading) >= (60 if layout == "kiosk" else 44)
        if layout == "kiosk":  # 语音导览, 返回, the title and the tools: one row
            assert {r["headerRows"] for r in rows} == {1}
        tables.append(table(layout, idle, reading))
    text = "\n\n".join(tables)
    print("\n" + text)
    OUTPUT.mkdir(exist_ok=True)
    (OUTPUT / "screen-share.md").write_text(text + "\n", encoding="utf-8")


@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_english_interface_keeps_the_floor_too(
    browser: Browser, kiosk_server: Server, phone_server: Server, layout: str
) -> None:
    """Longer labels ("Previous sentence"): they may wrap, never clip or push the page sideways."""
    server, viewport = _layout(layout, kiosk_server, phone_server)
    page = _open(browser, server, viewport, REPORT, prefs="2.default.15.0.en")
    idle = measure(page)
    start_reading(page)
    rows = idle + measure(page)
    page.context.close()
    assert min(r["share"] for r in rows) >= FLOORS[layout]
    assert [r for r in rows if r["clipped"] or r["overflow"]] == []
    if layout == "kiosk":
        assert {r["headerRows"] for r in rows} == {1}


def test_the_kiosk_header_is_one_row_with_the_guide_on_every_page(
    browser: Browser, serve: Callable[..., Server]
) -> None:
    """The most the header holds (语音导览 on with its volume, 返回, 手机扫码, both
    languages) still fits one row at 1080 px, every label whole; the guide's
    volume opens below the header, over the page."""
    server = serve(KIOSK_KIOSK_MODE="1", KIOSK_PUBLIC_BASE_URL="https://kiosk.example")
    clipped_js = """() => [...document.querySelectorAll('.kiosk-header a, .kiosk-header button')]
        .filter(e => e.getClientRects().length)
        .filter(e => e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1)
        .map(e => e.textContent.trim())"""
    for lang in ("zh-CN", "en"):
        for path in ("/", "/library", REPORT, f"/ask?report={SLUG}", "/help", "/settings"):
            page = _open(browser, server, KIOSK, path, prefs=f"5.default.20.1.{lang}")
            assert page.locator(".kiosk-header > .kiosk-guide").count() == 1
            if path == REPORT:
                assert page.locator(".kiosk-js-qr-open").is_visible()
            heights = []
            for state in ("off", "on"):
                if state == "on":
                    page.click(".kiosk-js-guide-toggle")
                    volume = page.locator(".kiosk-guide__volume")
                    assert volume.is_visible()
                    header = page.locator(".kiosk-header").bounding_box()
                    box = volume.bounding_box()
                    assert header and box and box["y"] >= header["y"] + header["height"]
                where = f"{lang} {path}, guide {state}"
                assert page.evaluate(HEADER_ROWS_JS) == 1, where
                assert page.evaluate(clipped_js) == [], where
                assert page.evaluate("document.scrollingElement.scrollWidth") <= 1080, where
                heights.append(page.locator(".kiosk-header").bounding_box()["height"])  # type: ignore[index]
            assert max(heights) - min(heights) <= 1  # turning the guide on moves nothing
            if lang == "en" and path == REPORT:
                screenshot(page, "kiosk-header-en-guide-on")
            page.context.close()


@pytest.mark.parametrize("layout", LAYOUTS)
def test_player_is_one_row_expands_on_demand_and_collapses_when_paused(
    browser: Browser, kiosk_server: Server, phone_server: Server, layout: str
) -> None:
    server, viewport = _layout(layout, kiosk_server, phone_server)
    page = _open(browser, server, viewport, SHORT, prefs="5.default.20.1.zh-CN")
    bar = ".kiosk-bottom-bar, .kiosk-player-bar"
    height = page.locator(bar).bounding_box()["height"]  # type: ignore[index]
    start_reading(page)
    tops = page.evaluate(
        """() => [...document.querySelectorAll('.kiosk-player__row > button')].map(b => {
                   const r = b.getBoundingClientRect(); return [Math.round(r.top), r.height > 0]; })"""
    )
    assert len(tops) == 4 and all(visible for _, visible in tops)
    assert max(t for t, _ in tops) - min(t for t, _ in tops) <= 2, "one row"
    assert page.locator(bar).bounding_box()["height"] == height  # type: ignore[index]
    more = page.locator(".kiosk-js-player-more")
    more.click()
    assert more.get_attribute("aria-expanded") == "true"
    assert page.locator(".kiosk-player__more").is_visible()
    assert page.locator(bar).bounding_box()["height"] == height  # type: ignore[index]
    page.click(".kiosk-js-player-main")  # pause
    assert page.locator(".kiosk-player__more").is_hidden()
    assert more.get_attribute("aria-expanded") == "false"
    assert page.errors == []  # type: ignore[attr-defined]
    page.context.close()


@pytest.mark.parametrize("viewport", [{"width": 320, "height": 256}, {"width": 98, "height": 211}])
def test_player_never_covers_the_screen_at_400_percent(
    browser: Browser, phone_server: Server, viewport: ViewportSize
) -> None:
    # 400 % of a 1280 px desktop (320 CSS px) and of the 390×844 phone itself.
    page = _open(browser, phone_server, viewport, REPORT, device_scale_factor=4)
    for y in (0, 600, 2000):
        page.evaluate(f"scrollTo(0, {y})")
        covered = page.evaluate(
            """() => { let px = 0;
                       for (const el of document.querySelectorAll('.kiosk-player-bar, .kiosk-header')) {
                         const s = getComputedStyle(el); if (s.position !== 'sticky' && s.position !== 'fixed') continue;
                         const r = el.getBoundingClientRect();
                         px += Math.max(0, Math.min(r.bottom, innerHeight) - Math.max(r.top, 0)); }
                       return px / innerHeight; }"""
        )
        assert covered < 0.5, f"bars cover {covered:.0%} at scroll {y}"
    page.context.close()


# --- 2. A highlight you can see ---------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
def test_reading_highlight_contrast_in_every_scheme(
    browser: Browser, kiosk_server: Server, phone_server: Server, layout: str
) -> None:
    server, viewport = _layout(layout, kiosk_server, phone_server)
    page = _open(browser, server, viewport, REPORT)
    for scheme in SCHEMES:
        page.evaluate(
            f"Kiosk.emit('kiosk:prefs', {{htmlClass: 'kiosk-size-2 kiosk-scheme-{scheme} kiosk-spacing-15'}})"
        )
        colours = page.evaluate(
            """() => { const s = document.querySelector('.kiosk-report__body .kiosk-sentence');
                       s.classList.add('kiosk-sentence--current');
                       const c = getComputedStyle(s); const page = getComputedStyle(document.body).backgroundColor;
                       const out = {bg: c.backgroundColor, fg: c.color, page};
                       s.classList.remove('kiosk-sentence--current'); return out; }"""
        )
        against_page = _contrast(page, colours["bg"], colours["page"])
        text = _contrast(page, colours["fg"], colours["bg"])
        assert against_page >= 3, f"{scheme}: highlight vs page {against_page:.2f}"
        assert text >= 7, f"{scheme}: text on the highlight {text:.2f}"
    page.context.close()


# --- 3. Reading along across pages --------------------------------------------------

FAST_AUDIO = """
(() => { const play = HTMLMediaElement.prototype.play;
         HTMLMediaElement.prototype.play = function () { this.playbackRate = 16; return play.call(this); }; })();
"""

SEEN = """
(id) => { const el = document.getElementById(id); if (!el) return null;
  const pages = document.documentElement.classList.contains('kiosk-paged') ? document.getElementById('kiosk-pages') : null;
  let top = 0, bottom = innerHeight, left = 0, right = innerWidth;
  if (pages) { const b = pages.getBoundingClientRect(); ({top, bottom, left, right} = b); }
  else { top = document.querySelector('.kiosk-header').getBoundingClientRect().bottom;
         bottom = document.querySelector('.kiosk-player-bar').getBoundingClientRect().top; }
  const rects = [...el.getClientRects()].filter(r => r.width > 0);
  const inside = rects.filter(r => r.left >= left - 1 && r.right <= right + 1 && r.top >= top - 1 && r.bottom <= bottom + 1);
  return {visible: inside.length, all: rects.length,
          where: pages ? document.querySelector('.kiosk-page-turner__status').textContent : String(Math.round(scrollY))}; }
"""


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_sentence_longer_than_the_screen_is_followed_with_the_audio(
    browser: Browser, kiosk_server: Server, phone_server: Server, layout: str
) -> None:
    server, viewport = _layout(layout, kiosk_server, phone_server)
    page = new_page(browser, viewport)
    page.add_init_script(FAST_AUDIO)  # the same audio, played 16× faster (Chromium's most)
    page.context.add_cookies([{"name": COOKIE, "value": "5.default.20.0.zh-CN", "url": server.url}])
    goto(page, server.url + LONG)
    long_id = page.evaluate(
        "[...document.querySelectorAll('.kiosk-sentence')].sort((a, b) => b.textContent.length - a.textContent.length)[0].id"
    )
    assert page.evaluate(SEEN, long_id)["visible"] < page.evaluate(SEEN, long_id)["all"] or (
        layout == "phone"
    ), "the fixture's sentence must be longer than a page"
    page.locator(f"[id='{long_id}']").click(position={"x": 5, "y": 5})
    page.click(".kiosk-js-player-main")
    wait_for(page, f"({CURRENT}) === '{long_id}'", timeout=30)
    places: list[str] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and page.evaluate(CURRENT) == long_id:
        seen = page.evaluate(SEEN, long_id)
        assert seen["visible"] > 0, f"the sentence being read is off screen at {seen}"
        if not places or places[-1] != seen["where"]:
            places.append(seen["where"])
        page.wait_for_timeout(100)
    assert len(places) >= 2, f"never moved within the sentence: {places}"
    # The next sentence, a short one, is wholly on screen.
    wait_for(page, f"({CURRENT}) !== '{long_id}'", timeout=10)
    nxt = page.evaluate(CURRENT)
    page.wait_for_timeout(400)
    if page.evaluate(CURRENT) == nxt:
        seen = page.evaluate(SEEN, nxt)
        assert seen["visible"] == seen["all"]
    page.context.close()


# --- 4. Swatches show their own colours ---------------------------------------------

SWATCHES = {
    "default": ("rgb(255, 255, 255)", "rgb(26, 26, 26)"),
    "dark": ("rgb(0, 0, 0)", "rgb(255, 255, 255)"),
    "light": ("rgb(255, 255, 255)", "rgb(0, 0, 0)"),
    "blue": ("rgb(0, 43, 128)", "rgb(255, 255, 0)"),
    "yellow": ("rgb(255, 255, 0)", "rgb(0, 0, 0)"),
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_swatches_keep_their_colours_with_a_tick_and_a_ring(
    browser: Browser, kiosk_server: Server, phone_server: Server, layout: str
) -> None:
    server, viewport = _layout(layout, kiosk_server, phone_server)
    page = _open(browser, server, viewport, REPORT)
    page.click(".kiosk-js-settings-open")
    for chosen in ("default", "dark", "blue"):
        if chosen != "default":
            page.click(f"button[name=scheme][value={chosen}]")
            wait_for(page, f"document.documentElement.classList.contains('kiosk-scheme-{chosen}')")
            wait_for(
                page,
                f"document.querySelector('button[name=scheme][value={chosen}]').getAttribute('aria-pressed') === 'true'",
            )
        for key, (bg, fg) in SWATCHES.items():
            style = page.evaluate(
                """(key) => { const b = document.querySelector(`button[name=scheme][value=${key}]`); const s = getComputedStyle(b);
                              return {bg: s.backgroundColor, fg: s.color, tick: getComputedStyle(b, '::before').content,
                                      ring: s.boxShadow, pressed: b.getAttribute('aria-pressed')}; }""",
                key,
            )
            assert (style["bg"], style["fg"]) == (bg, fg), f"{key} while {chosen} is chosen"
            if key == chosen:
                assert style["pressed"] == "true" and "✓" in style["tick"]
                assert "10px" in style["ring"]
            else:
                assert style["tick"] in ("none", "normal") and style["ring"] == "none"
    page.context.close()


# --- 5. Nowhere to get stuck ----------------------------------------------------------

BACK = {
    "/library": "/",
    REPORT: "/library",
    f"/settings?next={REPORT}": REPORT,
    "/help": "/library",
    "/ask": "/library",
    f"/ask?report={SLUG}": REPORT,
    "/search?q=%E5%85%AC%E5%BC%80": "/library",
    "/reports/nope": "/library",
}


@pytest.mark.parametrize("viewport", [KIOSK, PHONE], ids=LAYOUTS)
def test_back_on_every_kiosk_page_goes_one_level_up(
    browser: Browser, kiosk_server: Server, viewport: ViewportSize
) -> None:
    page = new_page(browser, viewport)
    page.goto(kiosk_server.url + "/")
    assert page.locator(".kiosk-js-back").count() == 0  # the top: nowhere above
    for path, up in BACK.items():
        page.goto(kiosk_server.url + path)
        back = page.locator(".kiosk-js-back")
        assert back.is_visible(), path
        assert back.get_attribute("href") == up, path
        assert back.inner_text().strip().endswith("返回")
    page.goto(kiosk_server.url + REPORT)
    page.click(".kiosk-js-back")
    page.wait_for_url("**/library")
    page.goto(kiosk_server.url + "/help")
    page.keyboard.press("Escape")
    page.wait_for_url("**/library")
    page.context.close()


@pytest.mark.parametrize("layout", LAYOUTS)
def test_reopening_a_report_offers_the_last_place(
    browser: Browser, kiosk_server: Server, phone_server: Server, layout: str
) -> None:
    server, viewport = _layout(layout, kiosk_server, phone_server)
    page = _open(browser, server, viewport, REPORT)
    assert page.locator(".kiosk-js-resume").is_hidden()  # first visit: nothing to offer
    if layout == "kiosk":
        for _ in range(3):
            page.click(".kiosk-js-page-next")
    else:
        page.mouse.wheel(0, 3000)
        page.wait_for_timeout(800)
    place = page.evaluate("sessionStorage.getItem('kiosk-place:" + SLUG + "')")
    assert place
    page.goto(server.url + "/library")
    page.goto(server.url + REPORT)
    resume = page.locator(".kiosk-js-resume button")
    assert resume.is_visible() and resume.inner_text() == "从上次的位置继续"
    resume.click()
    seen = page.evaluate(SEEN, place)
    assert seen["visible"] > 0, "lands on the place left"
    page.evaluate("sessionStorage.clear()")
    page.reload()
    assert page.locator(".kiosk-js-resume").is_hidden()
    page.context.close()


def test_the_idle_reset_forgets_the_place(browser: Browser, serve: Callable[..., Server]) -> None:
    server = serve(KIOSK_KIOSK_MODE="1", KIOSK_IDLE_TIMEOUT="2", KIOSK_IDLE_COUNTDOWN="1")
    page = new_page(browser, KIOSK)
    page.goto(server.url + REPORT)
    page.click(".kiosk-js-page-next")
    page.click(".kiosk-js-page-next")
    page.wait_for_url(server.url + "/", timeout=10000)
    goto(page, server.url + REPORT)
    assert page.locator(".kiosk-js-resume").is_hidden()
    page.context.close()


@pytest.mark.parametrize("layout", LAYOUTS)
def test_contents_land_the_heading_at_the_top_highlighted(
    browser: Browser, kiosk_server: Server, phone_server: Server, layout: str
) -> None:
    server, viewport = _layout(layout, kiosk_server, phone_server)
    page = _open(browser, server, viewport, REPORT, prefs="4.default.18.0.zh-CN")
    for n in (3, -1):
        link = page.locator(".kiosk-toc a").nth(n)
        target = (link.get_attribute("href") or "").lstrip("#")
        link.focus()  # a real activation; the page turner follows focus to the link's page
        page.keyboard.press("Enter")
        page.wait_for_timeout(300)
        where = page.evaluate(
            """(id) => { const h = document.getElementById(id).getBoundingClientRect();
                         const pages = document.documentElement.classList.contains('kiosk-paged');
                         const top = pages ? document.getElementById('kiosk-pages').getBoundingClientRect().top
                                           : document.querySelector('.kiosk-header').getBoundingClientRect().bottom;
                         return {gap: h.top - top, left: h.left, right: h.right, flash: document.getElementById(id).classList.contains('kiosk-flash')}; }""",
            target,
        )
        assert 0 <= where["gap"] <= 24, where
        assert where["left"] >= 0 and where["right"] <= viewport["width"]
        assert where["flash"]
    page.wait_for_timeout(2800)
    assert page.locator(".kiosk-flash").count() == 0  # briefly
    page.context.close()


@pytest.mark.parametrize("layout", LAYOUTS)
def test_help_is_for_touch_first_and_ask_says_what_to_do(
    browser: Browser, kiosk_server: Server, phone_server: Server, layout: str
) -> None:
    server, viewport = _layout(layout, kiosk_server, phone_server)
    page = _open(browser, server, viewport, "/help")
    order = page.evaluate(
        """() => [...document.querySelectorAll('main ul.kiosk-help, main details')].map(e => e.localName)"""
    )
    assert order == ["ul", "details"]
    assert page.locator("details.kiosk-help__more").get_attribute("open") is None
    keys = page.locator(".kiosk-help__keys")  # the key tables (and the guide's), collapsed
    assert keys.count() == (2 if layout == "kiosk" else 1)
    assert all(keys.nth(i).is_hidden() for i in range(keys.count()))
    if layout == "kiosk":
        assert "600 秒" in page.inner_text("main")  # the idle reset, explained
    page.goto(server.url + "/ask?q=")
    notice = page.locator("main .kiosk-notice")
    assert notice.is_visible() and "输入问题" in notice.inner_text()
    page.goto(
        server.url
        + "/ask?q=%E7%83%AD%E7%BA%BF%E7%94%B5%E8%AF%9D%E5%A4%84%E7%90%86%E4%BA%86%E5%A4%9A%E5%B0%91%E4%B8%AA"
    )
    assert page.locator(".kiosk-answer").count() == 1
    chips = page.locator(".kiosk-suggestions .kiosk-chip")
    assert chips.count() > 0 and chips.first.is_visible()
    page.context.close()


# --- 6. What a screen reader hears --------------------------------------------------


def _names(page: Page) -> list[tuple[str, str]]:
    cdp = page.context.new_cdp_session(page)
    tree = cdp.send("Accessibility.getFullAXTree")
    out = []
    for node in tree["nodes"]:
        if node.get("ignored"):
            continue
        role = node.get("role", {}).get("value", "")
        name = node.get("name", {}).get("value", "")
        if role in ("button", "link", "dialog", "region", "navigation", "group") and name:
            out.append((role, name))
    cdp.detach()
    return out


@pytest.mark.parametrize("layout", LAYOUTS)
def test_what_a_screen_reader_hears(
    browser: Browser, kiosk_server: Server, phone_server: Server, layout: str
) -> None:
    server, viewport = _layout(layout, kiosk_server, phone_server)
    page = _open(browser, server, viewport, SHORT)
    main = page.locator(".kiosk-js-player-main")
    assert main.get_attribute("aria-pressed") is None  # the name changes, not a state
    names = [main.inner_text()]
    start_reading(page)
    names.append(main.inner_text())
    # Live region: silent while the audio speaks.
    page.evaluate(
        """() => { window.__said = []; new MutationObserver(() => __said.push(document.querySelector('.kiosk-player__status').textContent))
                   .observe(document.querySelector('.kiosk-player__status'), {childList: true, characterData: true, subtree: true}); }"""
    )
    page.wait_for_timeout(3000)
    assert page.evaluate("window.__said.filter(Boolean)") == []
    main.click()
    names.append(main.inner_text())
    assert names == ["朗读", "暂停", "继续"]
    assert "已暂停" in page.inner_text(".kiosk-player__status")
    # Volume: a middle level to start, announced when changed.
    page.click(".kiosk-js-player-more")
    assert page.inner_text(".kiosk-js-player-volume-level") == "音量 3 / 5"
    page.click(".kiosk-js-player-volume[data-step='1']")
    assert page.inner_text(".kiosk-player__status") == "音量 4 / 5"
    page.click(".kiosk-js-player-speed[data-speed=fast]")
    page.click(".kiosk-js-settings-open")
    dialog = page.locator("#kiosk-settings")
    assert dialog.get_attribute("role") == "dialog" and dialog.get_attribute("aria-modal") == "true"
    for _ in range(40):  # focus stays inside
        page.keyboard.press("Tab")
        assert page.evaluate(
            "document.getElementById('kiosk-settings').contains(document.activeElement)"
        )
    names_now = _names(page)
    assert names_now
    for role, name in names_now:
        assert "✓" not in name, (role, name)
        assert name == name.strip() and "  " not in name, (role, repr(name))
    page.keyboard.press("Escape")
    page.context.close()


@pytest.mark.parametrize("layout", LAYOUTS)
def test_sentences_are_reachable_and_read_from_by_keyboard(
    browser: Browser, kiosk_server: Server, phone_server: Server, layout: str
) -> None:
    server, viewport = _layout(layout, kiosk_server, phone_server)
    page = _open(browser, server, viewport, SHORT)
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.kiosk-sentence')"):
            break
    else:
        raise AssertionError("Tab never reached the text")
    first = page.evaluate("document.activeElement.id")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    third = page.evaluate("document.activeElement.id")
    assert third != first and page.evaluate("document.activeElement.matches('.kiosk-sentence')")
    page.keyboard.press("Enter")
    assert page.inner_text(".kiosk-js-player-main") == "从这里朗读"
    page.focus(".kiosk-js-player-main")
    page.keyboard.press("Enter")
    wait_for(page, f"({CURRENT}) === '{third}'", timeout=20)
    page.context.close()


# --- 7. The hand-off ----------------------------------------------------------------


def _qr_target(page: Page) -> str:
    """Where the kiosk's code leads: the id after # in the redirect."""
    link = page.inner_text("#kiosk-qr-panel .kiosk-js-qr-link").replace("\n", "")
    response = page.request.get(link, max_redirects=0)
    return (response.headers.get("location") or "").split("#")[-1]


def test_the_code_carries_the_sentence_tapped_or_heard(
    browser: Browser, serve: Callable[..., Server]
) -> None:
    port = free_port()
    server = serve(
        KIOSK_KIOSK_MODE="1",
        KIOSK_PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        KIOSK_PORT=str(port),
    )
    page = _open(browser, server, KIOSK, SHORT)
    # The QR panel is a modal dialog: focus stays inside.
    page.click(".kiosk-js-qr-open")
    panel = page.locator("#kiosk-qr-panel")
    assert panel.get_attribute("role") == "dialog" and panel.get_attribute("aria-modal") == "true"
    for _ in range(6):
        page.keyboard.press("Tab")
        assert page.evaluate(
            "document.getElementById('kiosk-qr-panel').contains(document.activeElement)"
        )
    page.keyboard.press("Escape")
    page.click(".kiosk-js-page-next")
    on_page = page.evaluate(
        """() => { const p = document.getElementById('kiosk-pages').getBoundingClientRect();
                   return [...document.querySelectorAll('.kiosk-sentence')].filter(s => { const r = s.getBoundingClientRect();
                   return r.left >= p.left && r.right <= p.right; }).map(s => s.id); }"""
    )
    tapped = on_page[5]
    page.click(f"[id='{tapped}']")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _qr_target(page) != tapped:
        page.wait_for_timeout(200)
    assert _qr_target(page) == tapped
    page.click(".kiosk-js-player-main")
    wait_for(page, f"({CURRENT}) !== null && ({CURRENT}) !== '{tapped}'", timeout=30)
    page.click(".kiosk-js-player-main")  # pause: the sentence being heard stays
    heard = page.evaluate(CURRENT)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _qr_target(page) != heard:
        page.wait_for_timeout(200)
    assert _qr_target(page) == heard
    page.context.close()


def test_the_phone_lands_below_the_header_with_the_notice_in_view(
    browser: Browser, phone_server: Server
) -> None:
    page = new_page(browser, PHONE)
    page.goto(phone_server.url + REPORT)
    target = page.evaluate(
        "[...document.querySelectorAll('.kiosk-report__body .kiosk-sentence')][60].id"
    )
    goto(page, f"{phone_server.url}{REPORT}?from=kiosk#{target}")
    page.wait_for_timeout(300)
    where = page.evaluate(
        """(id) => { const head = document.querySelector('.kiosk-header').getBoundingClientRect().bottom;
                     const bar = document.querySelector('.kiosk-player-bar').getBoundingClientRect().top;
                     const n = document.querySelector('.kiosk-notice').getBoundingClientRect();
                     const s = document.getElementById(id).getBoundingClientRect();
                     return {head, bar, notice: [n.top, n.bottom], sentence: [s.top, s.bottom]}; }""",
        target,
    )
    assert where["head"] <= where["notice"][0] and where["notice"][1] <= where["bar"], where
    assert where["head"] <= where["sentence"][0] < where["bar"], where
    assert "从展厅继续" in page.inner_text(".kiosk-notice")
    assert page.locator(".kiosk-js-qr-open").is_hidden()  # no 手机扫码 on a phone
    page.context.close()


# --- 8. Print -----------------------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
def test_print_starts_the_report_on_page_one_and_wastes_no_paper(
    browser: Browser, kiosk_server: Server, phone_server: Server, layout: str, tmp_path: Path
) -> None:
    server, viewport = _layout(layout, kiosk_server, phone_server)
    page = _open(browser, server, viewport, REPORT, prefs="5.dark.20.0.zh-CN")
    first_sentence = page.evaluate(
        "document.querySelector('.kiosk-report__body .kiosk-sentence').textContent.slice(0, 8)"
    )
    pdf = tmp_path / "report.pdf"
    page.pdf(path=str(pdf), format="A4")
    page.context.close()
    first = (
        subprocess.run(
            ["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"],
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.replace("\n", "")
        .replace(" ", "")
    )
    assert "昆都仑区" in first and "发布" in first
    assert first_sentence.replace(" ", "") in first, "page 1 starts the text"
    assert "目录" not in first
    subprocess.run(["pdftoppm", "-r", "40", "-gray", str(pdf), str(tmp_path / "p")], check=True)
    pages = sorted(tmp_path.glob("p-*.pgm"))
    assert len(pages) >= 2
    fills = []
    for png in pages:
        image = Image.open(png)
        width, height = image.size
        data = image.load()
        rows = [y for y in range(height) if any(data[x, y] < 200 for x in range(0, width, 2))]  # type: ignore[index,operator]
        fills.append(rows[-1] / height if rows else 0.0)
    margin = 18 / 297  # the @page bottom margin
    for n, fill in enumerate(fills[:-1], start=1):
        assert fill + margin >= 2 / 3, (
            f"page {n} of {len(fills)} is {1 - fill - margin:.0%} empty: {fills}"
        )


# --- 9. Small things ----------------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS)
def test_small_things(
    browser: Browser, kiosk_server: Server, phone_server: Server, layout: str
) -> None:
    server, viewport = _layout(layout, kiosk_server, phone_server)
    page = new_page(browser, viewport)
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    for path in ("/", "/library", REPORT, "/help", "/ask", f"/settings?next={REPORT}"):
        goto(page, server.url + path)
        icon = page.get_attribute("link[rel=icon]", "href")
        assert icon and page.request.get(server.url + icon).ok
    assert missing == []
    # One heading on /settings.
    page.goto(f"{server.url}/settings?next={REPORT}")
    headings = "[...document.querySelectorAll('h1, h2, h3, h4, h5, h6')].filter(h => h.getClientRects().length)"
    assert page.evaluate(headings + ".map(h => h.textContent)") == ["阅读设置"]
    # Full-width punctuation on screen; ids and speech keep the source text.
    speech = page.request.get(f"{server.url}{REPORT}/speech.json").json()["sentences"]
    page.goto(server.url + REPORT)
    source = next(s for s in speech if ", " in s["text"] or "," in s["text"])
    shown = page.inner_text(f"[id='{source['id']}']")
    assert "，" in shown and "," not in shown
    # /search from the interface.
    page.goto(server.url + "/library")
    page.click("main a[href='/search']")
    page.wait_for_url("**/search")
    assert page.locator("input[name=q]").is_visible()
    page.context.close()
