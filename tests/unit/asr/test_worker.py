"""Whisper base in its worker process, on real audio: silence, synthesised speech, noise."""

from __future__ import annotations

import io
import subprocess
import wave
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.evaluate import load_questions
from kiosk import models
from kiosk.asr import (
    AsrError,
    AsrTimeout,
    Recognizer,
    echoes_prompt,
    no_question,
    prompt_for,
    repeats_itself,
)
from kiosk.asr.worker import DECODING, window_frames

# The natural voice or the recogniser runs here: make test runs these, make check does not.
pytestmark = pytest.mark.neural

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def model_dir() -> Path:
    """The model `make test` installed (kiosk models install whisper-base)."""
    root = ROOT / ".cache" / "models"
    found = models.locate("whisper-base", root)
    assert found is not None, models.problem("whisper-base", root)
    return found


@pytest.fixture(scope="module")
def recognizer(model_dir: Path) -> Iterator[Recognizer]:
    r = Recognizer(model_dir, timeout=600)
    yield r
    r.close()


def silence(seconds: float = 2.0) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(b"\0\0" * int(16000 * seconds))
    return out.getvalue()


def spoken(text: str) -> bytes:
    """Mandarin from our speech engine's voice (eSpeak NG), as WAV bytes."""
    run = subprocess.run(
        ["espeak-ng", "-v", "cmn-latn-pinyin", "--stdout", text], capture_output=True, check=True
    )
    return run.stdout


def padded(wav: bytes, before: float, after: float) -> bytes:
    """``wav`` with seconds of silence ``before`` and ``after`` it."""
    with wave.open(io.BytesIO(wav)) as w:
        params, frames = w.getparams(), w.readframes(w.getnframes())
    quiet = b"\0" * params.sampwidth * params.nchannels
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setparams(params)
        rate = params.framerate
        w.writeframes(quiet * int(rate * before) + frames + quiet * int(rate * after))
    return out.getvalue()


def compressed(wav: bytes) -> bytes:
    """MP3 at 32 kbit/s, about the size of the browser's Opus (bodies are ≤ 64 KB)."""
    run = subprocess.run(
        ["lame", "--quiet", "-b", "32", "-", "-"], input=wav, capture_output=True, check=True
    )
    return run.stdout


def test_prompt_names_report_words() -> None:
    prompt = prompt_for(["主动公开", "依申请", "行政复议"] * 100)
    assert prompt.startswith("以下是普通话的句子")
    assert "主动公开、依申请、行政复议等问题" in prompt and prompt.count("主动公开") == 1


def test_an_echo_of_the_prompt_is_no_question() -> None:
    prompt = prompt_for(["多少", "主动公开"])
    assert echoes_prompt("以下是普通话的句子。", prompt)
    assert echoes_prompt("请问政府信息公开年度报告里的多少、主动公开等问题。", prompt)
    assert echoes_prompt("多少、主动公开", prompt)
    assert not echoes_prompt("主动公开了多少条?", prompt)
    assert not echoes_prompt("政府信息公开花钱了吗?", prompt)
    assert not echoes_prompt("多少", prompt)
    assert not echoes_prompt("", prompt)


def test_whisper_repeating_itself_is_no_question() -> None:
    """What Whisper writes over audio it cannot make out (seen in bench.asr on eSpeak
    NG's voice and through Chromium's microphone) is 没有听清, not a question."""
    prompt = prompt_for(["多少", "主动公开"])
    for looped in (
        "金河沙山沙沙沙沙沙沙沙沙沙",
        "f×xxxxxxxxxxxxxxxxxxxxxxxx",
        "由美、由人、人、人、人、人、人、富翼。",
    ):
        assert repeats_itself(looped) and no_question(looped, prompt), looped
    for asked in (
        "人人都要交钱吗?",
        "10000000元是多少?",
        "2011年到2013年分别是多少?",
        "主动公开了多少条?",
        *(q.q for q in load_questions()),
    ):
        assert not repeats_itself(asked) and not no_question(asked, prompt), asked
    assert no_question("", prompt) and no_question("。", prompt)
    assert no_question("以下是普通话的句子。", prompt)


def test_silence_is_no_text(recognizer: Recognizer) -> None:
    assert recognizer.transcribe(silence()) == ""


def test_a_spoken_question(recognizer: Recognizer) -> None:
    text = recognizer.transcribe(spoken("主动公开了多少条"), prompt_for(["主动公开", "多少条"]))
    assert "多少" in text


def test_a_broken_recording_does_not_stop_the_worker(recognizer: Recognizer) -> None:
    recognizer.transcribe(silence(0.5))
    pid = recognizer.worker_pid
    with pytest.raises(AsrError):
        recognizer.transcribe(b"not audio at all")
    assert recognizer.worker_pid == pid
    assert recognizer.transcribe(silence(0.5)) == ""


def test_a_timeout_stops_the_worker_and_the_next_starts_anew(model_dir: Path) -> None:
    r = Recognizer(model_dir, timeout=0.001)
    try:
        r.start()
        first = r.worker_pid
        with pytest.raises(AsrTimeout):
            r.transcribe(spoken("政府信息公开"))
        assert r.worker_pid is None
        r.timeout = 600
        assert r.transcribe(silence(0.5)) == ""
        assert r.worker_pid not in (None, first)
    finally:
        r.close()


def test_each_request_says_how_to_decode(recognizer: Recognizer) -> None:
    """The decoding options travel with each request (bench.asr compares them on one
    worker); an option faster-whisper does not know fails that request, not the worker."""
    assert recognizer.decoding == DECODING
    audio = spoken("主动公开")
    try:
        recognizer.decoding = {"no_such_option": 1}
        with pytest.raises(AsrError, match="no_such_option"):
            recognizer.transcribe(audio)
        recognizer.decoding = {**DECODING, "beam_size": 1}
        assert recognizer.transcribe(audio)
    finally:
        recognizer.decoding = dict(DECODING)
    assert recognizer.transcribe(audio)


def test_the_window_is_the_recording_and_its_padding() -> None:
    assert window_frames(5.0, 8.0) == 1300
    assert window_frames(0.013, 0.0) == 2  # even: the encoder halves it
    assert window_frames(14.99, 8.0) == 2300
    assert window_frames(40.0, 8.0) == 3000  # never more than Whisper's own 30 s
    assert window_frames(5.0, None) == 3000


def test_the_fitted_window_hears_speech_anywhere_in_the_recording(
    recognizer: Recognizer,
) -> None:
    """The encoder sees the recording and 8 s after it, not 30 s: speech at its start,
    after a pause and before a long silence is all heard (python -m bench.asr
    --options compares the windows on 26 questions)."""
    question = spoken("主动公开了多少条")
    for before, after in ((0.0, 0.0), (4.0, 0.0), (0.0, 10.0), (6.0, 6.0)):
        text = recognizer.transcribe(padded(question, before, after), prompt_for(["主动公开"]))
        assert "多少" in text, (before, after, text)
