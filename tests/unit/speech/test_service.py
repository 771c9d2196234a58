"""The audio cache and the synthesis plan, with the real engine."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import anyio
import pytest

from kiosk.content.parse import parse_report
from kiosk.speech.engine import (
    EspeakCliEngine,
    SpeechUnavailable,
    create_engine,
    in_background,
    wav_duration,
    wav_rms,
)
from kiosk.speech.service import SpeechService

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    text = (ROOT / "content" / "kundulun-2013-report.md").read_text(encoding="utf-8")
    return parse_report("kundulun-2013-report", text)[0]


@pytest.fixture
def service(tmp_path: Path) -> Iterator[SpeechService]:
    s = SpeechService(create_engine("pyttsx3"), tmp_path / "cache", timeout=15)
    yield s
    s.close()


def test_plan_reads_numbers_like_a_person(service: SpeechService, report) -> None:  # type: ignore[no-untyped-def]
    plan = service.utterances(report)
    assert len(plan) == len(report.sentences)
    spoken = {u.text: u.spoken for u in plan}
    assert spoken["2013年,新增公开政府信息429条,累计公开信息1007条,全文电子化率达100%。"] == (
        "二〇一三年,新增公开政府信息四百二十九条,累计公开信息一千零七条,全文电子化率达百分之一百。"
    )
    assert all(u.voice == "sit/cmn-latn-pinyin" for u in plan)
    assert service.utterances(report) is plan  # memoised per report object
    keys = {u.key for u in service.utterances(report, "fast")}
    assert not keys & {u.key for u in plan}  # the rate is part of the key


def test_synthesis_is_cached_and_real(service: SpeechService, report) -> None:  # type: ignore[no-untyped-def]
    utt = service.utterances(report)[0]
    assert service.cached(utt) is None and service.duration(utt) is None
    wav = service.synthesize(utt)
    assert wav == service.cached(utt)
    assert wav_duration(wav) > 5 and wav_rms(wav) > 0.01
    assert service.duration(utt) == pytest.approx(wav_duration(wav), abs=0.01)
    mtime = wav.stat().st_mtime_ns
    assert service.synthesize(utt) == wav and wav.stat().st_mtime_ns == mtime


def test_mp3_is_small_and_as_long(service: SpeechService, report) -> None:  # type: ignore[no-untyped-def]
    utt = service.utterances(report)[1]
    mp3 = service.synthesize(utt, "mp3")
    wav = service.cached(utt, "wav")
    assert wav is not None and mp3.read_bytes()[:2] in (b"ID", b"\xff\xfb", b"\xff\xf3")
    seconds = wav_duration(wav)
    assert mp3.stat().st_size / seconds <= 32_000 / 8 * 1.1  # ≤ 32 kbit/s
    soxi = subprocess.run(["soxi", "-D", str(mp3)], capture_output=True, text=True)
    if soxi.returncode == 0 and soxi.stdout.strip():
        assert float(soxi.stdout) == pytest.approx(seconds, abs=0.15)


def test_english_report_gets_an_english_voice(service: SpeechService) -> None:
    report, _ = parse_report(
        "en", "---\ntitle: Report 2021\nlanguage: en\n---\nWe received 99 requests.\n"
    )
    (utt,) = service.utterances(report)
    assert utt.voice == "gmw/en"


def test_unwritable_cache_falls_back_to_a_temporary_folder(tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the folder should be")
    s = SpeechService(create_engine("espeak-cli"), blocked, timeout=5)
    assert s.degraded_reason and "not writable" in s.degraded_reason
    report, _ = parse_report("t", "---\ntitle: t\n---\n测试一句。\n")
    made = s.synthesize(s.utterances(report)[0])
    assert made.exists() and blocked not in made.parents


def test_no_engine(tmp_path: Path, report) -> None:  # type: ignore[no-untyped-def]
    s = SpeechService(create_engine("none"), tmp_path, timeout=5)
    assert s.available() is False
    with pytest.raises(SpeechUnavailable):
        s.synthesize(s.utterances(report)[0])


def test_a_damaged_cached_file_is_made_again(service: SpeechService, report) -> None:  # type: ignore[no-untyped-def]
    utt = service.utterances(report)[3]
    wav = service.synthesize(utt)
    mp3 = service.synthesize(utt, "mp3")
    with open(wav, "r+b") as f:
        f.truncate(30)  # as a full disk or a killed copy leaves it
    mp3.write_bytes(b"<html>not audio</html>" * 10)
    assert service.cached(utt) is None and service.cached(utt, "mp3") is None
    again = service.synthesize(utt, "mp3")
    assert again.read_bytes()[:3] != b"<ht" and wav_duration(service.path(utt, "wav")) > 1


def test_adhoc_audio_stays_under_its_budget_and_apart(tmp_path: Path, report) -> None:  # type: ignore[no-untyped-def]
    s = SpeechService(create_engine("pyttsx3"), tmp_path / "cache", timeout=15, adhoc_budget_mb=0.4)
    try:
        kept = s.synthesize(s.utterances(report)[0])  # report audio
        made = [
            s.synthesize(s.adhoc(f"第{n}条意见已经办理完毕。", "zh-CN"), "mp3")
            for n in "一二三四五六"
        ]
        adhoc = [p for p in (s.cache_dir / "adhoc").rglob("*.*") if not p.name.startswith(".")]
        assert sum(p.stat().st_size for p in adhoc) <= 400_000
        assert made[-1].exists() and not made[0].exists()  # least recently used went first
        assert kept.exists() and "adhoc" not in kept.parts
    finally:
        s.close()


def test_adhoc_spoken_length_is_bounded(service: SpeechService) -> None:
    with pytest.raises(ValueError, match="when spoken"):
        service.adhoc("1‰" * 250, "zh-CN")  # 500 characters, several times longer spoken
    assert service.adhoc("今天天气很好。", "zh-CN").spoken


class _MarkingEngine(EspeakCliEngine):
    """eSpeak NG that notes, per job, whether it was submitted as a background job."""

    def __init__(self) -> None:
        super().__init__()
        self.background: list[bool] = []

    def synthesize(self, text: str, voice: str, rate: int, out_path: Path, timeout: float) -> float:
        self.background.append(in_background())
        return super().synthesize(text, voice, rate, out_path, timeout)


def test_prebuild_jobs_are_background_jobs_and_a_listeners_are_not(tmp_path: Path) -> None:
    engine = _MarkingEngine()
    service = SpeechService(engine, tmp_path / "cache", timeout=15)
    report = parse_report("s", "---\ntitle: t\nlanguage: zh-CN\n---\n\n第一句。第二句。\n")[0]
    assert report is not None
    first, second = service.utterances(report)
    # Each in an event loop of its own thread: a browser test's Playwright may keep
    # one running in this worker's main thread.
    with ThreadPoolExecutor(1) as pool:
        made = pool.submit(lambda: anyio.run(service.make_missing, [first])).result()
        pool.submit(lambda: anyio.run(service.ensure, second)).result()
    assert made == (1, None)
    assert engine.background == [True, False]
    assert not in_background()  # the flag stays with the prebuild's job


class _GatedEngine(EspeakCliEngine):
    """eSpeak NG that says the first piece at once and waits for ``gate`` before
    each later piece: a listener must get the first clause before the rest is said."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.said: list[str] = []
        self.waited_in_vain = False

    def synthesize(self, text: str, voice: str, rate: int, out_path: Path, timeout: float) -> float:
        if self.said and not self.gate.wait(timeout=20):
            self.waited_in_vain = True
        self.said.append(text)
        return super().synthesize(text, voice, rate, out_path, timeout)


def test_stream_sends_the_first_clause_before_the_rest_is_said(tmp_path: Path) -> None:
    engine = _GatedEngine()
    service = SpeechService(engine, tmp_path / "cache", timeout=15)
    text = "二〇一三年，全市共主动公开政府信息四百二十九条，其中通过政府网站公开三百条。"
    report = parse_report("s", f"---\ntitle: t\nlanguage: zh-CN\n---\n\n{text}\n")[0]
    assert report is not None
    utt = service.utterances(report)[0]
    chunks: list[bytes] = []

    async def listen() -> None:
        async for chunk in service.stream(utt):
            if not chunks:  # the first clause is here while the rest waits to be said
                assert engine.said == ["二〇一三年，"] and service.cached(utt, "mp3") is None
                engine.gate.set()
            chunks.append(chunk)

    with ThreadPoolExecutor(1) as pool:  # a browser test may hold this thread's loop
        pool.submit(anyio.run, listen).result()
    assert not engine.waited_in_vain
    assert "".join(engine.said) == utt.spoken and len(chunks) == len(engine.said) == 2
    # The stream is one playable MP3 as long as the cached sentence.
    stream = tmp_path / "stream.mp3"
    stream.write_bytes(b"".join(chunks))
    subprocess.run(
        ["lame", "--quiet", "--decode", str(stream), str(tmp_path / "s.wav")], check=True
    )
    wav = service.cached(utt, "wav")
    assert wav is not None and service.cached(utt, "mp3") is not None
    assert wav_duration(tmp_path / "s.wav") == pytest.approx(wav_duration(wav), abs=0.3)
    assert wav_rms(tmp_path / "s.wav") > 0.01

    # Made already: the cached file, in one piece.
    async def again() -> list[bytes]:
        return [c async for c in service.stream(utt)]

    with ThreadPoolExecutor(1) as pool:
        assert pool.submit(anyio.run, again).result() == [service.cached(utt, "mp3").read_bytes()]  # type: ignore[union-attr]
    service.close()
