"""说出问题 end to end, as a visitor meets it, in Chromium on the kiosk page: from the
tap that ends a recording to the text in the question box, and the answer that text
gets.

The seed report's 20 evaluation questions (as :mod:`bench.asr` asks them) and
:data:`bench.asr.LONG_QUESTIONS` (about five seconds of speech each) are said by the
natural voice (eSpeak NG when it is not installed), resampled to the 16 kHz WAV
Chromium plays as its fake microphone, recorded for their length and a second of the
silence after them, and sent as the page sends them (WebM/Opus, over HTTP, to the
recogniser's worker). A question is "answered as if typed" when asking what landed in
the box (/ask, as the form does) shows the same answer as asking the typed question.
The first recording's time (it may wait for the model) is not counted.
``python -m bench.voice_ask [ROUNDS]`` runs it alone; ``make bench`` runs one round.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import wave
from collections.abc import Callable
from pathlib import Path

from bench.asr import _p95, _voices, spoken_questions
from kiosk import models

Row = Callable[[str, str], None]
#: Ends the recording and waits for the text: ms from the tap to a filled box.
_STOP_AND_WAIT = """async () => {
  const box = document.getElementById('kiosk-q');
  box.value = '';
  const start = performance.now();
  document.querySelector('.kiosk-js-voice').click();
  while (!box.value) {
    if (performance.now() - start > 60000) return -1;
    await new Promise(r => setTimeout(r, 5));
  }
  return performance.now() - start;
}"""


#: The last /api/asr request's Server-Timing: stage → milliseconds.
_SERVER_TIMING = """() => {
  const entries = performance.getEntriesByType('resource').filter(e => e.name.includes('/api/asr'));
  const last = entries[entries.length - 1];
  return last ? Object.fromEntries(last.serverTiming.map(t => [t.name, t.duration])) : {};
}"""


#: Silence after each question in the microphone's file (Chromium plays it in a loop):
#: the visitor stops talking, then taps.
_AFTER = 2.0


def _microphone_wav(audio: bytes, path: Path) -> float:
    """``audio`` (a WAV) as 16 kHz mono PCM at ``path`` with :data:`_AFTER` seconds of
    silence after it; returns the length of the speech in seconds."""
    raw = path.with_suffix(".said.wav")
    raw.write_bytes(audio)
    subprocess.run(
        ["sox", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(path), "pad", "0", str(_AFTER)],
        check=True,
    )
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate() - _AFTER


#: The answer a question gets on /ask: the link to its sentence, or "" for none.
_ANSWER = """() => {
  const a = document.querySelector('.kiosk-answer:not(.kiosk-answer--none) .kiosk-answer__actions a[href]');
  return a ? a.getAttribute('href') : '';
}"""


def run(tmp: Path, row: Row, rounds: int = 1, verbose: bool = False) -> None:
    from urllib.parse import quote

    from playwright.sync_api import sync_playwright

    from kiosk.prefs import COOKIE
    from tests.browser.conftest import KIOSK, goto, launch, wait_for, with_microphone
    from tests.servers import start_server, stop_server

    print("说出问题 end to end (Chromium, fake microphone, kiosk page)")
    if models.locate("whisper-base") is None:
        row("voice question, tap to text", f"skipped: {models.problem('whisper-base')}")
        return
    questions = spoken_questions()
    label, speak, close = _voices(tmp)[0]
    try:
        clips = [
            (_microphone_wav(speak(q), tmp / f"q{i}.wav"), tmp / f"q{i}.wav")
            for i, q in enumerate(questions)
        ]
    finally:
        close()
    server = start_server(tmp / "server", KIOSK_KIOSK_MODE="1", KIOSK_IDLE_TIMEOUT="600")
    cookie = [{"name": COOKIE, "value": "5.default.20.1.zh-CN", "url": server.url}]
    times: list[tuple[float, float]] = []  # (seconds of speech, tap to text)
    server_ms: list[float] = []
    recognise_ms: list[float] = []
    same = 0
    try:
        with sync_playwright() as p:
            plain = launch(p)
            page = plain.new_context(viewport=KIOSK).new_page()
            page.context.add_cookies(cookie)  # type: ignore[arg-type]
            typed = []
            for q in questions:
                goto(page, f"{server.url}/ask?q={quote(q)}")
                typed.append(page.evaluate(_ANSWER))
            plain.close()
            for k in range(rounds):
                for i, (seconds, wav) in enumerate(clips):
                    browser = with_microphone(p, wav)
                    try:
                        page = browser.new_context(viewport=KIOSK).new_page()
                        page.context.add_cookies(cookie)  # type: ignore[arg-type]
                        goto(page, server.url + "/ask")
                        wait_for(page, "!document.querySelector('.kiosk-voice').hidden")
                        page.click(".kiosk-js-voice")
                        pressed = "document.querySelector('.kiosk-js-voice')"
                        wait_for(page, f"{pressed}.getAttribute('aria-pressed') === 'true'")
                        page.wait_for_timeout(int((seconds + _AFTER / 2) * 1000))
                        took = float(page.evaluate(_STOP_AND_WAIT))
                        stages = page.evaluate(_SERVER_TIMING)
                        heard = page.input_value("#kiosk-q")
                        answered = False
                        if k == 0:  # what the visitor gets by asking it (the form's GET)
                            goto(page, f"{server.url}/ask?q={quote(heard)}")
                            answered = bool(typed[i]) and page.evaluate(_ANSWER) == typed[i]
                            same += answered
                        if took >= 0 and not (k == 0 and i == 0):  # not the model's load
                            times.append((seconds, took / 1000))
                            if stages:
                                server_ms.append(stages.get("total", 0.0))
                                recognise_ms.append(stages.get("recognise", 0.0))
                        if verbose:
                            where = ", ".join(f"{name} {ms:.0f}" for name, ms in stages.items())
                            print(
                                f"    {'✓' if answered else '✗'} {took / 1000:.2f} s"
                                f" ({seconds:.1f} s; server ms: {where})"
                                f" {questions[i]} → {heard}"
                            )
                    finally:
                        browser.close()
    finally:
        stop_server(server)
    if not times:
        row("voice question, tap to text", "no text came back")
        return
    for name, chosen in (
        ("questions of 4 s or more", [t for s, t in times if s >= 4.0]),
        ("every question", [t for _, t in times]),
    ):
        if chosen:
            row(
                f"voice question, tap to text, p50 / p95 ({label}, {name}, {len(chosen)})",
                f"{statistics.median(chosen):.2f} / {_p95(chosen):.2f} s",
            )
    if server_ms:
        row(
            "  of which on the server, median: all / Whisper (Server-Timing)",
            f"{statistics.median(server_ms) / 1000:.2f} / {statistics.median(recognise_ms) / 1000:.2f} s",
        )
    row(
        f"voice questions answered as if typed, in Chromium ({label}, {len(questions)})",
        f"{same / len(questions):.0%}",
    )


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        report = lambda name, value: print(f"  {name:<70} {value}", flush=True)  # noqa: E731
        run(Path(folder), report, int(sys.argv[1]) if len(sys.argv) > 1 else 2, verbose=True)
