"""An offline Mandarin recogniser for measuring speech: Whisper base (CTranslate2 int8,
``kiosk models install whisper-base``) run with faster-whisper. A test and bench
dependency (the ``whisper`` extra), never a serving one.

The character error rate compares what the recogniser heard with what was meant to be
said, after both are put in one form: simplified characters, numbers as Chinese
numerals, no punctuation or spaces. Whisper itself is imperfect ("轻触" comes back as
"清楚"), so compare engines on the same sentences rather than against zero.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path
from typing import Any

PROMPT = "以下是普通话的句子。"


@cache
def _zhconv() -> Any:
    """zhconv with its dictionary loaded by path: its own loader leaves the file open."""
    import zhconv
    import zhconv.zhconv as impl

    impl.loaddict(str(Path(impl.__file__).with_name("zhcdict.json")))
    return zhconv


class RecogniserMissing(RuntimeError):
    """faster-whisper or the whisper-base model is not installed."""


@cache
def _model(folder: str) -> Any:
    from faster_whisper import WhisperModel

    return WhisperModel(folder, device="cpu", compute_type="int8", cpu_threads=2)


def model() -> Any:
    from kiosk import models

    folder = models.locate("whisper-base")
    if folder is None:
        raise RecogniserMissing(models.problem("whisper-base") or "whisper-base is missing")
    try:
        return _model(str(folder))
    except ImportError as exc:
        raise RecogniserMissing(f"faster-whisper is not installed: {exc}") from None


def transcribe(wav: Path, language: str = "zh") -> str:
    """What Whisper hears in a WAV file (simplified Chinese for zh)."""
    segments, _ = model().transcribe(
        str(wav),
        language=language,
        beam_size=5,
        initial_prompt=PROMPT if language == "zh" else None,
        vad_filter=True,
        condition_on_previous_text=False,
    )
    text = "".join(s.text for s in segments).strip()
    if language == "zh":
        text = _zhconv().convert(text, "zh-cn")
    return text


def canonical(text: str) -> str:
    """Simplified, numbers as Chinese numerals, letters and CJK only."""
    import cn2an

    text = unicodedata.normalize("NFKC", _zhconv().convert(text, "zh-cn"))
    try:
        text = cn2an.transform(text, "an2cn")
    except (ValueError, KeyError):  # cn2an gives up on some digit runs: keep them
        pass
    text = text.replace("〇", "零")
    return "".join(ch for ch in text.lower() if ch.isalnum())


def cer(reference: str, heard: str) -> float:
    """Character error rate of heard against reference (after :func:`canonical`)."""
    import jiwer

    ref, hyp = canonical(reference), canonical(heard)
    if not ref:
        return 0.0 if not hyp else 1.0
    return float(jiwer.cer(ref, hyp))
