"""语音导览 in a real browser, kiosk at 1080×1920, touch through Chromium's
DevTools protocol (real touch events: pointer, touch and click as a finger
makes them). The guide's speech log (``window.kioskGuide.log``) holds the text of
every utterance; the audio comes from the server's eSpeak voice."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote

import pytest
from playwright.sync_api import Browser, CDPSession, Page

from tests.browser.conftest import KIOSK, new_page, run_axe, screenshot, wait_for
from tests.servers import Server

SLUG = "kundulun-2013-report"
TITLE = "昆都仑区人民政府2013年度政府信息公开年度报告"


class Finger:
    """Touches on one page, as Chromium's touch screen delivers them."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.cdp: CDPSession = page.context.new_cdp_session(page)

    def _send(self, kind: str, x: float | None = None, y: float | None = None) -> None:
        points = [] if x is None else [{"x": x, "y": y}]
        self.cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    def touch(self, x: float, y: float, hold_ms: int = 0) -> None:
        self._send("touchStart", x, y)
        if hold_ms:
            self.page.wait_for_timeout(hold_ms)
        self._send("touchEnd")

    def centre(self, selector: str) -> tuple[float, float]:
        locator = self.page.locator(selector).first
        locator.scroll_into_view_if_needed()
        box = locator.bounding_box()
        assert box is not None, selector
        return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2

    def tap(self, selector: str) -> None:
        # A visitor listens before touching again: well apart from a double tap.
        self.page.wait_for_timeout(450)
        self.touch(*self.centre(selector))

    def double_tap(self, x: float, y: float) -> None:
        self.touch(x, y)
        self.page.wait_for_timeout(80)
        self.touch(x, y)

    def slide(self, start: tuple[float, float], end: tuple[float, float], steps: int = 12) -> None:
        self._send("touchStart", *start)
        for i in range(1, steps + 1):
            x = start[0] + (end[0] - start[0]) * i / steps
            y = start[1] + (end[1] - start[1]) * i / steps
            self._send("touchMove", x, y)
            self.page.wait_for_timeout(30)
        self._send("touchEnd")


def said(page: Page) -> list[str]:
    return list(page.evaluate("window.kioskGuide ? window.kioskGuide.log.slice() : []"))


def wait_said(page: Page, fragment: str, timeout: float = 10.0) -> str:
    """The latest utterance containing fragment (waits for it)."""
    wait_for(
        page,
        f"window.kioskGuide && window.kioskGuide.log.some(t => t.includes({fragment!r}))",
        timeout,
    )
    return next(t for t in reversed(said(page)) if fragment in t)


def guide_page(browser: Browser) -> Page:
    return new_page(browser, KIOSK, has_touch=True)


def turn_on_by_holding(page: Page, finger: Finger, server: Server) -> None:
    page.goto(server.url + "/")
    assert said(page) == []  # no sound before a touch
    finger.touch(540, 1800, hold_ms=2300)
    text = wait_said(page, "语音导览已打开")
    assert "首页" in text and "政府公开报告" in text
    assert page.url == server.url + "/"  # the hold did not start reading
    assert page.evaluate("sessionStorage.getItem('kiosk-guide')") == "on"


def test_walk_by_touch(browser: Browser, kiosk_server: Server) -> None:
    page = guide_page(browser)
    finger = Finger(page)
    turn_on_by_holding(page, finger, kiosk_server)
    # The first touch said, once, how to turn the guide on.
    assert said(page)[0].startswith("如需语音导览")

    # Start → library: one tap speaks the link, a second tap opens it.
    finger.tap(".kiosk-start__go")
    assert wait_said(page, "轻触屏幕开始阅读") == "轻触屏幕开始阅读，链接。再点一次打开。"
    assert page.evaluate("document.activeElement.className").startswith("kiosk-start__go")
    finger.tap(".kiosk-start__go")
    page.wait_for_url(kiosk_server.url + "/library")
    arrival = wait_said(page, "报告列表")
    tiles = page.locator(".kiosk-tile").count()  # the bundled reports and the test fixtures
    assert tiles >= 2 and arrival.startswith(f"报告列表。共 {tiles} 份。第一份：")

    # Library → report: one tap on the tile, then a double tap on an empty spot.
    tile = f".kiosk-tile__link[href='/reports/{SLUG}']"
    finger.tap(tile)
    assert wait_said(page, TITLE).endswith("链接。再点一次打开。")
    assert page.locator(tile).evaluate("el => el.classList.contains('kiosk-guide-focus')")
    page.wait_for_timeout(500)
    finger.double_tap(540, 1800)
    page.wait_for_url(f"{kiosk_server.url}/reports/{SLUG}")
    arrival = wait_said(page, TITLE)
    assert arrival.startswith(TITLE + "。第 1 页，共 ")
    total = int(arrival.split("共 ")[1].split(" 页")[0])
    assert total > 1

    # Page turn: 下一页 twice (tap, tap again).
    finger.tap(".kiosk-js-page-next")
    assert wait_said(page, "下一页").startswith("下一页，按钮。")
    finger.tap(".kiosk-js-page-next")
    assert wait_said(page, "第 2 页") == f"第 2 页，共 {total} 页。"

    # A tap on a paragraph of this page reads it.
    index = page.evaluate(
        """() => [...document.querySelectorAll('.kiosk-report__paragraph')].findIndex(p => {
             const r = p.getBoundingClientRect(); return r.left >= 0 && r.right <= innerWidth; })"""
    )
    paragraph = page.locator(".kiosk-report__paragraph").nth(index)
    box = paragraph.bounding_box()
    assert box is not None
    finger.page.wait_for_timeout(450)
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url))
    finger.touch(box["x"] + 40, box["y"] + 20)
    text = "".join(paragraph.inner_text().split())
    spoken = "".join(wait_said(page, text[:12]).split())
    assert spoken in (text, text + "。")
    # Read from the report's own sentence audio (made before, like 朗读), not as prompts.
    first = paragraph.locator(".kiosk-sentence").first.get_attribute("id")
    wait_for(page, "window.kioskGuide.speaking()")
    assert any(f"/audio/{SLUG}/normal/{first}.mp3" in url for url in fetched), fetched
    assert not any("/guide/prompt" in url and text[:6] in unquote(url) for url in fetched)
    assert said(page)[-2] == f"第 2 页，共 {total} 页。"  # nothing else turned the page

    # Settings: open the panel, choose size 4.
    finger.tap(".kiosk-js-settings-open")
    text = wait_said(page, "字号与配色")
    assert text.startswith("字号与配色，按钮，已收起，当前选择：字号 2 级（共 5 级），默认")
    assert text.endswith("再点一次打开。")
    finger.tap(".kiosk-js-settings-open")
    assert wait_said(page, "阅读设置").startswith("阅读设置。当前选择：字号 2 级")
    size4 = "#kiosk-settings button[name=size][value='4']"
    finger.tap(size4)
    assert wait_said(page, "字号 4 级") == "字号 4 级（共 5 级），按钮，未选中。再点一次确认。"
    finger.tap(size4)
    assert wait_said(page, "已选择") == "已选择：字号 4 级（共 5 级）。"
    wait_for(page, "document.documentElement.classList.contains('kiosk-size-4')")
    # The voice: 男声 (tap, tap again).
    male = "#kiosk-settings button[name=voice][value='male']"
    page.locator(male).scroll_into_view_if_needed()
    finger.tap(male)
    assert wait_said(page, "男声，").startswith("男声，按钮，未选中")
    finger.tap(male)
    assert wait_said(page, "已选择：男声") == "已选择：男声。"
    wait_for(page, f"document.querySelector({male!r}).getAttribute('aria-pressed') === 'true'")
    screenshot(page, "guide-kiosk-settings")

    # 智能问答 from the toolbar, then a suggested question, then its answer read out.
    finger.tap(".kiosk-js-settings-close")
    wait_said(page, "关闭")
    finger.tap(".kiosk-js-settings-close")
    finger.tap(".kiosk-toolbar a[href^='/ask']")
    wait_said(page, "智能问答，链接")
    finger.tap(".kiosk-toolbar a[href^='/ask']")
    page.wait_for_url(f"{kiosk_server.url}/ask?report={SLUG}")
    arrival = wait_said(page, "推荐问题")
    assert arrival.startswith("智能问答。推荐问题共 ")
    chip = page.locator(".kiosk-suggestions .kiosk-chip").first
    question = chip.inner_text().strip()
    assert f"第一个：{question}" in arrival
    finger.tap(".kiosk-suggestions .kiosk-chip")
    assert wait_said(page, question).endswith("链接。再点一次打开。")
    finger.tap(".kiosk-suggestions .kiosk-chip")
    page.wait_for_url("**/ask?q=*")
    answer = page.locator(".kiosk-answer__text").inner_text().strip()
    arrival = wait_said(page, "报告中的答案")
    assert arrival.startswith("智能问答。报告中的答案。")
    assert answer[:20] in arrival
    assert page.errors == []  # type: ignore[attr-defined]
    page.context.close()


def test_slide_speaks_each_control_crossed(browser: Browser, kiosk_server: Server) -> None:
    page = guide_page(browser)
    finger = Finger(page)
    turn_on_by_holding(page, finger, kiosk_server)
    page.goto(kiosk_server.url + "/library")
    wait_said(page, "报告列表")
    start = finger.centre(".kiosk-toolbar a[href^='/ask']")
    end = finger.centre(".kiosk-toolbar a[href='/help']")
    finger.slide(start, end)
    wait_said(page, "帮助，链接")
    crossed = [t.split("，")[0] for t in said(page)[1:]]
    assert crossed[:3] == ["智能问答", "字号与配色", "帮助"]
    assert page.url == kiosk_server.url + "/library"  # sliding uses nothing
    page.context.close()


def _arrow_to(page: Page, fragment: str, key: str = "ArrowDown", limit: int = 60) -> str:
    for _ in range(limit):
        page.keyboard.press(key)
        last = said(page)[-1] if said(page) else ""
        if fragment in last:
            return last
    raise AssertionError(f"{fragment!r} not reached with {key}: {said(page)[-5:]}")


def test_walk_by_keys(browser: Browser, kiosk_server: Server) -> None:
    page = new_page(browser, KIOSK)
    page.goto(kiosk_server.url + "/")
    page.keyboard.press("g")
    assert wait_said(page, "语音导览已打开").endswith(
        "政府公开报告。大字体 · 高对比度 · 语音朗读。"
    )
    assert _arrow_to(page, "轻触屏幕开始阅读") == "轻触屏幕开始阅读，链接。按确认键打开。"
    page.keyboard.press("Enter")
    page.wait_for_url(kiosk_server.url + "/library")
    wait_said(page, f"报告列表。共 {page.locator('.kiosk-tile').count()} 份。")
    _arrow_to(page, TITLE)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{kiosk_server.url}/reports/{SLUG}")
    arrival = wait_said(page, TITLE + "。第 1 页")
    total = int(arrival.split("共 ")[1].split(" 页")[0])
    page.keyboard.press("ArrowRight")
    assert wait_said(page, "第 2 页") == f"第 2 页，共 {total} 页。"

    # Help and repeat, and a key stops the speech.
    page.keyboard.press("?")
    help_text = wait_said(page, "这是一份报告")
    assert "按键：" in help_text
    assert page.url.endswith(f"/reports/{SLUG}")  # ? speaks; it does not leave the report
    page.keyboard.press("r")
    assert said(page)[-1] == help_text
    wait_for(page, "window.kioskGuide.speaking()")
    page.keyboard.press("Shift")
    wait_for(page, "!window.kioskGuide.speaking()")

    # Settings by keys: up to 字号与配色, Enter, down to size 4, Enter.
    assert _arrow_to(page, "字号与配色", "ArrowUp").endswith("按确认键打开。")
    page.keyboard.press("Enter")
    wait_said(page, "阅读设置。当前选择：")
    _arrow_to(page, "字号 4 级")
    page.keyboard.press("Enter")
    assert wait_said(page, "已选择") == "已选择：字号 4 级（共 5 级）。"
    _arrow_to(page, "男声，按钮")
    page.keyboard.press("Enter")
    assert wait_said(page, "已选择：男声") == "已选择：男声。"
    page.keyboard.press("-")
    assert said(page)[-1] == "导览音量 2 级（共 5 级）。"
    page.keyboard.press("=")
    assert said(page)[-1] == "导览音量 3 级（共 5 级）。"

    # Escape closes the panel and brings the guide back to 字号与配色.
    page.keyboard.press("Escape")
    assert wait_said(page, "已收起").startswith("字号与配色，按钮，已收起，当前选择：字号 4 级")
    assert page.url.endswith(f"/reports/{SLUG}")

    # 智能问答: up to the toolbar, Enter, down to the first question, Enter: the answer.
    _arrow_to(page, "智能问答，链接", "ArrowUp")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{kiosk_server.url}/ask?report={SLUG}")
    wait_said(page, "推荐问题共")
    question = page.locator(".kiosk-suggestions .kiosk-chip").first.inner_text().strip()
    _arrow_to(page, question)
    page.keyboard.press("Enter")
    page.wait_for_url("**/ask?q=*")
    assert wait_said(page, "报告中的答案").startswith("智能问答。报告中的答案。")
    # Escape goes up one level, as 返回 does (to the report the question was about);
    # the guide stays on and the report speaks itself.
    assert page.locator(".kiosk-js-back").get_attribute("href") == f"/reports/{SLUG}"
    page.keyboard.press("Escape")
    page.wait_for_url(f"{kiosk_server.url}/reports/{SLUG}")
    wait_said(page, TITLE + "。第 1 页")
    assert page.errors == []  # type: ignore[attr-defined]
    page.context.close()


def test_no_speech_with_the_guide_off(browser: Browser, kiosk_server: Server) -> None:
    page = guide_page(browser)
    finger = Finger(page)
    prompts: list[str] = []
    page.on("request", lambda r: prompts.append(r.url) if "/guide/" in r.url else None)
    page.goto(kiosk_server.url + "/")
    page.wait_for_timeout(300)
    assert said(page) == [] and prompts == []  # no sound before a touch
    finger.touch(540, 1800)  # the first touch: the hint, once, and it does not start reading
    assert said(page) == ["如需语音导览，请按住屏幕两秒钟，或按 G 键。"]
    assert page.locator(".kiosk-guide__hint").inner_text() == said(page)[0]
    assert page.url == kiosk_server.url + "/"
    prompts.clear()
    finger.touch(540, 1800)  # the second starts reading, silently
    page.wait_for_url(kiosk_server.url + "/library")
    finger.tap(f".kiosk-tile__link[href='/reports/{SLUG}']")
    page.wait_for_url(f"{kiosk_server.url}/reports/{SLUG}")
    finger.tap(".kiosk-js-page-next")
    finger.tap(".kiosk-js-settings-open")
    page.locator("#kiosk-settings button[name=size][value='3']").click()
    wait_for(page, "document.documentElement.classList.contains('kiosk-size-3')")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("?")
    page.wait_for_url(kiosk_server.url + "/help")
    assert said(page) == [] and prompts == []
    page.goto(kiosk_server.url + "/")
    finger.touch(540, 1800)  # said once per visitor only
    page.wait_for_url(kiosk_server.url + "/library")
    assert said(page) == [] and prompts == []
    page.context.close()


def test_idle_dialog_is_spoken(browser: Browser, serve: Callable[..., Server]) -> None:
    server = serve(
        KIOSK_KIOSK_MODE="1",
        KIOSK_IDLE_TIMEOUT="2",
        KIOSK_IDLE_COUNTDOWN="11",
        KIOSK_SPEECH_ENGINE="pyttsx3",
    )
    page = guide_page(browser)
    finger = Finger(page)
    page.goto(server.url + "/library")
    page.keyboard.press("g")
    wait_said(page, "报告列表")
    opened = wait_said(page, "还在阅读吗", timeout=15)
    assert opened == "还在阅读吗？11 秒后屏幕将回到首页。轻触任意处继续阅读。"
    # A touch anywhere continues reading.
    finger.touch(540, 1800)
    wait_for(page, "!document.querySelector('dialog[open]')")
    page.evaluate("window.kioskGuide.log.length = 0")
    # Left alone again: asked again, counted down, reset.
    assert wait_said(page, "还在阅读吗", timeout=15).startswith("还在阅读吗？11 秒后")
    assert wait_said(page, "10 秒后") == "10 秒后屏幕将回到首页。"
    assert wait_said(page, "5 秒后") == "5 秒后屏幕将回到首页。"
    page.wait_for_url(server.url + "/", timeout=15000)
    # The reset forgot the visitor's guide.
    assert page.evaluate("sessionStorage.getItem('kiosk-guide')") is None
    assert not page.evaluate("document.documentElement.classList.contains('kiosk-guide-on')")
    page.context.close()


# axe once per page type: the guide's own UI is the same on every page; the
# start page and a report (with its player) cover it.
@pytest.mark.parametrize("path", ["/", f"/reports/{SLUG}"])
def test_axe_clean_with_the_guide_on(browser: Browser, kiosk_server: Server, path: str) -> None:
    page = new_page(browser, KIOSK, bypass_csp=True)
    page.goto(kiosk_server.url + path)
    page.keyboard.press("g")
    wait_for(page, "window.kioskGuide.log.length > 0")
    page.keyboard.press("ArrowDown")  # a thick focus on the first item
    assert run_axe(page) == []
    if path == "/":
        screenshot(page, "guide-kiosk-start")
    page.context.close()


def test_phone_has_no_guide(browser: Browser, kiosk_server: Server) -> None:
    page = new_page(browser, {"width": 390, "height": 844})
    page.context.add_cookies([{"name": "kiosk_device", "value": "phone", "url": kiosk_server.url}])
    page.goto(kiosk_server.url + "/")
    assert page.locator(".kiosk-guide").count() == 0
    assert page.evaluate("typeof window.kioskGuide") == "undefined"
    page.context.close()


def test_button_volume_and_g_key(browser: Browser, kiosk_server: Server) -> None:
    page = guide_page(browser)
    finger = Finger(page)
    page.goto(kiosk_server.url + "/help")
    page.locator(".kiosk-js-guide-toggle").click()  # the big button, as anyone presses it
    assert wait_said(page, "语音导览已打开").endswith("帮助。")
    assert page.locator(".kiosk-js-guide-toggle").get_attribute("aria-pressed") == "true"
    assert page.evaluate("window.kioskGuide.level()") == 3  # a middle level to start
    finger.tap(".kiosk-js-guide-volume[data-step='1']")
    assert wait_said(page, "导览音量增大") == "导览音量增大，按钮。再点一次确认。"
    finger.tap(".kiosk-js-guide-volume[data-step='1']")
    assert wait_said(page, "导览音量 4 级") == "导览音量 4 级（共 5 级）。"
    page.goto(kiosk_server.url + "/library")  # the visitor's level and state go along
    wait_said(page, "报告列表")
    assert page.evaluate("window.kioskGuide.level()") == 4
    page.keyboard.press("g")
    assert said(page)[-1] == "语音导览已关闭。"
    assert page.evaluate("sessionStorage.getItem('kiosk-guide')") is None
    assert page.locator(".kiosk-guide__volume").is_hidden()
    page.context.close()
