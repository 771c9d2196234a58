"""The start-up prebuild: openings first, and one failing sentence does not stop it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import anyio
import pytest

from kiosk.content.library import ContentStore
from kiosk.services import PREBUILD_FIRST, _prebuild_audio
from kiosk.speech.engine import EspeakCliEngine, SpeechError
from kiosk.speech.service import SpeechService


class _OneBadSentence(EspeakCliEngine):
    """eSpeak NG that fails on one sentence, as a hung or broken engine would."""

    def __init__(self, bad: str) -> None:
        super().__init__()
        self.bad = bad
        self.spoken: list[str] = []

    def synthesize(self, text: str, voice: str, rate: int, out_path: Path, timeout: float) -> float:
        self.spoken.append(text)
        if text == self.bad:
            raise SpeechError("simulated failure")
        return super().synthesize(text, voice, rate, out_path, timeout)


def test_prebuild_skips_a_failure_and_starts_with_every_opening(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    content = tmp_path / "content"
    content.mkdir()
    for n, slug in enumerate(("short-sentences", "other-report")):
        body = "".join(f"这是第{n}份报告的第{i}句。" for i in range(1, 9))
        text = f"---\ntitle: 报告{n}\ndate: 2020-01-0{n + 1}\nlanguage: zh-CN\n---\n\n{body}\n"
        (content / f"{slug}.md").write_text(text, encoding="utf-8")
    store = ContentStore(content, 5 << 20)
    plans = {slug: r.sentences for slug, r in store.library.reports.items()}
    short = store.library.reports["short-sentences"]
    # a sentence in the middle of one report fails
    probe = SpeechService(EspeakCliEngine(), tmp_path / "probe")
    bad = probe.utterances(short)[5].spoken
    engine = _OneBadSentence(bad)
    service = SpeechService(engine, tmp_path / "cache")
    caplog.set_level("WARNING")
    status: dict[str, str] = {}
    # Its own thread: a browser test's session may hold this thread's event loop.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(anyio.run, _prebuild_audio, store, service, status).result()
    plans_spoken = {
        slug: [u.spoken for u in service.utterances(r)] for slug, r in store.library.reports.items()
    }
    openings = {s for spoken in plans_spoken.values() for s in spoken[:PREBUILD_FIRST]}
    assert set(engine.spoken[: len(openings)]) == openings  # every report's start first
    assert "not made" in caplog.text and "simulated failure" in caplog.text
    assert "could not be made" in status["prebuild"]  # health says so
    for slug, report in store.library.reports.items():  # everything else was made
        missing = [u for u in service.utterances(report) if service.cached(u, "mp3") is None]
        assert [u.spoken for u in missing] == ([bad] if slug == "short-sentences" else []), slug
    assert [len(s) for s in plans.values()] == [8, 8]
