"""说出问题 in Chromium with a synthesised WAV as the microphone (fake capture device)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright

from tests.browser.conftest import (
    KIOSK,
    Server,
    goto,
    new_page,
    run_axe,
    screenshot,
    wait_for,
    with_microphone,
)
from tests.browser.test_reader import TARGETS_JS
from tests.unit.asr.test_worker import silence


def _wav16k(text: str, path: Path) -> Path:
    """Our speech engine's Mandarin voice (eSpeak NG), as 16 kHz mono PCM."""
    raw = path.with_suffix(".raw.wav")
    subprocess.run(["espeak-ng", "-v", "cmn-latn-pinyin", "-w", str(raw), text], check=True)
    subprocess.run(["sox", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(path)], check=True)
    return path


@pytest.fixture
def microphone(playwright: Playwright, request: pytest.FixtureRequest) -> Iterator[Browser]:
    browser = with_microphone(playwright, request.param)
    yield browser
    browser.close()


def _files(tmp: Path) -> dict[str, Path]:
    tmp.mkdir(parents=True, exist_ok=True)
    quiet = tmp / "silence.wav"
    quiet.write_bytes(silence(4.0))
    return {"question": _wav16k("主动公开了多少条", tmp / "question.wav"), "silence": quiet}


# Made at collection, which every pytest-xdist worker does: a folder per worker, so
# that workers never write the same file at once (sox read a half-written one).
FILES = _files(
    Path(__file__).resolve().parents[2]
    / "test-output"
    / "voice-wavs"
    / os.environ.get("PYTEST_XDIST_WORKER", "main")
)


def _record(page, seconds: int, sound: bool) -> None:  # type: ignore[no-untyped-def]
    page.click(".kiosk-js-voice")
    wait_for(
        page, "document.querySelector('.kiosk-js-voice').getAttribute('aria-pressed') === 'true'"
    )
    wait_for(page, "document.querySelector('.kiosk-js-voice-status').textContent.includes('还剩')")
    if sound:  # the level meter moves with the voice
        wait_for(
            page, "parseFloat(document.querySelector('.kiosk-js-voice-level').style.width) > 5"
        )
    page.wait_for_timeout(seconds * 1000)
    page.click(".kiosk-js-voice")


@pytest.mark.parametrize("microphone", [FILES["question"]], indirect=True)
def test_say_a_question(microphone: Browser, kiosk_server: Server) -> None:
    page = microphone.new_context(viewport=KIOSK, bypass_csp=True).new_page()
    goto(page, kiosk_server.url + "/ask")
    wait_for(page, "!document.querySelector('.kiosk-voice').hidden")
    assert page.inner_text(".kiosk-js-voice") == "说出问题"
    assert run_axe(page, ".kiosk-voice") == []
    assert page.evaluate(TARGETS_JS, 60) == []
    _record(page, 3, sound=True)
    # Recognition runs on the server (on a kiosk the worker starts when the page finds the microphone).
    wait_for(page, "document.getElementById('kiosk-q').value.length > 0", timeout=180)
    text = page.input_value("#kiosk-q")
    assert any("\u4e00" <= c <= "\u9fff" for c in text)
    # The text is editable on the keyboard before it is asked.
    assert page.locator(".kiosk-keyboard").is_visible()
    assert page.evaluate("document.activeElement.id") == "kiosk-q"
    screenshot(page, "kiosk-voice-question")
    page.context.close()


@pytest.mark.parametrize("microphone", [FILES["silence"]], indirect=True)
def test_nothing_heard_is_said_and_written(microphone: Browser, kiosk_server: Server) -> None:
    page = microphone.new_context(viewport=KIOSK).new_page()
    spoken: list[str] = []
    page.on(
        "request", lambda r: spoken.append(r.post_data or "") if "/api/speak" in r.url else None
    )
    goto(page, kiosk_server.url + "/ask")
    wait_for(page, "!document.querySelector('.kiosk-voice').hidden")
    _record(page, 2, sound=False)
    wait_for(
        page,
        "document.querySelector('.kiosk-js-voice-status').textContent === '没有听清，请再说一遍'",
        timeout=180,
    )
    assert page.input_value("#kiosk-q") == ""
    page.wait_for_timeout(500)
    assert any("没有听清" in body for body in spoken)
    page.context.close()


def test_without_a_microphone_no_button_and_no_model(
    browser: Browser, kiosk_server: Server
) -> None:
    """The page asks the server only once it has found a microphone: a kiosk without
    one neither shows 说出问题 nor makes the server load the recogniser."""
    page = new_page(browser, KIOSK)
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/api/asr" in r.url else None)
    goto(page, kiosk_server.url + "/ask")
    page.wait_for_timeout(500)  # the module's device check has settled
    assert page.locator(".kiosk-voice").is_hidden()
    assert asked == []
    page.context.close()
