"""The reading experience in a real browser: accessibility, contrast, targets,
keyboard, no-JS, reflow, idle reset. Kiosk at 1080×1920, phone at 390×844."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, ViewportSize

from kiosk.prefs import COOKIE, SCHEMES
from tests.browser.conftest import (
    KIOSK,
    PHONE,
    READY,
    goto,
    new_page,
    run_axe,
    screenshot,
    wait_for,
)
from tests.servers import Server

SLUG = "kundulun-2013-report"
PAGES = {
    "start": "/",
    "library": "/library",
    "report": f"/reports/{SLUG}",
    "settings": f"/settings?next=/reports/{SLUG}",
    "help": "/help",
    "not-found": "/reports/nope",
    "patterns": "/-/patterns",
    "ask": "/ask",
    "answer": "/ask?q=%E7%83%AD%E7%BA%BF%E7%94%B5%E8%AF%9D%E5%A4%84%E7%90%86%E4%BA%86%E5%A4%9A%E5%B0%91%E4%B8%AA",
    "no-answer": "/ask?q=%E5%9B%BE%E4%B9%A6%E9%A6%86%E5%87%A0%E7%82%B9%E5%BC%80%E9%97%A8",
    "search": "/search?q=%E5%85%AC%E5%BC%80",
}

# Contrast of every rendered text element against its effective background.
CONTRAST_JS = """
() => {
  function rgb(c) { const m = c.match(/[\\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; }
  function lum(c) { return [c.r, c.g, c.b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })
                      .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0); }
  function bg(el) { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor); if (c.a > 0.5) return c; }
                    return {r: 255, g: 255, b: 255, a: 1}; }
  const bad = []; let checked = 0;
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none' || el.closest('[hidden], dialog:not([open])')) continue;
    const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const r = el.getBoundingClientRect(); if (r.width === 0 || r.height === 0) continue;
    const a = lum(rgb(style.color)), b = lum(bg(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    checked++;
    if (ratio < 7) bad.push({text: el.textContent.trim().slice(0, 30), ratio: ratio.toFixed(2), cls: el.className});
    // A link in running text is underlined or at 3:1 against the text around it.
    const parent = el.parentElement;
    if (el.matches('a') && parent && [...parent.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) {
      const text = lum(rgb(getComputedStyle(parent).color));
      const apart = (Math.max(a, text) + 0.05) / (Math.min(a, text) + 0.05);
      if (!style.textDecorationLine.includes('underline') && apart < 3)
        bad.push({text: el.textContent.trim().slice(0, 30), link: apart.toFixed(2)});
    }
  }
  return {checked, bad};
}
"""

# The settings panel's way of changing the scheme: the classes of <html> (kiosk.js).
SWITCH_SCHEME_JS = """
(scheme) => {
  const html = document.documentElement;
  [...html.classList].filter(c => c.startsWith('kiosk-scheme-')).forEach(c => html.classList.remove(c));
  html.classList.add('kiosk-scheme-' + scheme);
}
"""

TARGETS_JS = """
(min) => {
  const bad = [];
  for (const el of document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])')) {
    const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    if (r.width === 0 || r.height === 0 || s.visibility === 'hidden' || el.closest('[hidden], dialog:not([open])')) continue;
    if (el.matches('.kiosk-skip-link')) continue;  // off screen until focused
    if (r.width < min || r.height < min) bad.push({el: el.outerHTML.slice(0, 80), w: Math.round(r.width), h: Math.round(r.height)});
  }
  return bad;
}
"""


def _page_with_scheme(
    browser: Browser, server: Server, viewport: ViewportSize, scheme: str
) -> Page:
    # axe is injected as an inline script: a test tool, so our CSP is bypassed for it.
    page = new_page(browser, viewport, bypass_csp=True)
    page.context.add_cookies(
        [{"name": COOKIE, "value": f"2.{scheme}.15.0.zh-CN", "url": server.url}]
    )
    return page


def _layout(
    layout: str, kiosk_server: Server, phone_server: Server
) -> tuple[Server, ViewportSize, int]:
    """The server, viewport and smallest target size (CSS px) of a layout."""
    return (kiosk_server, KIOSK, 60) if layout == "kiosk" else (phone_server, PHONE, 44)


def _open(page: Page, server: Server, name: str) -> None:
    goto(page, server.url + PAGES[name])
    if name == "report":  # the highlighted sentence must keep its contrast too
        page.evaluate(
            "document.querySelector('.kiosk-sentence').classList.add('kiosk-sentence--current')"
        )


@pytest.mark.parametrize("layout", ["kiosk", "phone"])
def test_every_page_passes_axe_and_target_size(
    browser: Browser, kiosk_server: Server, phone_server: Server, layout: str
) -> None:
    """The full axe rule set once per page type and layout, in the default scheme.
    The schemes differ only in colours (the kiosk-scheme-* custom properties of
    kiosk.css): the next test checks every scheme's contrast."""
    server, viewport, target = _layout(layout, kiosk_server, phone_server)
    page = _page_with_scheme(browser, server, viewport, "default")
    for name in PAGES:
        _open(page, server, name)
        assert run_axe(page) == [], f"{layout} {name}"
        assert page.evaluate(TARGETS_JS, target) == [], f"{layout} {name}"
    # The settings panel opened over a report.
    goto(page, server.url + PAGES["report"])
    page.click(".kiosk-js-settings-open")
    assert run_axe(page) == []
    assert page.evaluate(TARGETS_JS, target) == []
    assert page.errors == []  # type: ignore[attr-defined]
    page.context.close()


@pytest.mark.parametrize("layout", ["kiosk", "phone"])
def test_every_scheme_keeps_contrast_and_target_size(
    browser: Browser, kiosk_server: Server, phone_server: Server, layout: str
) -> None:
    """Every page in every colour scheme, from computed styles: each text element
    at 7:1 against its background, links in running text told apart from it (axe's
    link-in-text-block), and the target sizes. Each page loads once; the schemes
    are switched the way the settings panel switches them (the classes of <html>),
    and the server-rendered scheme is checked on a report per scheme."""
    server, viewport, target = _layout(layout, kiosk_server, phone_server)
    page = _page_with_scheme(browser, server, viewport, "default")

    def check(where: str) -> None:
        contrast = page.evaluate(CONTRAST_JS)
        assert contrast["checked"] > 3, where
        assert contrast["bad"] == [], where
        assert page.evaluate(TARGETS_JS, target) == [], where

    for name in [*PAGES, "settings panel"]:
        if name == "settings panel":
            goto(page, server.url + PAGES["report"])
            page.click(".kiosk-js-settings-open")
        else:
            _open(page, server, name)
        for scheme in SCHEMES:
            page.evaluate(SWITCH_SCHEME_JS, scheme)
            check(f"{layout} {scheme} {name}")
    assert page.errors == []  # type: ignore[attr-defined]
    page.context.close()
    for scheme in SCHEMES:  # as the server renders it for the visitor's cookie
        page = _page_with_scheme(browser, server, viewport, scheme)
        _open(page, server, "report")
        assert f"kiosk-scheme-{scheme}" in page.evaluate("document.documentElement.className")
        check(f"{layout} {scheme} report, server-rendered")
        page.context.close()


def test_kiosk_type_and_layout(browser: Browser, kiosk_server: Server) -> None:
    page = new_page(browser, KIOSK)
    page.goto(kiosk_server.url + PAGES["report"])
    body = page.evaluate(
        """() => { const p = document.querySelector('.kiosk-report__body p'); const s = getComputedStyle(p);
                   return {size: parseFloat(s.fontSize), line: parseFloat(s.lineHeight), gap: parseFloat(s.marginBottom),
                           align: s.textAlign, width: p.getClientRects()[0].width}; }"""
    )
    assert body["size"] >= 28
    assert body["line"] / body["size"] >= 1.5
    assert body["gap"] >= 1.3 * body["line"] - 0.5
    assert body["align"] in ("start", "left")
    assert body["width"] / body["size"] <= 40  # ≤ 40 CJK characters per line
    assert "第 1 页" in page.inner_text(".kiosk-page-turner__status")
    # The largest step is at least twice the default.
    page.click(".kiosk-js-settings-open")
    page.click("button[name=size][value='5']")
    wait_for(page, "document.documentElement.classList.contains('kiosk-size-5')")
    assert (
        page.evaluate(
            "parseFloat(getComputedStyle(document.querySelector('.kiosk-report__body p')).fontSize)"
        )
        >= 56
    )
    page.context.close()


def test_phone_sizes(browser: Browser, phone_server: Server) -> None:
    page = new_page(browser, PHONE)
    page.goto(phone_server.url + PAGES["report"])
    size = "parseFloat(getComputedStyle(document.querySelector('.kiosk-report__body p')).fontSize)"
    assert page.evaluate(size) >= 18
    page.click(".kiosk-js-settings-open")
    page.click("button[name=size][value='5']")
    wait_for(page, "document.documentElement.classList.contains('kiosk-size-5')")
    assert page.evaluate(size) >= 30
    page.context.close()


def test_settings_change_in_place_and_keep_the_page(browser: Browser, kiosk_server: Server) -> None:
    page = new_page(browser, KIOSK)
    page.goto(kiosk_server.url + PAGES["report"])
    page.click(".kiosk-js-page-next")
    page.click(".kiosk-js-page-next")
    status = page.inner_text(".kiosk-page-turner__status")
    first = page.evaluate(
        """() => { const pages = document.getElementById('kiosk-pages'); const box = pages.getBoundingClientRect();
                   return [...pages.querySelectorAll('.kiosk-sentence')].find(s => s.getBoundingClientRect().left >= box.left - 1).id; }"""
    )
    page.click(".kiosk-js-settings-open")
    url = page.url
    page.click("button[name=scheme][value=blue]")
    wait_for(page, "document.documentElement.classList.contains('kiosk-scheme-blue')")
    assert page.url == url  # no reload
    assert page.inner_text(".kiosk-page-turner__status") == status
    page.click("button[name=size][value='4']")
    wait_for(page, "document.documentElement.classList.contains('kiosk-size-4')")
    visible = page.evaluate(
        """(id) => { const r = document.getElementById(id).getBoundingClientRect(); return r.left >= 0 && r.right <= innerWidth; }""",
        first,
    )
    assert visible, "the sentence that was on screen stays on screen after resizing"
    page.click("button[name=reset]")
    wait_for(page, "document.documentElement.classList.contains('kiosk-scheme-default')")
    assert "kiosk-size-2" in page.evaluate("document.documentElement.className")
    page.context.close()


def test_keyboard_walk_to_the_last_page_and_back(browser: Browser, kiosk_server: Server) -> None:
    page = new_page(browser, KIOSK)
    page.goto(kiosk_server.url + "/")

    def tab_to(selector: str, limit: int = 60) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("(s) => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"Tab never reached {selector}")

    tab_to(".kiosk-start__go")
    visible = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )
    assert visible[0] != "none" and visible[1] >= 3
    page.keyboard.press("Enter")
    page.wait_for_url("**/library")
    tab_to(f"a[href='/reports/{SLUG}']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/reports/{SLUG}")
    status = page.locator(".kiosk-page-turner__status")
    for _ in range(40):
        text = status.inner_text()
        current, total = _pages(text)
        if current == total:
            break
        page.keyboard.press("ArrowRight")
    assert current == total > 1
    assert page.locator(".kiosk-js-page-next").is_disabled()
    for _ in range(total - 1):
        page.keyboard.press("ArrowLeft")
    assert _pages(status.inner_text()) == (1, total)
    page.keyboard.press("Escape")
    page.wait_for_url("**/library")
    assert page.errors == []  # type: ignore[attr-defined]
    page.context.close()


def _pages(text: str) -> tuple[int, int]:
    digits = [int(t) for t in text.replace("/", " ").split() if t.isdigit()]
    return digits[0], digits[1]


def test_no_javascript_walk(browser: Browser, kiosk_server: Server) -> None:
    page = new_page(browser, KIOSK, java_script_enabled=False)
    page.goto(kiosk_server.url + "/")
    page.click(".kiosk-start__go")
    page.wait_for_url("**/library")
    page.click(f"a[href='/reports/{SLUG}']")
    assert page.locator("h1").inner_text().startswith("昆都仑区")
    page.click("a.kiosk-js-settings-open")  # a plain link to the settings page
    page.wait_for_url(lambda url: "/settings?next=" in url)
    page.click("button[name=scheme][value=dark]")
    page.wait_for_url(f"**/reports/{SLUG}")
    assert "kiosk-scheme-dark" in (page.locator("html").get_attribute("class") or "")
    page.click("a[href='#kiosk-toc']")
    page.click(".kiosk-toc a >> nth=-1")
    assert page.url.endswith(
        "#" + (page.locator(".kiosk-toc a >> nth=-1").get_attribute("href") or "").lstrip("#")
    )
    page.context.close()


@pytest.mark.parametrize("width", [320, 360])
def test_reflow_without_horizontal_scrolling(
    browser: Browser, phone_server: Server, width: int
) -> None:
    page = new_page(browser, {"width": width, "height": 640})
    for path in PAGES.values():
        page.goto(phone_server.url + path)
        overflow = page.evaluate(
            "document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"
        )
        assert overflow <= 0, path
    # WCAG 1.4.12 text-spacing overrides (a user style sheet: not bound by our CSP).
    page.context.close()
    page = new_page(browser, {"width": width, "height": 640}, bypass_csp=True)
    page.goto(phone_server.url + PAGES["report"])
    page.add_style_tag(
        content="* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }"
    )
    assert (
        page.evaluate(
            "document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"
        )
        <= 0
    )
    page.context.close()


def test_zoom_400_percent(browser: Browser, phone_server: Server) -> None:
    # 1280 px wide at 400 % is 320 CSS px; emulate with device scale factor.
    page = new_page(browser, {"width": 320, "height": 256}, device_scale_factor=4)
    page.goto(phone_server.url + PAGES["report"])
    assert (
        page.evaluate(
            "document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth"
        )
        <= 0
    )
    page.context.close()


def test_idle_reset_forgets_everything(browser: Browser, serve: Callable[..., Server]) -> None:
    server = serve(
        KIOSK_KIOSK_MODE="1",
        KIOSK_IDLE_TIMEOUT="2",
        KIOSK_IDLE_COUNTDOWN="2",
        KIOSK_SPEECH_PREBUILD="0",
    )
    page = new_page(browser, KIOSK)
    page.goto(server.url + PAGES["report"])
    page.click(".kiosk-js-settings-open")
    page.click("button[name=scheme][value=dark]")
    wait_for(page, "document.documentElement.classList.contains('kiosk-scheme-dark')")
    page.evaluate("localStorage.setItem('x', '1'); sessionStorage.setItem('y', '2')")
    page.click(".kiosk-js-settings-close")
    page.click(".kiosk-js-page-next")
    dialog = page.locator("#kiosk-idle")
    dialog.wait_for(state="visible", timeout=6000)
    assert "还在阅读吗" in dialog.inner_text()
    page.wait_for_url(server.url + "/", timeout=8000)
    wait_for(page, READY)
    assert page.evaluate("localStorage.length + sessionStorage.length") == 0
    assert [c for c in page.context.cookies() if c["name"] == COOKIE] == []
    assert "kiosk-scheme-default" in (page.locator("html").get_attribute("class") or "")
    assert page.locator(".kiosk-start__go").is_visible()
    page.context.close()


def test_continue_reading_keeps_the_visitor(browser: Browser, serve: Callable[..., Server]) -> None:
    server = serve(
        KIOSK_KIOSK_MODE="1",
        KIOSK_IDLE_TIMEOUT="1",
        KIOSK_IDLE_COUNTDOWN="20",
        KIOSK_SPEECH_PREBUILD="0",
    )
    page = new_page(browser, KIOSK)
    page.goto(server.url + PAGES["report"])
    page.locator("#kiosk-idle").wait_for(state="visible", timeout=5000)
    page.click(".kiosk-js-idle-continue")
    assert not page.locator("#kiosk-idle").is_visible()
    time.sleep(0.3)
    assert page.url.endswith(PAGES["report"])
    page.context.close()


@pytest.mark.parametrize("scheme", ["default", "dark"])
def test_screenshots(
    browser: Browser, kiosk_server: Server, phone_server: Server, scheme: str
) -> None:
    for layout, server, viewport in (
        ("kiosk", kiosk_server, KIOSK),
        ("phone", phone_server, PHONE),
    ):
        page = _page_with_scheme(browser, server, viewport, scheme)
        for name in ("start", "report"):
            goto(page, server.url + PAGES[name])
            path = screenshot(page, f"{layout}-{name}-{scheme}")
            assert path.stat().st_size > 10_000
        page.context.close()
