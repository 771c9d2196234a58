"""Real synthesis through pyttsx3/espeak-ng (no mocks): engine behaviour and robustness."""

from __future__ import annotations

import gc
import hashlib
import os
import signal
import subprocess
import threading
import time
import wave
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from pathlib import Path

import pytest

from kiosk.speech._worker import HOOK_ENV, SLEEP_PREFIX
from kiosk.speech.engine import (
    ENGLISH_VOICE,
    MANDARIN_VOICE,
    EspeakCliEngine,
    Pyttsx3Engine,
    SpeechBusy,
    SpeechEngine,
    SpeechError,
    SpeechTimeout,
    SpeechUnavailable,
    background_jobs,
    create_engine,
    phonemes,
    voice_for,
    wav_duration,
    wav_rms,
)

ZH = "新增公开政府信息四百二十九条。"
ZH_LONG = "本机关按照条例的要求，认真做好政府信息公开工作，新增公开政府信息四百二十九条，累计公开一千零七条。"
EN = "The annual report on government information disclosure."
RMS_FLOOR = 0.02  # speech measured about 0.1; silence is 0.0


def _worker_children() -> list[int]:
    """Pids of speech workers that are children of this test process."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == os.getpid() and b"kiosk.speech._worker" in cmdline:
            found.append(int(entry))
    return found


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.fixture
def engine() -> Iterator[Pyttsx3Engine]:
    eng = Pyttsx3Engine()
    yield eng
    eng.close()
    assert _worker_children() == []


@pytest.fixture
def hooked(monkeypatch: pytest.MonkeyPatch) -> Iterator[Pyttsx3Engine]:
    monkeypatch.setenv(HOOK_ENV, "1")
    eng = Pyttsx3Engine(max_queue=2)
    eng.start()
    yield eng
    eng.close()
    assert _worker_children() == []


def _check_wav(path: Path) -> None:
    with wave.open(str(path), "rb") as w:
        assert (w.getframerate(), w.getsampwidth(), w.getnchannels()) == (22050, 2, 1)


def test_chinese_sentence_gives_audible_wav(
    engine: Pyttsx3Engine, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    short, long = tmp_path / "short.wav", tmp_path / "long.wav"
    d_short = engine.synthesize(ZH, voice_for("zh-CN"), 175, short, timeout=10)
    d_long = engine.synthesize(ZH_LONG, voice_for("zh-CN"), 175, long, timeout=10)
    _check_wav(short)
    assert 0 < d_short < d_long
    assert d_short == pytest.approx(wav_duration(short))
    assert wav_rms(short) > RMS_FLOOR
    assert wav_rms(long) > RMS_FLOOR
    assert [p.name for p in tmp_path.iterdir()] in (
        ["short.wav", "long.wav"],
        ["long.wav", "short.wav"],
    )  # no .part left
    assert capfd.readouterr().out == ""  # pyttsx3's "Audio saved to ..." is swallowed


def test_english_voice(engine: Pyttsx3Engine, tmp_path: Path) -> None:
    out = tmp_path / "en.wav"
    assert voice_for("en-GB") == ENGLISH_VOICE
    assert engine.synthesize(EN, voice_for("en"), 175, out, timeout=10) > 1.0
    assert wav_rms(out) > RMS_FLOOR


def test_voice_for() -> None:
    for tag in ("zh", "zh-CN", "zh_cn", "cmn", "ZH-Hans-CN", "", "fr"):
        assert voice_for(tag) == MANDARIN_VOICE
    for tag in ("en", "en-US", "EN_gb"):
        assert voice_for(tag) == ENGLISH_VOICE


def test_voice_ids_exist_on_this_machine() -> None:
    listing = subprocess.run(
        ["espeak-ng", "--voices"], capture_output=True, text=True, check=True
    ).stdout
    # espeak names the file sit/cmn-Latn-pinyin; pyttsx3 reports ids in lower case.
    files = {r.split()[4].lower() for r in listing.splitlines()[1:] if len(r.split()) > 4}
    assert {MANDARIN_VOICE, ENGLISH_VOICE} <= files


def test_unknown_voice_is_an_error_and_worker_survives(
    engine: Pyttsx3Engine, tmp_path: Path
) -> None:
    engine.start()
    pid = engine.worker_pid
    with pytest.raises(SpeechError, match="unknown voice"):
        engine.synthesize(ZH, "zh", 175, tmp_path / "x.wav", timeout=10)
    assert not (tmp_path / "x.wav").exists()
    assert engine.synthesize(ZH, MANDARIN_VOICE, 175, tmp_path / "y.wav", timeout=10) > 0
    assert engine.synthesize(ZH, "sit/cmn-Latn-pinyin", 175, tmp_path / "z.wav", 10) > 0
    assert engine.worker_pid == pid


def test_bad_arguments(engine: Pyttsx3Engine, tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        engine.synthesize("  ", MANDARIN_VOICE, 175, tmp_path / "x.wav", timeout=10)
    with pytest.raises(ValueError):
        engine.synthesize(ZH, MANDARIN_VOICE, 20, tmp_path / "x.wav", timeout=10)
    with pytest.raises(FileNotFoundError):
        engine.synthesize(ZH, MANDARIN_VOICE, 175, tmp_path / "no" / "x.wav", timeout=10)
    assert engine.worker_pid is None  # rejected before any worker was started


def test_mandarin_phonemes_have_no_english_switch() -> None:
    assert "(en)" not in phonemes("新增公开政府信息", MANDARIN_VOICE)
    # espeak-ng 1.51 bug (fixed in 1.52): plain "cmn" reads hanzi as English pinyin.
    assert "(en)" in phonemes("新增公开政府信息", "cmn")


def test_rate_changes_duration(engine: Pyttsx3Engine, tmp_path: Path) -> None:
    slow = engine.synthesize(ZH_LONG, MANDARIN_VOICE, 120, tmp_path / "slow.wav", timeout=10)
    fast = engine.synthesize(ZH_LONG, MANDARIN_VOICE, 220, tmp_path / "fast.wav", timeout=10)
    again = engine.synthesize(ZH_LONG, MANDARIN_VOICE, 120, tmp_path / "again.wav", timeout=10)
    assert slow > fast * 1.4
    assert again == pytest.approx(slow, rel=0.01)  # the rate does not lag one job behind


def test_concurrent_jobs_are_serialised(engine: Pyttsx3Engine, tmp_path: Path) -> None:
    # 20 different texts (the same text twice may or may not give the same bytes): five lengths,
    # each with four suffixes.
    texts = [ZH * (1 + i % 5) + f"第{'一二三四'[i // 5]}号。" for i in range(20)]
    reference = {
        n: engine.synthesize(ZH * n, MANDARIN_VOICE, 175, tmp_path / f"r{n}.wav", 10)
        for n in range(1, 6)
    }

    def job(i: int) -> float:
        return engine.synthesize(texts[i], MANDARIN_VOICE, 175, tmp_path / f"j{i}.wav", 10)

    with ThreadPoolExecutor(max_workers=4) as pool:
        durations = list(pool.map(job, range(20)))
    digests = set()
    for i, duration in enumerate(durations):
        path = tmp_path / f"j{i}.wav"
        assert duration == pytest.approx(wav_duration(path))
        assert wav_rms(path) > RMS_FLOOR
        base = reference[1 + i % 5]  # same text plus a short suffix
        assert base < duration < base + 2.5
        digests.add(hashlib.sha256(path.read_bytes()).hexdigest())
    assert len(digests) == 20


def test_timeout_kills_and_restarts_worker(hooked: Pyttsx3Engine, tmp_path: Path) -> None:
    old = hooked.worker_pid
    assert old is not None
    start = time.monotonic()
    with pytest.raises(SpeechTimeout):
        hooked.synthesize(SLEEP_PREFIX + ":30", MANDARIN_VOICE, 175, tmp_path / "x.wav", 1.0)
    assert time.monotonic() - start < 2.0
    assert _gone(old)
    assert hooked.synthesize(ZH, MANDARIN_VOICE, 175, tmp_path / "ok.wav", 10) > 0
    assert hooked.worker_pid not in (None, old)


def test_tiny_timeout_then_next_job_succeeds(engine: Pyttsx3Engine, tmp_path: Path) -> None:
    engine.start()
    with pytest.raises(SpeechTimeout):
        engine.synthesize(ZH_LONG * 20, MANDARIN_VOICE, 175, tmp_path / "x.wav", 0.001)
    assert not (tmp_path / "x.wav").exists()
    assert list(tmp_path.iterdir()) == []  # the partial file is removed too
    assert engine.synthesize(ZH, MANDARIN_VOICE, 175, tmp_path / "ok.wav", 10) > 0


def test_sleep_hook_needs_env(engine: Pyttsx3Engine, tmp_path: Path) -> None:
    # Without KIOSK_SPEECH_TEST_HOOKS the marker is just (odd) text.
    assert (
        engine.synthesize(SLEEP_PREFIX + ":30", ENGLISH_VOICE, 175, tmp_path / "x.wav", timeout=5)
        > 0
    )


def test_killed_worker_mid_job(hooked: Pyttsx3Engine, tmp_path: Path) -> None:
    errors: list[BaseException] = []

    def sleeper() -> None:
        try:
            hooked.synthesize(SLEEP_PREFIX + ":30", MANDARIN_VOICE, 175, tmp_path / "s.wav", 20)
        except BaseException as exc:
            errors.append(exc)

    old = hooked.worker_pid
    assert old is not None
    thread = threading.Thread(target=sleeper)
    thread.start()
    time.sleep(0.3)
    os.kill(old, signal.SIGKILL)
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert len(errors) == 1
    assert isinstance(errors[0], SpeechError) and not isinstance(errors[0], SpeechTimeout)
    assert hooked.synthesize(ZH, MANDARIN_VOICE, 175, tmp_path / "ok.wav", 10) > 0
    assert hooked.worker_pid not in (None, old)


def test_killed_idle_worker_restarts_transparently(engine: Pyttsx3Engine, tmp_path: Path) -> None:
    for i in range(5):
        engine.start()
        old = engine.worker_pid
        assert old is not None
        os.kill(old, signal.SIGKILL)  # no pause: the job may still reach the dying worker
        assert engine.synthesize(ZH, MANDARIN_VOICE, 175, tmp_path / f"{i}.wav", 10) > 0
        assert engine.worker_pid not in (None, old)


def test_queue_bound_raises_busy(hooked: Pyttsx3Engine, tmp_path: Path) -> None:
    def sleeper(i: int) -> str:
        try:
            hooked.synthesize(
                SLEEP_PREFIX + ":0.5", MANDARIN_VOICE, 175, tmp_path / f"s{i}.wav", 10
            )
        except SpeechError as exc:
            return str(exc)
        return "finished"

    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = [pool.submit(sleeper, i) for i in range(3)]
        deadline = time.monotonic() + 5
        while hooked.waiting < 2 and time.monotonic() < deadline:
            time.sleep(0.005)
        assert hooked.waiting == 2  # one running, two waiting = max_queue
        start = time.monotonic()
        with pytest.raises(SpeechBusy):
            hooked.synthesize(ZH, MANDARIN_VOICE, 175, tmp_path / "busy.wav", 10)
        assert time.monotonic() - start < 0.1
        assert [f.result() for f in futures] == ["test hook slept"] * 3
    assert hooked.synthesize(ZH, MANDARIN_VOICE, 175, tmp_path / "ok.wav", 10) > 0


def test_a_listener_goes_before_waiting_background_jobs(
    hooked: Pyttsx3Engine, tmp_path: Path
) -> None:
    """The prebuild's next sentence waits while a listener's job waits: the listener's
    first words are not said after someone else's sentence."""
    done: list[str] = []

    def job(name: str, background: bool) -> None:
        with background_jobs() if background else nullcontext():
            with pytest.raises(SpeechError, match="test hook slept"):
                hooked.synthesize(
                    SLEEP_PREFIX + ":0.3", MANDARIN_VOICE, 175, tmp_path / f"{name}.wav", 10
                )
        done.append(name)

    def until(condition: Callable[[], bool]) -> None:
        deadline = time.monotonic() + 5
        while not condition() and time.monotonic() < deadline:
            time.sleep(0.002)
        assert condition()

    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = [pool.submit(job, "prebuild 1", True)]
        until(lambda: hooked.waiting == 0 and hooked._job_lock.locked())
        futures.append(pool.submit(job, "prebuild 2", True))
        until(lambda: hooked.waiting == 1)
        futures.append(pool.submit(job, "listener", False))
        until(lambda: hooked.waiting == 2)
        for future in futures:
            future.result()
    assert done == ["prebuild 1", "listener", "prebuild 2"]


def test_close_is_idempotent_and_leaves_no_process(tmp_path: Path) -> None:
    eng = Pyttsx3Engine()
    eng.synthesize(ZH, MANDARIN_VOICE, 175, tmp_path / "a.wav", 10)
    pid = eng.worker_pid
    assert pid is not None and pid in _worker_children()
    eng.close()
    eng.close()
    assert _gone(pid) and _worker_children() == []
    assert eng.worker_pid is None and not eng.available()
    with pytest.raises(SpeechUnavailable):
        eng.synthesize(ZH, MANDARIN_VOICE, 175, tmp_path / "b.wav", 10)


def test_close_during_running_job(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(HOOK_ENV, "1")
    eng = Pyttsx3Engine()
    eng.start()
    with ThreadPoolExecutor(max_workers=2) as pool:
        jobs = [
            pool.submit(
                eng.synthesize, SLEEP_PREFIX + ":30", MANDARIN_VOICE, 175, tmp_path / f"{i}.wav", 20
            )
            for i in range(2)
        ]
        time.sleep(0.3)
        start = time.monotonic()
        eng.close()
        assert time.monotonic() - start < 2.0
        for job in jobs:
            with pytest.raises(SpeechUnavailable):
                job.result(timeout=5)
    assert _worker_children() == []


def test_forgotten_engine_is_cleaned_up(tmp_path: Path) -> None:
    eng = Pyttsx3Engine()
    eng.start()
    pid = eng.worker_pid
    assert pid is not None
    del eng
    gc.collect()
    assert _gone(pid) and _worker_children() == []


def test_context_manager_closes(tmp_path: Path) -> None:
    with Pyttsx3Engine() as eng:
        eng.synthesize(ZH, MANDARIN_VOICE, 175, tmp_path / "a.wav", 10)
    assert _worker_children() == []


def test_espeak_cli_engine(tmp_path: Path) -> None:
    eng = create_engine("espeak-cli")
    assert isinstance(eng, EspeakCliEngine) and eng.available()
    assert eng.version.startswith("espeak-ng-cli-")
    out = tmp_path / "cli.wav"
    assert eng.synthesize("-v " + ZH, MANDARIN_VOICE, 175, out, timeout=10) > 0
    _check_wav(out)
    assert wav_rms(out) > RMS_FLOOR
    with pytest.raises(SpeechError):
        eng.synthesize(ZH, "no-such-voice", 175, tmp_path / "bad.wav", timeout=10)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cli.wav"]
    eng.close()


def test_create_engine_names() -> None:
    for name in ("pyttsx3", "espeak-cli", "none"):
        eng = create_engine(name)
        assert isinstance(eng, SpeechEngine) and eng.name == name
        eng.close()
    assert create_engine().name == "pyttsx3"
    with pytest.raises(ValueError):
        create_engine("festival")


def test_version_for_cache_keys() -> None:
    with Pyttsx3Engine() as eng:
        assert eng.version == "pyttsx3-2.99/espeak-ng-1.51"
        assert eng.worker_pid is None  # no worker needed to compute it


def test_none_engine(tmp_path: Path) -> None:
    eng = create_engine("none")
    assert eng.available() is False
    with pytest.raises(SpeechUnavailable):
        eng.synthesize(ZH, MANDARIN_VOICE, 175, tmp_path / "x.wav", 10)
    eng.close()


def test_wav_helpers_on_silence(tmp_path: Path) -> None:
    path = tmp_path / "silence.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(22050)
        w.writeframes(b"\x00\x00" * 11025)
    assert wav_duration(path) == pytest.approx(0.5)
    assert wav_rms(path) == 0.0
