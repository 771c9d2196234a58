"""说出问题 end to end, as a visitor meets it: from the tap that ends a recording to
the text in the question box, in Chromium on the kiosk page.

Each question of :data:`bench.asr.LONG_QUESTIONS` (about five seconds of speech) is
said by the natural voice (eSpeak NG when it is not installed), resampled to the
16 kHz WAV Chromium plays as its fake microphone, recorded for its length and a second
of the silence after it, and sent as the page sends it (WebM/Opus, over HTTP, to the recogniser's worker). The first
recording only starts the worker and is not counted. ``python -m bench.voice_ask
[ROUNDS]`` runs it alone; ``make bench`` runs one round.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import wave
from collections.abc import Callable
from pathlib import Path

from bench.asr import LONG_QUESTIONS, _voices
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


def run(tmp: Path, row: Row, rounds: int = 1, verbose: bool = False) -> None:
    from playwright.sync_api import sync_playwright

    from kiosk.prefs import COOKIE
    from tests.browser.conftest import KIOSK, goto, wait_for, with_microphone
    from tests.servers import start_server, stop_server

    print("说出问题 end to end (Chromium, fake microphone, kiosk page)")
    if models.locate("whisper-base") is None:
        row("voice question, tap to text", f"skipped: {models.problem('whisper-base')}")
        return
    label, speak, close = _voices(tmp)[0]
    try:
        clips = [
            (_microphone_wav(speak(q), tmp / f"q{i}.wav"), tmp / f"q{i}.wav")
            for i, q in enumerate(LONG_QUESTIONS)
        ]
    finally:
        close()
    server = start_server(tmp / "server", KIOSK_KIOSK_MODE="1", KIOSK_IDLE_TIMEOUT="600")
    times: list[float] = []
    server_ms: list[float] = []
    recognise_ms: list[float] = []
    try:
        with sync_playwright() as p:
            for k in range(rounds):
                for i, (seconds, wav) in enumerate(clips):
                    browser = with_microphone(p, wav)
                    try:
                        page = browser.new_context(viewport=KIOSK).new_page()
                        page.context.add_cookies(
                            [{"name": COOKIE, "value": "5.default.20.1.zh-CN", "url": server.url}]
                        )
                        goto(page, server.url + "/ask")
                        wait_for(page, "!document.querySelector('.kiosk-voice').hidden")
                        page.click(".kiosk-js-voice")
                        pressed = "document.querySelector('.kiosk-js-voice')"
                        wait_for(page, f"{pressed}.getAttribute('aria-pressed') === 'true'")
                        page.wait_for_timeout(int((seconds + _AFTER / 2) * 1000))
                        took = float(page.evaluate(_STOP_AND_WAIT))
                        if k == 0 and i == 0:
                            continue  # the worker's start (model load), not a question's
                        if took >= 0:
                            times.append(took / 1000)
                        stages = page.evaluate(_SERVER_TIMING)
                        if took >= 0 and stages:
                            server_ms.append(stages.get("total", 0.0))
                            recognise_ms.append(stages.get("recognise", 0.0))
                        if verbose:
                            heard = page.input_value("#kiosk-q")
                            where = ", ".join(f"{k} {v:.0f}" for k, v in stages.items())
                            print(
                                f"    {took / 1000:.2f} s (server ms: {where})"
                                f" {LONG_QUESTIONS[i]} → {heard}"
                            )
                    finally:
                        browser.close()
    finally:
        stop_server(server)
    if not times:
        row("voice question, tap to text", "no text came back")
        return
    p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else times[0]
    lengths = [s for s, _ in clips]
    row(
        f"voice question, tap to text, p50 / p95 ({label}, {len(times)} of"
        f" {min(lengths):.1f}–{max(lengths):.1f} s)",
        f"{statistics.median(times):.2f} / {p95:.2f} s",
    )
    if server_ms:
        row(
            "  of which on the server, median: all / Whisper (Server-Timing)",
            f"{statistics.median(server_ms) / 1000:.2f} / {statistics.median(recognise_ms) / 1000:.2f} s",
        )


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        report = lambda name, value: print(f"  {name:<70} {value}", flush=True)  # noqa: E731
        run(Path(folder), report, int(sys.argv[1]) if len(sys.argv) > 1 else 2, verbose=True)
