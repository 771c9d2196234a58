"""kiosk.guide: the fixed prompts of 语音导览 and their pre-building."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import anyio

from kiosk import guide
from kiosk.config import Settings
from kiosk.i18n import gettext
from kiosk.services import make_speech
from kiosk.speech.engine import wav_duration, wav_rms


def test_fixed_prompts_are_the_catalogs_strings_without_templates() -> None:
    zh = guide.catalog_prompts("zh-CN")
    en = guide.catalog_prompts("en")
    for msgid in ("Spoken guide", "Touch again to open.", "button", "Text and colours"):
        assert gettext("zh-CN", msgid) in zh
        assert msgid in en  # English: the message id itself
    assert "字号与配色" in zh and "再点一次打开。" in zh
    assert not any("%(" in text for text in zh + en)
    assert all(len(text) <= guide.MAX_PROMPT_CHARS for text in zh + en)
    assert len(guide.fixed_prompts()) == len(zh) + len(en)


def test_clips_cut_long_text_at_sentence_ends_like_the_guide() -> None:
    short = "轻触屏幕开始阅读"
    assert guide.clips(short) == [short]
    long = "这是一份报告，分页显示。" * 12  # 144 characters
    parts = guide.clips(long)
    assert "".join(parts) == long
    assert all(len(p) <= guide.CLIP_CHARS and p.endswith("。") for p in parts)
    assert guide.clips("…… · ……") == []  # nothing to say


def test_build_prompts_makes_each_fixed_prompt_once(tmp_path: Path) -> None:
    # eSpeak NG: the fast engine (the natural voice's prompts are tested in test_kokoro).
    settings = Settings.from_env({}, cache_dir=str(tmp_path / "cache"), speech_engine="pyttsx3")
    speech = make_speech(settings)
    try:
        made, failed = guide.build_prompts(speech)
        assert (made, failed) == (len(guide.fixed_prompts()), 0)
        assert guide.build_prompts(speech) == (0, 0)  # all cached now
        utt = guide.prompt(speech, gettext("zh-CN", "Spoken guide"), "zh-CN")
        path = speech.cached(utt)
        assert path is not None
        assert 0.4 < wav_duration(path) < 3 and wav_rms(path) > 0.01  # speech, not silence
        # Its own thread: a browser test's session may hold this thread's event loop.
        with ThreadPoolExecutor(1) as pool:
            assert pool.submit(anyio.run, guide.prebuild_prompts, speech).result() == 0
    finally:
        speech.close()
