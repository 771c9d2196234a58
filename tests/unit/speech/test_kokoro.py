"""The natural voice (Kokoro-82M) and the fallback to eSpeak NG.

Tests with real Kokoro are few and share one app over the natural voice, and so one
Kokoro worker process (its start loads the model and jieba: seconds of CPU); the
fallback and long-text tests use eSpeak NG, which is fast.
"""

from __future__ import annotations

import shutil
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from starlette.testclient import TestClient

from kiosk import guide, models
from kiosk.app import create_app
from kiosk.config import Settings
from kiosk.content.parse import parse_report
from kiosk.speech.engine import (
    DEFAULT_GENDER,
    KOKORO_DEFAULT_VOICES,
    AutoEngine,
    KokoroEngine,
    Pyttsx3Engine,
    create_engine,
    wav_duration,
    wav_rms,
)
from kiosk.speech.kokoro import LEAD_S, TRAIL_S, phonemes, split_tokens, trim_silence
from kiosk.speech.service import SpeechService
from tests.conftest import CONTENT, settings_over

# The natural voice or the recogniser runs here: make test runs these, make check does not.
pytestmark = pytest.mark.neural

ROOT = Path(__file__).resolve().parents[3]
MODELS = ROOT / ".cache" / "models"
SLUG = "kundulun-2013-report"
SENTENCE = "政务公开、政务服务工作取得了新进展。"


@pytest.fixture(scope="module")
def natural_app(
    tmp_path_factory: pytest.TempPathFactory, lexicon_cache: Path
) -> Iterator[TestClient]:
    """A kiosk-mode app reading with "auto" (the natural voice for Mandarin); kiosk
    mode builds the 拼音 lexicon at start-up, from the session's base."""
    folder = models.locate("kokoro", MODELS)
    assert folder is not None, f"{models.problem('kokoro', MODELS)} (make test installs it)"
    tmp = tmp_path_factory.mktemp("natural")
    shutil.copytree(CONTENT, tmp / "content")
    settings = settings_over(
        tmp / "content",
        tmp / "cache",
        speech_engine="auto",
        models_dir=str(MODELS),
        kiosk_mode=True,
    )
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture
def natural(natural_app: TestClient) -> TestClient:
    """The shared app's client, without the cookies an earlier test set."""
    natural_app.cookies.clear()
    return natural_app


@pytest.fixture(scope="module")
def kokoro(natural_app: TestClient) -> KokoroEngine:
    """The app's own Kokoro engine (one worker for the module)."""
    engine = natural_app.app.state.services.speech.engine  # type: ignore[attr-defined]
    assert isinstance(engine, AutoEngine) and engine.kokoro is not None, engine.fallback_reason
    return engine.kokoro


def _settings(settings: Settings, **extra: object) -> Settings:
    return settings.replace(**extra)


def test_front_end_reads_zero_and_applies_tone_sandhi() -> None:
    assert phonemes("二〇一三年") == phonemes("二零一三年")  # misaki alone drops 〇
    assert "li↗ŋ" in phonemes("二〇一三年")
    assert phonemes("你好").startswith("ni↗")  # 3-3 sandhi: ni2 hao3
    assert "pu↗ʂɨ↘" in phonemes("不是")  # 不 before a fourth tone
    assert phonemes("  ") == ""


def test_a_syllable_without_an_initial_is_not_run_into_a_final_n() -> None:
    # 进一步 said as jin ni bu, 满意 as mai yi (the recogniser heard 尽尽不, 买一)
    assert "ʨi↘n i↗pu↘" in phonemes("二、进一步扩大公开范围。")
    assert "ma↓n i↘" in phonemes("群众满意度进一步提升。")
    assert "kwa→n y↗" in phonemes("关于印发政务公开工作要点的通知")
    assert "kʊ→ŋa→n" in phonemes("公安")  # -ng is never an initial: nothing to keep apart
    assert "ɕi↘nɕi→" in phonemes("信息")


def test_token_runs_stay_within_the_model_limit() -> None:
    ids = ([5] * 30 + [3]) * 40  # 1,240 tokens, a clause mark (3) every 31
    runs = split_tokens(ids, {3}, 510)
    assert [t for run in runs for t in run] == ids
    assert all(len(run) <= 510 and run[-1] == 3 for run in runs)
    assert split_tokens([7] * 1100, {3}, 510) == [[7] * 510, [7] * 510, [7] * 80]


def test_kokoro_speaks_mandarin(kokoro: KokoroEngine, tmp_path: Path) -> None:
    from bench.recognise import cer, transcribe

    out = tmp_path / "zh.wav"
    seconds = kokoro.synthesize(SENTENCE, KOKORO_DEFAULT_VOICES["female"], 160, out, timeout=120)
    with wave.open(str(out)) as w:
        assert (w.getframerate(), w.getsampwidth(), w.getnchannels()) == (24000, 2, 1)
    assert 1.5 < seconds < 10 and seconds == pytest.approx(wav_duration(out))
    assert wav_rms(out) > 0.02
    heard = transcribe(out)
    assert cer(SENTENCE, heard) < 0.3, heard  # eSpeak NG scores 0.8-0.9 here
    # No dead air around it (the model's own: 0.4 s before, 1.0 s after).
    with wave.open(str(out)) as w:
        pcm = np.frombuffer(w.readframes(w.getnframes()), "<i2") / 32768
    loud = np.flatnonzero(np.abs(pcm) > 0.01)
    assert loud[0] / 24000 < 0.1 and (len(pcm) - loud[-1]) / 24000 < 0.4


def test_trim_silence_keeps_the_speech_and_a_pause() -> None:
    rate = 24000
    speech = np.sin(np.arange(rate) / 5) * 0.5  # one second of "speech"
    padded = np.concatenate([np.zeros(rate // 2), speech, np.zeros(rate)])
    trimmed = trim_silence(padded)
    assert len(trimmed) == pytest.approx(len(speech) + (LEAD_S + TRAIL_S) * rate, abs=10)
    assert np.abs(trimmed).max() == np.abs(speech).max()
    assert len(trim_silence(np.zeros(100))) == 100  # silence only: left alone


def test_speed_is_the_engines_own(kokoro: KokoroEngine, tmp_path: Path) -> None:
    voice = KOKORO_DEFAULT_VOICES["male"]
    slow = kokoro.synthesize("政务公开。", voice, 120, tmp_path / "slow.wav", timeout=120)
    fast = kokoro.synthesize("政务公开。", voice, 210, tmp_path / "fast.wav", timeout=120)
    with wave.open(str(tmp_path / "slow.wav")) as w:
        assert w.getframerate() == 24000  # not resampled
    assert slow > 1.4 * fast


def test_auto_picks_kokoro_for_chinese_and_espeak_for_english(natural: TestClient) -> None:
    client = natural
    app = client.app
    default = client.get(f"/reports/{SLUG}/speech.json").json()
    female = client.get(f"/reports/{SLUG}/speech.json?voice=female").json()
    male = client.get(f"/reports/{SLUG}/speech.json?voice=male").json()
    health = client.get("/-/health").json()["speech"]
    assert (female["speaker"], female["voice"]) == ("kokoro", KOKORO_DEFAULT_VOICES["female"])
    assert (male["speaker"], male["voice"]) == ("kokoro", KOKORO_DEFAULT_VOICES["male"])
    assert default["voice"] == KOKORO_DEFAULT_VOICES[DEFAULT_GENDER]
    other = "female" if DEFAULT_GENDER == "male" else "male"
    chosen = {"female": female, "male": male}[other]
    assert chosen["sentences"][0]["audio"]["mp3"].endswith(f"&voice={other}")  # in the URL
    assert female["sentences"][0]["audio"]["wav"] != male["sentences"][0]["audio"]["wav"]
    assert health["fallback"] is None and health["voices"]["male"] == "zm_yunjian"
    assert app.state.services.speech.voice("en", "male") == "gmw/en"  # type: ignore[attr-defined]


@pytest.mark.parametrize("damage", ["remove", "corrupt"])
def test_without_the_model_reading_falls_back_to_espeak(
    settings: Settings, tmp_path: Path, damage: str
) -> None:
    root = tmp_path / "models"
    root.mkdir()
    if damage == "corrupt":
        copy = root / "kokoro"
        shutil.copytree(MODELS / "kokoro", copy)
        with open(copy / "kokoro-v1.0.int8.onnx", "r+b") as f:
            f.seek(4096)
            f.write(b"\0" * 16)
    app = create_app(_settings(settings, speech_engine="auto", models_dir=str(root)))
    with TestClient(app) as client:
        health = client.get("/-/health").json()
        data = client.get(f"/reports/{SLUG}/speech.json").json()
        audio = client.get(data["sentences"][0]["audio"]["wav"])
    why = health["speech"]["fallback"]
    expected = "not installed" if damage == "remove" else "does not match its pinned SHA-256"
    assert expected in why
    assert health["status"] == "degraded" and any(expected in w for w in health["warnings"])
    assert (data["speaker"], data["voice"]) == ("pyttsx3", "sit/cmn-latn-pinyin")
    assert audio.status_code == 200 and audio.headers["x-speech-engine"] == "pyttsx3"
    assert len(audio.content) > 44_100  # real eSpeak audio: reading still works


def test_a_huge_sentence_is_spoken_in_pieces_without_restarts(tmp_path: Path) -> None:
    text = "政务公开工作取得了新进展" * 250 + "。"  # 3,001 characters, no clause mark
    report = parse_report("huge", f"---\ntitle: 长句\nlanguage: zh-CN\n---\n\n{text}\n")[0]
    assert report is not None
    engine = create_engine("pyttsx3")
    assert isinstance(engine, Pyttsx3Engine)
    service = SpeechService(engine, tmp_path / "cache", timeout=20)
    try:
        utt = service.utterances(report)[0]
        wav = service.synthesize(utt)
        pid = engine.worker_pid
        assert wav_duration(wav) > 200 and wav_rms(wav) > 0.01
        assert service.synthesize(utt) == wav and engine.worker_pid == pid
        assert not [p for p in wav.parent.iterdir() if p.name.startswith(".")]  # pieces gone
    finally:
        service.close()


def test_toolbar_speaks_in_the_readers_voice(natural: TestClient) -> None:
    from kiosk.prefs import COOKIE, Prefs

    client = natural
    assert client.post("/api/speak", json={"text": "你好", "voice": "robot"}).status_code == 422
    client.cookies.set(COOKIE, Prefs(voice="female").encode())
    response = client.post("/api/speak?format=wav", json={"text": "你好。", "lang": "zh-CN"})
    assert response.status_code == 200, response.text
    assert response.headers["x-speech-engine"] == "kokoro"
    assert response.headers["x-speech-voice"] == KOKORO_DEFAULT_VOICES["female"]
    speech = client.app.state.services.speech  # type: ignore[attr-defined]
    english = speech.adhoc("Hello.", "en", "normal", "female")
    assert (english.engine, english.voice) == ("pyttsx3", "gmw/en")


def test_guide_prompts_speak_in_the_visitors_voice(natural: TestClient) -> None:
    from kiosk.prefs import COOKIE, Prefs

    client = natural
    speech = client.app.state.services.speech  # type: ignore[attr-defined]
    made = {}
    for gender in ("female", "male"):
        client.cookies.set(COOKIE, Prefs(voice=gender).encode())
        response = client.get("/guide/prompt.wav", params={"lang": "zh-CN", "text": "帮助"})
        assert response.status_code == 200, response.text
        assert response.headers["vary"] == "Cookie"  # one browser copy per voice
        path = speech.cached(guide.prompt(speech, "帮助", "zh-CN", gender))
        assert path is not None and path.read_bytes() == response.content
        made[gender] = response.content
    assert made["female"] != made["male"]
