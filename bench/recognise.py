"""An offline Mandarin recogniser for measuring speech: Whisper base (CTranslate2 int8,
``kiosk models install whisper-base``) run with faster-whisper. A test and bench
dependency (the ``whisper`` extra), never a serving one.

The character error rate compares what the recogniser heard with what was meant to be
said, after both are put in one form (:func:`canonical`): simplified characters,
numbers as the kiosk says them, no punctuation or spaces. Whisper itself is imperfect
("轻触" comes back as "清楚", and it often picks the wrong one of several homophones), so
compare engines on the same sentences rather than against zero, and read the syllable
error rate (:func:`ser`, toneless pinyin) beside the CER: it counts what the voice said
wrong or unclearly, not the recogniser's choice of characters.
"""

from __future__ import annotations

import re
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


_DIGITS = re.compile(r"[0-9]+")
_SPELLED = str.maketrans("0123456789", "零一二三四五六七八九")
# One written form for characters that stand for the same spoken digit: the reference
# writes 〇 and 幺 (phone numbers), the recogniser 零 and 一 (or Arabic digits).
_SAME_DIGIT = str.maketrans({"〇": "零", "幺": "一"})


def _plain(text: str) -> str:
    """Simplified characters, NFKC, nothing but letters (lower case) and CJK."""
    text = unicodedata.normalize("NFKC", _zhconv().convert(text, "zh-cn"))
    return "".join(ch for ch in text.translate(_SAME_DIGIT).lower() if ch.isalnum())


def canonical(text: str, reference: str | None = None) -> str:
    """The spoken form of ``text`` in one spelling, to compare what was meant with what
    was heard: simplified characters, Arabic numbers read the way the kiosk's
    normaliser reads them (the recogniser writes ``2013年``/``429条``/``7.2%`` for
    二〇一三年/四百二十九条/百分之七点二), 〇 as 零 and 幺 as 一, no punctuation or spaces.

    A run of digits is ambiguous as speech (``410702`` is 四一〇七〇二 or
    四十一万零七百零二): given ``reference``, a run that the reference says digit by digit
    is read digit by digit. Wrong digits stay wrong either way.
    """
    from kiosk.speech.normalize import normalize

    if reference is not None:
        said = _plain(normalize(reference))

        def spell(m: re.Match[str]) -> str:
            digits = m.group(0).translate(_SPELLED)
            return digits if len(digits) > 1 and digits in said else m.group(0)

        text = _DIGITS.sub(spell, unicodedata.normalize("NFKC", text))
    return _plain(normalize(unicodedata.normalize("NFKC", text)))


def cer(reference: str, heard: str) -> float:
    """Character error rate of heard against reference (after :func:`canonical`)."""
    import jiwer

    ref, hyp = canonical(reference), canonical(heard, reference)
    if not ref:
        return 0.0 if not hyp else 1.0
    return float(jiwer.cer(ref, hyp))


def syllables(text: str, reference: str | None = None) -> list[str]:
    """Toneless pinyin of :func:`canonical` text, one item per syllable (a letter or
    digit left over is one item)."""
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(canonical(text, reference), style=Style.NORMAL, errors=lambda s: list(s))  # type: ignore[arg-type,return-value]


def ser(reference: str, heard: str) -> float:
    """Syllable error rate: like :func:`cer` on toneless pinyin. Homophones the
    recogniser picked (信息栏 heard as 信息蓝) are not errors here; a syllable the voice
    said wrong, or that the recogniser could not make out, is. Tones are not compared."""
    import jiwer

    ref, hyp = syllables(reference), syllables(heard, reference)
    if not ref:
        return 0.0 if not hyp else 1.0
    return float(jiwer.wer(" ".join(ref), " ".join(hyp)))
