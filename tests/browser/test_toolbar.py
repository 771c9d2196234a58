"""The embeddable toolbar in a real browser, on the demo portal page (/widget/demo).

Every feature is switched on and its effect measured on the host page; speech
comes from our server and plays; the keyboard alone reaches and operates
everything without changing the host's Tab order; axe finds nothing the
toolbar adds; another site embeds it across origins (allowlisted, and not).
The demo page is served under our own strict Content-Security-Policy, so the
toolbar is also shown to work under one (only the axe runs bypass it, to
inject axe).
"""

from __future__ import annotations

import http.server
import io
import json
import threading
import urllib.request
from collections.abc import Iterator

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, ViewportSize
from pyzbar.pyzbar import ZBarSymbol
from pyzbar.pyzbar import decode as zbar_decode

from kiosk.toolbar import pinyin_items
from tests.browser.conftest import PHONE, new_page, run_axe, screenshot
from tests.servers import Server, start_server, stop_server

DESKTOP: ViewportSize = {"width": 1280, "height": 900}
DEMO = "/widget/demo"
TB = "#kiosk-a11y-root"  # Playwright's CSS selectors pierce the open shadow root
SCHEMES = {  # background, text, links: the kiosk's colours (kiosk/assets/css/kiosk.css)
    "dark": ("rgb(0, 0, 0)", "rgb(255, 255, 255)", "rgb(255, 255, 0)"),
    "light": ("rgb(255, 255, 255)", "rgb(0, 0, 0)", "rgb(0, 0, 204)"),
    "blue": ("rgb(0, 43, 128)", "rgb(255, 255, 0)", "rgb(255, 255, 255)"),
    "yellow": ("rgb(255, 255, 0)", "rgb(0, 0, 0)", "rgb(0, 0, 179)"),
}
SHORT_PARAGRAPH = "2013年,未收到政府信息公开申请。"
START_PARAGRAPH = "2013年,新增公开政府信息429条"
NEXT_HEADING = "四、依申请公开政府信息情况"

SHADOW = "document.getElementById('kiosk-a11y-root').shadowRoot"
HTML_ATTRS = """() => Object.fromEntries([...document.documentElement.attributes]
    .filter(a => a.name.startsWith('data-kiosk-a11y')).map(a => [a.name, a.value]))"""
STYLES = """() => {
  const props = ['zoom', 'fontSize', 'fontFamily', 'color', 'backgroundColor', 'backgroundImage', 'cursor',
                 'display', 'paddingBottom', 'margin', 'maxWidth', 'textIndent', 'outlineStyle', 'textDecorationLine'];
  const out = {};
  for (const sel of ['html', 'body', '.pt-topbar', '.pt-banner', '.pt-nav a', '.pt-crumbs a', '.pt-article__title',
                     '.pt-body p', '.pt-body h2', '.pt-body li', '.pt-figure img', '.pt-side img', '.pt-footer']) {
    const el = document.querySelector(sel), cs = getComputedStyle(el);
    out[sel] = Object.fromEntries(props.map(p => [p, cs[p]]));
    out[sel].effectiveZoom = el.currentCSSZoom;
  }
  return out;
}"""
EFFECTIVE_FONT = "el => parseFloat(getComputedStyle(el).fontSize) * el.currentCSSZoom"
TEXT_OF = "el => el.innerText.replace(/\\s+/g, ' ').trim()"
# Contrast of every rendered text element of the host page against its effective background.
CONTRAST = """() => {
  function rgb(c) { const m = c.match(/[\\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; }
  function lum(c) { return [c.r, c.g, c.b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })
                      .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0); }
  function bg(el) { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor); if (c.a > 0.5) return c; }
                    return rgb(getComputedStyle(document.documentElement).backgroundColor); }
  const bad = []; let checked = 0;
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
    const r = el.getBoundingClientRect(); if (r.width === 0 || r.height === 0) continue;
    const a = lum(rgb(style.color)), b = lum(bg(el));
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    checked++;
    if (ratio < 7) bad.push({text: el.textContent.trim().slice(0, 30), ratio: ratio.toFixed(2)});
  }
  return {checked, bad};
}"""
FOCUSED = f"""() => {{
  const e = document.activeElement;
  if (!e || e === document.body) return 'BODY';
  if (e.id === 'kiosk-a11y-root') {{
    const inner = {SHADOW}.activeElement;
    return 'TOOLBAR:' + (inner ? (inner.getAttribute('data-act') || inner.className || inner.tagName) : '');
  }}
  return e.tagName + '|' + (e.getAttribute('href') || '') + '|' + e.textContent.trim().slice(0, 16);
}}"""


class _Portal(http.server.ThreadingHTTPServer):
    """Somebody else's web server: every ``*.html`` is the demo page, nothing else exists."""

    html = b""


class _PortalPage(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        body = self.server.html if self.path.endswith(".html") else b""  # type: ignore[attr-defined]
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def portal() -> Iterator[_Portal]:
    """A second site on 127.0.0.1:<port> (allowlisted) — and on localhost:<port> (not)."""
    site = _Portal(("127.0.0.1", 0), _PortalPage)
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    yield site
    site.shutdown()
    site.server_close()
    thread.join()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, portal: _Portal) -> Iterator[Server]:
    site = f"http://127.0.0.1:{portal.server_port}"
    server = start_server(
        tmp_path_factory.mktemp("toolbar"),
        KIOSK_SPEECH_PREBUILD="0",
        KIOSK_WIDGET_ALLOWED_ORIGINS=site,
        KIOSK_SPEAK_RATE_LIMIT="600/60/60",
    )
    with urllib.request.urlopen(server.url + DEMO) as response:
        html = response.read().decode()
    portal.html = html.replace('"/assets/', f'"{server.url}/assets/').encode()
    yield server
    stop_server(server)


def open_demo(
    browser: Browser,
    server: Server,
    viewport: ViewportSize = DESKTOP,
    query: str = "",
    **options: object,
) -> Page:
    page = new_page(browser, viewport, **options)
    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.csp_violations = violations  # type: ignore[attr-defined]
    page.goto(server.url + DEMO + query)
    page.wait_for_selector(TB, state="attached")
    return page


def open_panel(page: Page) -> None:
    if page.get_attribute(f"{TB} .t__launcher", "aria-expanded") != "true":
        page.click(f"{TB} .t__launcher")
    page.wait_for_selector(f"{TB} .t__panel", state="visible")


def press(page: Page, act: str, value: str | None = None) -> None:
    open_panel(page)
    page.click(f"{TB} [data-act={act}]" + (f"[data-value={value}]" if value else ""))


def pressed(page: Page, act: str, value: str | None = None) -> str | None:
    return page.get_attribute(
        f"{TB} [data-act={act}]" + (f"[data-value={value}]" if value else ""), "aria-pressed"
    )


def attrs(page: Page) -> dict[str, str]:
    return dict(page.evaluate(HTML_ATTRS))


def shadow(page: Page, expression: str) -> object:
    return page.evaluate(f"() => {{ const r = {SHADOW}; return ({expression}); }}")


def message(page: Page) -> str:
    return str(shadow(page, "r.querySelector('.t__msg').textContent"))


def paragraph(page: Page, text: str):  # type: ignore[no-untyped-def]
    return page.locator(".pt-body p, .pt-body h2", has_text=text).first


def wait_reading(page: Page, text: str, timeout: float = 20000) -> None:
    page.wait_for_function(
        """(t) => [...document.querySelectorAll('[data-kiosk-a11y-reading]')]
                  .some(e => e.textContent.includes(t))""",
        arg=text,
        timeout=timeout,
    )


def wait_playing(page: Page) -> float:
    """Until the toolbar's audio plays; its duration in seconds."""
    page.wait_for_function(
        f"() => {{ const a = {SHADOW}.querySelector('audio');"
        " return a.currentTime > 0 && isFinite(a.duration) && a.duration > 0; }",
        timeout=20000,
    )
    return float(shadow(page, "r.querySelector('audio').duration"))  # type: ignore[arg-type]


def decode_qr(page: Page) -> list[str]:
    image = page.locator(f"{TB} .t__qr img")
    page.wait_for_function(f"() => {SHADOW}.querySelector('.t__qr img').naturalWidth > 0")
    with Image.open(io.BytesIO(image.screenshot())) as picture:
        return [
            r.data.decode() for r in zbar_decode(picture.convert("L"), symbols=[ZBarSymbol.QRCODE])
        ]


# -- loading: nothing happens by itself, nothing is added for axe to find ---------------------


def test_loading_changes_nothing_and_adds_no_violation(browser: Browser, server: Server) -> None:
    bare = new_page(browser, DESKTOP, bypass_csp=True)
    bare.route("**/widget/v1/toolbar.js", lambda route: route.abort())
    bare.goto(server.url + DEMO)
    before = run_axe(bare)
    styles = bare.evaluate(STYLES)
    bare.context.close()
    assert before == []  # the demo host page itself is clean

    page = new_page(browser, DESKTOP, bypass_csp=True)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(server.url + DEMO)
    page.wait_for_selector(TB, state="attached")
    page.wait_for_timeout(500)
    assert attrs(page) == {}
    assert page.evaluate("document.adoptedStyleSheets.length") == 0
    assert page.locator("#kiosk-a11y-style").count() == 0
    assert page.evaluate("localStorage.getItem('kiosk-a11y')") is None
    assert page.evaluate(STYLES) == styles
    # Nothing announced on load, no cookies, nothing fetched from anyone else.
    assert shadow(
        page,
        "[...r.querySelectorAll('[role=status],[aria-live],[role=alert]')].map(e => e.textContent)",
    ) == [""]
    assert page.context.cookies() == [] and page.evaluate("document.cookie") == ""
    assert requests and all(u.startswith((server.url, "data:")) for u in requests), requests
    assert shadow(page, "r.querySelector('audio').paused") is True
    # The host's content carries no ARIA, role or tabindex from us.
    assert (
        page.evaluate(
            "document.querySelectorAll('[data-kiosk-a11y-reading], body [tabindex]').length"
        )
        == 0
    )
    assert run_axe(page) == []
    open_panel(page)
    assert run_axe(page) == []
    assert run_axe(page, TB) == []  # all the tags, wcag2aaa included
    press(page, "help")
    assert run_axe(page, TB) == []
    press(page, "qr")
    page.wait_for_function(f"() => {SHADOW}.querySelector('.t__qr img').naturalWidth > 0")
    assert run_axe(page, TB) == []
    press(page, "caption")
    press(page, "pinyin")
    page.keyboard.press("Escape")
    paragraph(page, "区政府始终高度重视").hover()
    page.wait_for_function(f"() => {SHADOW}.querySelector('.t__cap rt') !== null")
    assert run_axe(page, TB) == []
    assert page.errors == []  # type: ignore[attr-defined]
    page.context.close()


# -- the effects on the page, and 重置 -------------------------------------------------------


def test_zoom_text_size_schemes_cursor_text_only_and_reset(
    browser: Browser, server: Server
) -> None:
    page = open_demo(browser, server)
    original = page.evaluate(STYLES)
    launcher = page.locator(f"{TB} .t__launcher").bounding_box()
    body_p = page.locator(".pt-body p").first
    title = page.locator(".pt-article__title")
    base_p, base_title = body_p.evaluate(EFFECTIVE_FONT), title.evaluate(EFFECTIVE_FONT)

    # 放大: CSS zoom on <body> in steps; the toolbar itself keeps its size.
    press(page, "zoomIn")
    press(page, "zoomIn")
    assert attrs(page)["data-kiosk-a11y-zoom"] == "150"
    assert page.evaluate("getComputedStyle(document.body).zoom") == "1.5"
    assert body_p.evaluate("el => el.currentCSSZoom") == 1.5
    assert page.locator(f"{TB} .t__launcher").bounding_box() == launcher
    assert page.inner_text(f"{TB} legend >> nth=2").endswith("150%")
    # 十字光标 follows the pointer, zoomed page or not.
    press(page, "crosshair")
    page.mouse.move(300, 420)
    page.wait_for_function(f"() => !{SHADOW}.querySelector('.t__x').hidden")
    x_line = page.locator(f"{TB} .t__x").bounding_box()
    y_line = page.locator(f"{TB} .t__y").bounding_box()
    assert x_line and y_line
    assert (
        abs(x_line["y"] + x_line["height"] / 2 - 420) <= 1
        and x_line["width"] >= DESKTOP["width"] - 1
    )
    assert (
        abs(y_line["x"] + y_line["width"] / 2 - 300) <= 1
        and y_line["height"] >= DESKTOP["height"] - 1
    )
    assert shadow(page, "getComputedStyle(r.querySelector('.t__x')).pointerEvents") == "none"
    press(page, "crosshair")
    assert shadow(page, "r.querySelector('.t__x').hidden") is True
    press(page, "zoomOut")
    press(page, "zoomOut")
    assert "data-kiosk-a11y-zoom" not in attrs(page)
    assert page.get_attribute(f"{TB} [data-act=zoomOut]", "aria-disabled") == "true"

    # 大字: text 125 %, 150 %; the hierarchy of the host's sizes is kept.
    press(page, "textUp")
    press(page, "textUp")
    assert attrs(page)["data-kiosk-a11y-text"] == "150"
    assert body_p.evaluate(EFFECTIVE_FONT) == pytest.approx(base_p * 1.5)
    assert title.evaluate(EFFECTIVE_FONT) == pytest.approx(base_title * 1.5)
    assert page.locator(".pt-body li").first.evaluate(EFFECTIVE_FONT) == pytest.approx(base_p * 1.5)
    crumbs = page.locator(".pt-crumbs")  # a line of text and links in a <nav>: enlarged as one
    assert crumbs.evaluate("el => el.currentCSSZoom") == 1.5
    assert page.locator(".pt-crumbs a").first.evaluate("el => el.currentCSSZoom") == 1.5
    assert page.evaluate("getComputedStyle(document.body).zoom") == "1"
    press(page, "textDown")
    assert body_p.evaluate(EFFECTIVE_FONT) == pytest.approx(base_p * 1.25)
    press(page, "textDown")
    assert page.evaluate(STYLES) == original

    # 配色: exactly the kiosk's colours, every text at 7:1 or more; 默认 gives the page back.
    for name, (background, text, link) in SCHEMES.items():
        press(page, "scheme", name)
        assert pressed(page, "scheme", name) == "true"
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == background
        assert body_p.evaluate("el => getComputedStyle(el).color") == text
        assert (
            page.locator(".pt-banner").evaluate("el => getComputedStyle(el).backgroundColor")
            == background
        )
        assert (
            page.locator(".pt-crumbs a").first.evaluate("el => getComputedStyle(el).color") == link
        )
        contrast = page.evaluate(CONTRAST)
        assert contrast["checked"] > 40 and contrast["bad"] == [], (name, contrast)
    press(page, "scheme", "default")
    assert page.evaluate(STYLES) == original

    # 大鼠标: an SVG cursor from a data: URL (our CSP allows data: images), a hand on links.
    press(page, "cursor")
    assert body_p.evaluate("el => getComputedStyle(el).cursor").startswith(
        'url("data:image/svg+xml,'
    )
    link_cursor = page.locator(".pt-crumbs a").first.evaluate("el => getComputedStyle(el).cursor")
    assert link_cursor.startswith('url("data:image/svg+xml,') and link_cursor.endswith("pointer")
    press(page, "cursor")

    # 纯文本: no images, none of the host's styles; back when switched off.
    press(page, "textonly")
    assert page.evaluate("[...document.images].every(i => getComputedStyle(i).display === 'none')")
    assert page.evaluate(
        "[...document.styleSheets].filter(s => s.href && s.href.includes('portal.css')).every(s => s.disabled)"
    )
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.pt-banner')).backgroundColor")
        == "rgba(0, 0, 0, 0)"
    )
    assert body_p.evaluate("el => getComputedStyle(el).textIndent") == "0px"
    assert page.evaluate("getComputedStyle(document.body).fontSize") == "20px"
    press(page, "textonly")
    assert page.evaluate("[...document.styleSheets].every(s => !s.disabled)")
    assert page.evaluate(STYLES) == original

    # Settings persist on the host's origin, across pages; 重置 restores everything.
    press(page, "textUp")
    press(page, "scheme", "dark")
    press(page, "caption")
    press(page, "textonly")
    saved = json.loads(page.evaluate("localStorage.getItem('kiosk-a11y')"))
    assert saved["text"] == 125 and saved["scheme"] == "dark" and saved["textonly"] is True
    page.reload()
    page.wait_for_selector(TB, state="attached")
    assert attrs(page) == {
        "data-kiosk-a11y-text": "125",
        "data-kiosk-a11y-scheme": "dark",
        "data-kiosk-a11y-caption": "",
        "data-kiosk-a11y-textonly": "",
        "data-kiosk-a11y": "",
    }
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
    press(page, "reset")
    assert attrs(page) == {}
    assert page.evaluate(STYLES) == original
    assert page.evaluate("localStorage.getItem('kiosk-a11y')") is None
    assert page.evaluate("document.adoptedStyleSheets.length") == 0
    assert page.evaluate("[...document.styleSheets].every(s => !s.disabled)")
    assert message(page) == "已恢复网页原样，设置已清除。"
    assert page.csp_violations == [] and page.errors == []  # type: ignore[attr-defined]
    page.context.close()


def test_elder_mode_is_one_tap_and_undone_by_another(browser: Browser, server: Server) -> None:
    page = open_demo(browser, server)
    original = page.evaluate(STYLES)
    page.click(".pt-topbar [data-kiosk-a11y-elder]")  # the host's own 适老版 link
    assert attrs(page) == {
        "data-kiosk-a11y-text": "150",
        "data-kiosk-a11y-scheme": "light",
        "data-kiosk-a11y-cursor": "",
        "data-kiosk-a11y-caption": "",
        "data-kiosk-a11y": "",
    }
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    assert page.evaluate(CONTRAST)["bad"] == []
    press(page, "elder")
    assert pressed(page, "elder") == "false" and attrs(page) == {}
    assert page.evaluate(STYLES) == original
    page.keyboard.press("Escape")
    assert page.get_attribute(f"{TB} .t__launcher", "aria-expanded") == "false"
    page.click(".pt-topbar [data-kiosk-a11y-open]")  # the host's 无障碍浏览 opens the panel
    assert page.get_attribute(f"{TB} .t__launcher", "aria-expanded") == "true"
    page.context.close()


# -- 大字幕 with 拼音 ------------------------------------------------------------------------


def test_caption_shows_the_hovered_text_with_pinyin(browser: Browser, server: Server) -> None:
    page = open_demo(browser, server)
    press(page, "caption")
    page.keyboard.press("Escape")
    target = paragraph(page, SHORT_PARAGRAPH)
    expected = target.evaluate(TEXT_OF)
    target.hover()
    caption = page.locator(f"{TB} .t__cap-text")
    page.wait_for_function(
        f"(t) => {SHADOW}.querySelector('.t__cap-text').textContent === t", arg=expected
    )
    box = page.locator(f"{TB} .t__cap").bounding_box()
    assert (
        box
        and abs(box["y"] + box["height"] - DESKTOP["height"]) <= 1
        and box["width"] == DESKTOP["width"]
    )
    assert float(caption.evaluate("el => parseFloat(getComputedStyle(el).fontSize)")) >= 28
    heading = paragraph(page, NEXT_HEADING)
    heading.hover()
    page.wait_for_function(
        f"(t) => {SHADOW}.querySelector('.t__cap-text').textContent === t", arg=NEXT_HEADING
    )
    # 拼音: ruby built from our server's per-character readings.
    press(page, "pinyin")
    page.keyboard.press("Escape")
    target.hover()
    base = (
        f"() => {{ const c = {SHADOW}.querySelector('.t__cap-text').cloneNode(true);"
        " if (!c.querySelector('rt')) return null;"
        " c.querySelectorAll('rt, rp').forEach(x => x.remove()); return c.textContent; }"
    )
    page.wait_for_function(f"(t) => ({base})() === t", arg=expected)
    readings = caption.evaluate("el => [...el.querySelectorAll('rt')].map(r => r.textContent)")
    assert readings == [i["pinyin"] for i in pinyin_items(expected) if i["pinyin"]]
    assert readings[:2] == ["nián", "wèi"]
    screenshot(page, "toolbar-caption-pinyin")
    assert page.csp_violations == [] and page.errors == []  # type: ignore[attr-defined]
    page.context.close()


# -- speech: 指读 and 连读 -----------------------------------------------------------------


def test_point_to_read_speaks_from_our_server(browser: Browser, server: Server) -> None:
    page = open_demo(browser, server)
    press(page, "speed", "fast")
    press(page, "point")
    page.keyboard.press("Escape")
    target = paragraph(page, SHORT_PARAGRAPH)
    target.scroll_into_view_if_needed()
    before = target.bounding_box()
    with page.expect_response(lambda r: r.url.endswith("/api/speak"), timeout=15000) as info:
        target.hover()
    response = info.value
    assert response.status == 200 and response.headers["content-type"] == "audio/mpeg"
    assert json.loads(response.request.post_data or "{}") == {
        "text": SHORT_PARAGRAPH,
        "lang": "zh-CN",
        "speed": "fast",
    }
    wait_reading(page, SHORT_PARAGRAPH)
    assert target.bounding_box() == before  # the highlight (outline) moves nothing
    assert target.evaluate("el => getComputedStyle(el).outlineStyle") == "solid"
    assert wait_playing(page) > 1.0
    page.wait_for_function(
        "() => !document.querySelector('[data-kiosk-a11y-reading]')", timeout=20000
    )
    # Focus reads too (keyboard users): Tab to a link.
    with page.expect_response(lambda r: r.url.endswith("/api/speak"), timeout=15000) as info:
        page.locator(".pt-crumbs a").nth(1).focus()
    assert json.loads(info.value.request.post_data or "{}")["text"] == "政务公开"
    assert message(page) == ""  # our server answered: no fallback to the browser's voice
    assert page.csp_violations == [] and page.errors == []  # type: ignore[attr-defined]
    page.context.close()


def test_continuous_reading_goes_block_by_block_and_stops(browser: Browser, server: Server) -> None:
    page = open_demo(browser, server)
    press(page, "speed", "fast")
    press(page, "continuous")
    assert pressed(page, "continuous") == "true" and message(page) == "请点击要开始朗读的位置。"
    start = paragraph(page, START_PARAGRAPH)
    start.scroll_into_view_if_needed()
    url = page.url
    with page.expect_request(lambda r: r.url.endswith("/api/speak"), timeout=15000) as info:
        start.click()
    assert json.loads(info.value.post_data or "{}")["text"] == start.evaluate(TEXT_OF)
    response = info.value.response()
    assert response and response.status == 200
    assert page.url == url
    wait_reading(page, START_PARAGRAPH)
    assert wait_playing(page) > 1.0
    wait_reading(page, NEXT_HEADING, timeout=30000)  # the next block, in order
    assert page.locator("[data-kiosk-a11y-reading]").count() == 1
    press(page, "continuous")  # stop
    assert page.locator("[data-kiosk-a11y-reading]").count() == 0
    assert shadow(page, "r.querySelector('audio').paused") is True
    assert pressed(page, "continuous") == "false" and message(page) == "已停止朗读。"
    # From the focused element, by keyboard: Alt+Shift+R.
    page.keyboard.press("Escape")
    link = page.locator(".pt-crumbs a").nth(1)
    link.focus()
    with page.expect_request(lambda r: r.url.endswith("/api/speak"), timeout=15000) as info:
        page.keyboard.press("Alt+Shift+R")
    assert json.loads(info.value.post_data or "{}")["text"].startswith("当前位置")
    wait_reading(page, "当前位置")
    page.keyboard.press("Alt+Shift+R")
    assert page.locator("[data-kiosk-a11y-reading]").count() == 0
    assert page.csp_violations == [] and page.errors == []  # type: ignore[attr-defined]
    page.context.close()


# -- 扫码 ------------------------------------------------------------------------------------


def test_qr_code_decodes_to_the_page(browser: Browser, server: Server) -> None:
    page = open_demo(browser, server, query="?example=default")
    press(page, "qr")
    assert page.get_attribute(f"{TB} [data-act=qr]", "aria-expanded") == "true"
    assert decode_qr(page) == [page.url]
    assert message(page) == "" and "用手机扫描二维码" in page.inner_text(f"{TB} .t__qr")
    page.context.close()


# -- keyboard only ---------------------------------------------------------------------------


def _tab_sequence(page: Page, limit: int = 120) -> list[str]:
    page.evaluate("document.activeElement && document.activeElement.blur()")
    seen: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = page.evaluate(FOCUSED)
        if now == "BODY" or (seen and now == seen[0]):
            break
        seen.append(now)
    return seen


def _focus(page: Page, act: str, value: str | None = None, limit: int = 200) -> None:
    """Tab (forward, round the page if need be) until the toolbar's button has focus."""
    want = f"TOOLBAR:{act}"
    for _ in range(limit):
        if page.evaluate(FOCUSED) == want and (
            value is None or shadow(page, "r.activeElement.getAttribute('data-value')") == value
        ):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{act} {value} not reachable by Tab")


def test_keyboard_alone_reaches_everything_and_tab_order_is_the_hosts(
    browser: Browser, server: Server
) -> None:
    bare = new_page(browser, DESKTOP)
    bare.route("**/widget/v1/toolbar.js", lambda route: route.abort())
    bare.goto(server.url + DEMO)
    without = _tab_sequence(bare)
    bare.context.close()

    page = open_demo(browser, server)
    with_toolbar = _tab_sequence(page)
    assert [s for s in with_toolbar if not s.startswith("TOOLBAR")] == without
    assert (
        with_toolbar[-1] == "TOOLBAR:t__launcher" and with_toolbar.count("TOOLBAR:t__launcher") == 1
    )
    assert len(without) > 15

    # The launcher: Enter opens the panel and moves focus into it.
    _focus(page, "t__launcher")
    page.keyboard.press("Enter")
    assert page.get_attribute(f"{TB} .t__launcher", "aria-expanded") == "true"
    assert page.evaluate(FOCUSED) == "TOOLBAR:sound"

    def operate(act: str, value: str | None = None, key: str = "Enter") -> None:
        _focus(page, act, value)
        page.keyboard.press(key)

    operate("sound", key="Space")
    assert pressed(page, "sound") == "false"
    operate("sound")
    assert pressed(page, "sound") == "true"
    operate("point")
    assert pressed(page, "point") == "true"
    operate("point", key="Space")
    assert pressed(page, "point") == "false"
    operate("speed", "slow")
    assert pressed(page, "speed", "slow") == "true"
    operate("speed", "normal")
    operate("zoomIn")
    assert attrs(page)["data-kiosk-a11y-zoom"] == "125"
    operate("zoomOut")
    assert "data-kiosk-a11y-zoom" not in attrs(page)
    operate("textUp")
    assert attrs(page)["data-kiosk-a11y-text"] == "125"
    operate("textDown")
    for name in ("dark", "light", "blue", "yellow", "default"):
        operate("scheme", name)
        assert pressed(page, "scheme", name) == "true"
    assert attrs(page) == {}
    for act in ("cursor", "caption", "textonly"):
        operate(act)
        assert f"data-kiosk-a11y-{act}" in attrs(page)
        operate(act)
        assert f"data-kiosk-a11y-{act}" not in attrs(page)
    operate("crosshair")
    assert pressed(page, "crosshair") == "true"
    operate("crosshair")
    operate("pinyin")
    assert pressed(page, "pinyin") == "true" and pressed(page, "caption") == "true"
    operate("pinyin")
    operate("caption")
    operate("elder")
    assert attrs(page)["data-kiosk-a11y-text"] == "150"
    operate("elder")
    assert attrs(page) == {}
    operate("qr")
    assert page.get_attribute(f"{TB} [data-act=qr]", "aria-expanded") == "true"
    operate("qr")
    operate("help")
    assert page.get_attribute(f"{TB} [data-act=help]", "aria-expanded") == "true"
    help_text = page.inner_text(f"{TB} #kiosk-a11y-help")
    for key in ("Alt+Shift+A", "Alt+Shift+R", "Alt+Shift+L", "Alt+Shift+0", "Alt+Shift+H"):
        assert key in help_text
    _focus(page, "INPUT")  # the shortcuts switch, in 帮助
    page.keyboard.press("Space")
    assert shadow(page, "r.getElementById('kiosk-a11y-keys').checked") is False
    page.keyboard.press("Alt+Shift+L")
    assert "data-kiosk-a11y-text" not in attrs(page)  # shortcuts are off
    page.keyboard.press("Space")
    page.keyboard.press("Alt+Shift+L")
    assert attrs(page)["data-kiosk-a11y-text"] == "125"
    # 连读 from the keyboard: arm it, then 从正文开头读.
    operate("continuous")
    assert pressed(page, "continuous") == "true"
    operate("fromTop")
    wait_reading(page, "当前位置")
    operate("continuous")
    assert page.locator("[data-kiosk-a11y-reading]").count() == 0
    operate("reset")
    assert attrs(page) == {}
    # Escape closes the panel and gives focus back to the launcher.
    page.keyboard.press("Escape")
    assert page.get_attribute(f"{TB} .t__launcher", "aria-expanded") == "false"
    assert page.evaluate(FOCUSED) == "TOOLBAR:t__launcher"

    # Shortcuts from the page: Alt+Shift+letter only; bare keys and Tab are the host's.
    link = page.locator(".pt-crumbs a").first
    link.focus()
    page.keyboard.press("Alt+Shift+L")
    assert attrs(page)["data-kiosk-a11y-text"] == "125"
    # The shortcut's effect is told (once) to screen readers.
    assert shadow(page, "r.querySelector('[role=status]').textContent") == "大字: 125%"
    for key in ("l", "Shift+L", "Alt+L", "0", "Escape"):
        page.keyboard.press(key)
    assert attrs(page)["data-kiosk-a11y-text"] == "125"
    page.keyboard.press("Alt+Shift+A")
    assert page.evaluate(FOCUSED) == "TOOLBAR:sound"
    page.keyboard.press("Escape")
    assert page.evaluate(FOCUSED).startswith("A|/widget/demo|首页")  # back where we were
    page.keyboard.press("Alt+Shift+0")
    assert attrs(page) == {}
    # No focus trap: Tab leaves the open panel.
    page.keyboard.press("Alt+Shift+A")
    for _ in range(60):
        page.keyboard.press("Tab")
        if not page.evaluate(FOCUSED).startswith("TOOLBAR"):
            break
    else:
        raise AssertionError("Tab never left the toolbar")
    assert page.errors == []  # type: ignore[attr-defined]
    page.context.close()


# -- on somebody else's site -----------------------------------------------------------------


def _foreign_page(browser: Browser, origin: str) -> Page:
    """The demo's HTML as a page of another site (no CSP there), the toolbar by the one tag."""
    page = new_page(browser, DESKTOP)
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.seen = requests  # type: ignore[attr-defined]
    page.goto(f"{origin}/art/2014/1/30/art_1.html")
    page.wait_for_selector(TB, state="attached")
    return page


def test_embedded_on_an_allowlisted_site(browser: Browser, server: Server, portal: _Portal) -> None:
    origin = f"http://127.0.0.1:{portal.server_port}"
    page = _foreign_page(browser, origin)
    press(page, "point")
    page.keyboard.press("Escape")
    with page.expect_response(lambda r: r.url.endswith("/api/speak"), timeout=15000) as info:
        paragraph(page, SHORT_PARAGRAPH).hover()
    assert info.value.status == 200
    assert info.value.headers["access-control-allow-origin"] == origin
    assert info.value.request.headers.get("cookie") is None
    assert wait_playing(page) > 1.0
    press(page, "qr")
    assert decode_qr(page) == [f"{origin}/art/2014/1/30/art_1.html"]
    requests: list[str] = page.seen  # type: ignore[attr-defined]
    assert [u for u in requests if not u.startswith((origin, server.url, "data:", "blob:"))] == []
    assert page.errors == []  # type: ignore[attr-defined]
    page.context.close()


def test_on_a_site_not_allowlisted_the_api_refuses(
    browser: Browser, server: Server, portal: _Portal
) -> None:
    page = _foreign_page(browser, f"http://localhost:{portal.server_port}")
    press(page, "textUp")  # the page-side features work anywhere
    assert attrs(page)["data-kiosk-a11y-text"] == "125"
    press(page, "point")
    page.keyboard.press("Escape")
    paragraph(page, SHORT_PARAGRAPH).hover()
    # Our server refuses (no CORS headers): the toolbar falls back to the browser's voice.
    page.wait_for_function(
        f"() => {SHADOW}.querySelector('.t__msg').textContent.includes('浏览器自带的朗读')"
    )
    press(page, "qr")
    page.wait_for_function(f"() => {SHADOW}.querySelector('.t__qr p').textContent !== ''")
    assert page.inner_text(f"{TB} .t__qr p") == "本页地址不能生成二维码。"
    assert page.errors == []  # type: ignore[attr-defined]
    page.context.close()


# -- the options on the tag ------------------------------------------------------------------


def test_tag_options(browser: Browser, server: Server) -> None:
    page = open_demo(browser, server, query="?example=english-left")
    launcher = page.locator(f"{TB} .t__launcher")
    assert launcher.inner_text() == "Accessibility"
    box = launcher.bounding_box()
    assert box and box["x"] == 0
    open_panel(page)
    assert page.inner_text(f"{TB} .t__title") == "Accessibility tools"
    assert page.get_attribute(f"{TB} .t", "lang") == "en"
    page.context.close()

    page = open_demo(browser, server, query="?example=reading-only")
    box = page.locator(f"{TB} .t__launcher").bounding_box()
    assert box and box["y"] + box["height"] == pytest.approx(DESKTOP["height"], abs=1)
    open_panel(page)
    acts = page.evaluate(
        f"() => [...new Set([...{SHADOW}.querySelectorAll('[data-act]')].map(b => b.getAttribute('data-act')))]"
    )
    assert sorted(acts) == sorted(
        [
            "close",
            "sound",
            "point",
            "continuous",
            "speed",
            "caption",
            "pinyin",
            "help",
            "reset",
            "fromTop",
        ]
    )
    page.keyboard.press("Alt+Shift+P")  # data-shortcuts="off"
    assert pressed(page, "point") == "false"
    page.context.close()

    page = open_demo(browser, server, query="?example=top")
    box = page.locator(f"{TB} .t__launcher").bounding_box()
    assert box and box["y"] == 0
    page.context.close()


# -- how it looks --------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "viewport"), [("desktop", DESKTOP), ("phone", PHONE)])
def test_panel_fits_and_targets_are_large(
    browser: Browser, server: Server, name: str, viewport: ViewportSize
) -> None:
    page = open_demo(browser, server, viewport)
    screenshot(page, f"toolbar-{name}-closed")
    open_panel(page)
    panel = page.locator(f"{TB} .t__panel").bounding_box()
    assert panel and panel["x"] >= 0 and panel["x"] + panel["width"] <= viewport["width"] + 0.5
    sizes = page.evaluate(
        f"() => [...{SHADOW}.querySelectorAll('button:not([hidden])')].map(b => {{ const r = b.getBoundingClientRect(); return [r.width, r.height]; }})"
    )
    assert sizes and all(w >= 44 and h >= 44 for w, h in sizes), sizes
    screenshot(page, f"toolbar-{name}-panel")
    page.context.close()


def test_on_a_phone_the_launcher_never_covers_the_title(browser: Browser, server: Server) -> None:
    page = open_demo(browser, server, PHONE, has_touch=True, is_mobile=True)
    title_y = page.evaluate("document.querySelector('h1').getBoundingClientRect().top + scrollY")
    for y in range(0, int(title_y) + 1, 40):
        page.evaluate(f"scrollTo(0, {y})")
        overlap = page.evaluate(
            f"""() => {{ const a = {SHADOW}.querySelector('.t__launcher').getBoundingClientRect();
                        const b = document.querySelector('h1').getBoundingClientRect();
                        return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom; }}"""
        )
        assert not overlap, f"the launcher covers the title at scroll {y}"
    page.context.close()


@pytest.mark.parametrize("touch", [True, False])
def test_pointer_tools_only_where_there_is_a_pointer(
    browser: Browser, server: Server, touch: bool
) -> None:
    viewport = PHONE if touch else DESKTOP
    page = open_demo(browser, server, viewport, has_touch=touch, is_mobile=touch)
    open_panel(page)
    count = page.locator(f"{TB} [data-act=cursor], {TB} [data-act=crosshair]").count()
    assert count == (0 if touch else 2)  # 大鼠标 and 十字光标 need a mouse
    page.context.close()
