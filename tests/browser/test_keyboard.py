"""The on-screen 拼音 keyboard on the kiosk at 1080×1920: typing a question by
touch alone (full pinyin, initials, z/zh mixed up), the keypad, learned words
and the idle reset, and axe / contrast / target size in every colour scheme."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable
from urllib.error import HTTPError

import pytest
from playwright.sync_api import Browser, Page

from kiosk.prefs import SCHEMES
from tests.browser.conftest import KIOSK, PHONE, goto, new_page, run_axe, screenshot, wait_for
from tests.browser.conftest import READY as PAGE_READY
from tests.browser.test_guide import Finger, said, wait_said
from tests.browser.test_reader import CONTRAST_JS, TARGETS_JS, _page_with_scheme
from tests.servers import Server

QUESTION = "主动公开了多少条"
CANDIDATE = ".kiosk-keyboard__candidate"
#: The candidate bar shows the candidates of the composition as it is now.
READY = (
    "(() => { const l = document.querySelector('.kiosk-js-candidates');"
    " return l.children.length > 0 &&"
    " l.dataset.for === document.querySelector('.kiosk-js-composition').textContent; })()"
)


def wait_for_ime(server: Server, timeout: float = 120.0) -> None:
    """The lexicon is built in the background at start-up (≈ 10 s the first time)."""
    import time

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(server.url + "/api/ime?q=a", timeout=5) as r:
                if json.load(r)["candidates"]:
                    return
        except HTTPError as exc:
            if exc.code != 503:
                raise
        time.sleep(0.5)
    raise AssertionError("the input method did not start")


@pytest.fixture(scope="module")
def kiosk(kiosk_server: Server) -> Server:
    wait_for_ime(kiosk_server)
    return kiosk_server


def open_ask(browser: Browser, server: Server) -> Page:
    page = new_page(browser, KIOSK)
    goto(page, server.url + "/ask")
    return page


def tap_letters(page: Page, letters: str) -> None:
    for ch in letters:
        page.click(f'.kiosk-keyboard__key[data-value="{ch}"]')


def choose(page: Page, word: str) -> None:
    """Tap the candidate ``word``, paging with ▶ until it shows."""
    for _ in range(8):
        wait_for(page, READY)
        found = page.locator(CANDIDATE, has_text=word)
        for i in range(found.count()):
            if found.nth(i).inner_text() == word:
                found.nth(i).click()
                return
        page.click(".kiosk-js-page-next")
    raise AssertionError(f"{word} is not among the candidates")


def type_question(page: Page, steps: list[tuple[str, str]]) -> None:
    for letters, word in steps:
        tap_letters(page, letters)
        choose(page, word)


def field(page: Page) -> str:
    return str(page.input_value("#kiosk-q"))


@pytest.mark.parametrize(
    "style,steps",
    [
        ("full", [("zhudonggongkai", "主动公开"), ("le", "了"), ("duoshaotiao", "多少条")]),
        ("initials", [("zdgk", "主动公开"), ("l", "了"), ("ds", "多少"), ("t", "条")]),
        ("z-zh mixed", [("zudonggongkai", "主动公开"), ("le", "了"), ("duosaotiao", "多少条")]),
    ],
)
def test_type_a_question_by_touch_and_get_the_answer(
    browser: Browser, kiosk: Server, style: str, steps: list[tuple[str, str]]
) -> None:
    page = open_ask(browser, kiosk)
    keyboard = page.locator(".kiosk-keyboard")
    assert keyboard.is_visible()  # the question box is focused on arrival
    assert page.evaluate("document.activeElement.id") == "kiosk-q"
    type_question(page, steps)
    assert field(page) == QUESTION
    assert page.inner_text(".kiosk-js-composition") == ""
    assert page.evaluate("document.activeElement.id") == "kiosk-q"  # focus never left
    learned = json.loads(page.evaluate("sessionStorage.getItem('kiosk-ime-learned')"))
    assert "主动公开" in learned
    screenshot(page, f"kiosk-keyboard-{style.replace(' ', '-')}")
    page.click('.kiosk-keyboard__key[data-action="enter"]')
    page.wait_for_url("**/ask?q=*")
    answer = page.locator(".kiosk-answer__text")
    assert "429条" in answer.inner_text()
    assert page.errors == []  # type: ignore[attr-defined]
    page.context.close()


#: What the candidate bar shows before it has candidates (its ::before).
HINT = "getComputedStyle(document.querySelector('.kiosk-js-candidates'), '::before').content"


def test_choosing_part_keeps_composing_the_rest(browser: Browser, kiosk: Server) -> None:
    page = open_ask(browser, kiosk)
    # Before a letter, the bar says what it is for (not an empty band).
    assert "按字母键输入拼音" in page.evaluate(HINT)
    tap_letters(page, "zhudonggongkai")
    choose(page, "主动")
    assert page.inner_text(".kiosk-js-composition") == "gongkai"
    choose(page, "公开")
    assert field(page) == "主动公开"
    # 删除 takes a letter of the composition first, then a character of the field.
    tap_letters(page, "xi'an")
    page.click('.kiosk-keyboard__key[data-action="delete"]')
    assert page.inner_text(".kiosk-js-composition").startswith("xi'a")
    for _ in range(4):
        page.click('.kiosk-keyboard__key[data-action="delete"]')
    page.click('.kiosk-keyboard__key[data-action="delete"]')
    assert field(page) == "主动公"
    # 123: digits and punctuation go straight in; 中/英 types letters as they are.
    page.click('.kiosk-keyboard__key[data-action="layer"][data-value="digits"]')
    page.click('.kiosk-keyboard__key[data-value="4"]')
    page.click('.kiosk-keyboard__key[data-value="？"]')
    page.click('.kiosk-keyboard__key[data-action="layer"][data-value="letters"]')
    page.click(".kiosk-js-mode")
    tap_letters(page, "ok")
    assert field(page) == "主动公4？ok"
    assert page.get_attribute(".kiosk-js-mode", "aria-pressed") == "true"
    assert page.evaluate(HINT) == "none"  # English letters: no pinyin, no hint
    page.click('.kiosk-keyboard__key[data-action="clear"]')
    assert field(page) == ""
    # 收起 hides it; touching the field brings it back.
    page.click('.kiosk-keyboard__key[data-action="hide"]')
    assert not page.locator(".kiosk-keyboard").is_visible()
    page.click("#kiosk-q")
    assert page.locator(".kiosk-keyboard").is_visible()
    page.context.close()


def test_keypad_arrows_and_enter(browser: Browser, kiosk: Server) -> None:
    page = open_ask(browser, kiosk)
    page.keyboard.press("ArrowDown")  # the first key: q
    current = ".kiosk-keyboard--current"
    assert page.inner_text(current) == "q"
    page.keyboard.press("ArrowDown")
    assert page.inner_text(current) == "a"
    page.keyboard.press("ArrowRight")
    assert page.inner_text(current) == "s"
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # h
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowRight")  # u (above h is y; right of y is u)
    assert page.inner_text(current) == "u"
    page.keyboard.press("Enter")
    assert page.inner_text(".kiosk-js-composition") == "shu"
    # Up from the keys reaches the candidates; Enter chooses one.
    wait_for(page, READY)
    for _ in range(4):
        page.keyboard.press("ArrowUp")
    assert page.locator(f"{current}.kiosk-keyboard__candidate").count() == 1
    chosen = page.inner_text(current)
    page.keyboard.press("Enter")
    assert field(page) == chosen
    assert page.evaluate("document.activeElement.id") == "kiosk-q"
    # A hardware keyboard composes too.
    # 空格 pressed before the candidates arrive still takes the first one, once
    # they come (the bar may still show the previous composition's).
    page.keyboard.type("dianhua")
    page.keyboard.press(" ")
    wait_for(page, f"document.getElementById('kiosk-q').value === {chosen + '电话'!r}")
    assert page.inner_text(".kiosk-js-composition") == ""
    page.keyboard.press("Escape")
    assert not page.locator(".kiosk-keyboard").is_visible()
    page.context.close()


def test_the_keys_with_the_guide_on(browser: Browser, kiosk: Server) -> None:
    """语音导览 and the keyboard: G turns the guide on although the question box has
    the focus on arrival; one touch of a key speaks its name, a second presses it."""
    page = new_page(browser, KIOSK, has_touch=True)
    goto(page, kiosk.url + "/ask")
    assert page.evaluate("document.activeElement.id") == "kiosk-q"
    page.keyboard.press("g")
    wait_said(page, "语音导览已打开")
    composition = ".kiosk-js-composition"
    assert field(page) == "" and page.inner_text(composition) == ""  # G was not typed
    finger = Finger(page)
    z = '.kiosk-keyboard__key[data-value="z"]'
    finger.tap(z)
    assert wait_said(page, "z，按钮").startswith("z，按钮。")
    assert page.inner_text(composition) == ""  # one touch speaks, types nothing
    finger.tap(z)
    wait_for(page, "document.querySelector('.kiosk-js-composition').textContent === 'z'")
    for letters in "dgk":
        key = f'.kiosk-keyboard__key[data-value="{letters}"]'
        finger.tap(key)
        wait_said(page, f"{letters}，按钮")
        finger.tap(key)
    wait_for(page, READY)
    assert page.inner_text(composition) == "zdgk"
    finger.tap(CANDIDATE)
    word = page.inner_text(CANDIDATE)
    assert wait_said(page, word).startswith(f"{word}，按钮。")
    finger.tap(CANDIDATE)
    wait_for(page, f"document.getElementById('kiosk-q').value === {word!r}")
    finger.tap('.kiosk-keyboard__key[data-action="delete"]')
    assert wait_said(page, "删除").startswith("删除，按钮。")
    assert "g" not in field(page) and len(said(page)) >= 6
    assert page.errors == []  # type: ignore[attr-defined]
    page.context.close()


def test_search_opens_with_the_keyboard(browser: Browser, kiosk: Server) -> None:
    page = new_page(browser, KIOSK)
    goto(page, kiosk.url + "/search")
    assert page.locator(".kiosk-keyboard").is_visible()
    assert page.inner_text('.kiosk-keyboard__key[data-action="enter"]') == "搜索"
    type_question(page, [("gongkai", "公开")])
    page.click('.kiosk-keyboard__key[data-action="enter"]')
    page.wait_for_url("**/search?q=*")
    assert page.locator(".kiosk-result").count() > 0
    page.context.close()


def test_the_chips_stay_above_the_keyboard(browser: Browser, kiosk: Server) -> None:
    page = open_ask(browser, kiosk)
    top = page.evaluate("document.querySelector('.kiosk-keyboard').getBoundingClientRect().top")
    chips = page.locator(".kiosk-suggestions .kiosk-chip")
    assert chips.count() > 0
    page.evaluate("document.querySelector('.kiosk-suggestions').scrollIntoView({block: 'end'})")
    last = chips.nth(chips.count() - 1).bounding_box()
    assert last is not None and last["y"] + last["height"] <= top
    chips.first.click()  # still reachable by touch
    page.wait_for_url("**/ask?q=*")
    page.context.close()


def test_never_on_phones(browser: Browser, phone_server: Server) -> None:
    page = new_page(browser, PHONE)
    goto(page, phone_server.url + "/ask")
    assert page.locator(".kiosk-keyboard").count() == 0
    assert page.get_attribute("#kiosk-q", "inputmode") is None
    page.context.close()


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_keyboard_axe_contrast_and_targets(browser: Browser, kiosk: Server, scheme: str) -> None:
    page = _page_with_scheme(browser, kiosk, KIOSK, scheme)
    goto(page, kiosk.url + "/ask")
    tap_letters(page, "zhu")
    wait_for(page, READY)
    for layer in ("letters", "digits"):
        if layer == "digits":
            page.click('.kiosk-keyboard__key[data-action="layer"][data-value="digits"]')
        assert run_axe(page, ".kiosk-keyboard") == [], f"{scheme} {layer}"
        contrast = page.evaluate(CONTRAST_JS)
        assert contrast["bad"] == [], f"{scheme} {layer}"
        assert page.evaluate(TARGETS_JS, 60) == [], f"{scheme} {layer}"
        sizes = page.evaluate(
            """() => [...document.querySelectorAll('.kiosk-keyboard button')]
                 .filter(b => b.offsetParent && !b.closest('[hidden]'))
                 .map(b => { const r = b.getBoundingClientRect();
                             return {w: r.width, h: r.height, x: r.left, y: r.top,
                                     font: parseFloat(getComputedStyle(b).fontSize)}; })"""
        )
        assert all(s["w"] >= 60 and s["h"] >= 60 and s["font"] >= 28 for s in sizes)
        rows: dict[int, list[dict[str, float]]] = {}
        for s in sizes:
            rows.setdefault(round(s["y"]), []).append(s)
        for row in rows.values():
            row.sort(key=lambda s: s["x"])
            gaps = [b["x"] - (a["x"] + a["w"]) for a, b in zip(row, row[1:], strict=False)]
            assert all(g >= 7.9 for g in gaps), gaps
    # A pressed key is drawn differently: the keypad's Enter shows it too.
    key = '.kiosk-keyboard__key[data-value="5"]'
    before = page.eval_on_selector(key, "b => getComputedStyle(b).backgroundColor")
    page.eval_on_selector(key, "b => b.classList.add('kiosk-keyboard--pressed')")
    after = page.eval_on_selector(key, "b => getComputedStyle(b).backgroundColor")
    assert before != after
    assert page.errors == []  # type: ignore[attr-defined]
    page.context.close()


def test_learned_words_come_first_until_the_idle_reset(
    browser: Browser, serve: Callable[..., Server]
) -> None:
    server = serve(KIOSK_KIOSK_MODE="1", KIOSK_IDLE_TIMEOUT="4", KIOSK_IDLE_COUNTDOWN="2")
    wait_for_ime(server)
    page = open_ask(browser, server)
    tap_letters(page, "zhu")
    wait_for(page, READY)
    default_first = page.inner_text(CANDIDATE)
    other = page.locator(CANDIDATE).nth(3).inner_text()
    assert other != default_first
    choose(page, other)
    tap_letters(page, "zhu")
    wait_for(page, f"document.querySelector('{CANDIDATE}')?.textContent === '{other}'")
    assert field(page) == other
    # The idle reset: back to the start screen with nothing of this visitor kept.
    page.wait_for_url(server.url + "/", timeout=15000)
    wait_for(page, PAGE_READY)
    assert page.evaluate("sessionStorage.length") == 0
    goto(page, server.url + "/ask")
    assert field(page) == "" and page.inner_text(".kiosk-js-composition") == ""
    tap_letters(page, "zhu")
    wait_for(page, READY)
    assert page.inner_text(CANDIDATE) == default_first
    page.context.close()
