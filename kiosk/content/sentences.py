"""Split block text into sentences, losing no character.

Chinese sentences end at 。！？；!?; (a run of them counts as one end), and
closing quotes or brackets that follow stay with the sentence they close.
English text (``language`` starting with ``en``) ends sentences at ``.!?``
followed by whitespace. Whitespace after a sentence end stays with the
sentence before it, so ``"".join(split_sentences(t)) == t`` always holds.
"""

from __future__ import annotations

import re

_CLOSERS = "”’」』）)】〕》\"'"
# Possessive quantifiers (*+, ++) never give back what they took: each rule
# scans a run once, so splitting stays linear in the length of the text.
_ZH_SENTENCE = re.compile(
    rf"[^。！？；!?;]*+[。！？；!?;]++[{re.escape(_CLOSERS)}]*+\s*+|[^。！？；!?;]++$"
)
_EN_END = re.compile(rf"(?<![.!?])[.!?]++[{re.escape(_CLOSERS)}]*+\s++")
# Full stops that do not end an English sentence: "No. 3", "e.g. x", "1.5".
_EN_NO_BREAK = re.compile(
    r"(?:\b(?:No|Nos|Art|Mr|Mrs|Dr|e\.g|i\.e|etc|vs|St|Fig)\.|^\s*[IVX]{1,5}\.|\b[A-Z]\.)$"
)


def split_sentences(text: str, language: str = "zh-CN") -> list[str]:
    """Return the sentences of ``text``; joined, they give back ``text`` exactly."""
    if not text:
        return []
    if language.lower().startswith("en"):
        parts = _split_english(text)
    else:
        parts = [m.group(0) for m in _ZH_SENTENCE.finditer(text) if m.group(0)]
    return _merge_blank(parts)


def _split_english(text: str) -> list[str]:
    pieces, start = [], 0
    for m in _EN_END.finditer(text):
        pieces.append(text[start : m.end()])
        start = m.end()
    pieces.append(text[start:])
    # Only the piece that ends a part decides whether the next piece joins it,
    # so each piece is searched once, however many pieces a part gathers.
    parts: list[list[str]] = []
    for piece in filter(None, pieces):
        if parts and _EN_NO_BREAK.search(parts[-1][-1].rstrip()):
            parts[-1].append(piece)
        else:
            parts.append([piece])
    return ["".join(part) for part in parts]


def _merge_blank(parts: list[str]) -> list[str]:
    """Attach pieces holding no speakable character to their neighbour."""
    out: list[list[str]] = []  # joined at the end: growing a string is quadratic
    speakable: list[bool] = []
    for part in parts:
        if out and not (_speakable(part) and speakable[-1]):
            out[-1].append(part)
            speakable[-1] = speakable[-1] or _speakable(part)
        else:
            out.append([part])
            speakable.append(_speakable(part))
    return ["".join(pieces) for pieces in out]


def _speakable(s: str) -> bool:
    return any(ch.isalnum() for ch in s)
