"""Candidates for what a visitor has typed.

For each cheap way of cutting the letters into pieces (see
:mod:`kiosk.ime.syllables`), words are looked up whose syllables match the
first *k* pieces, for every *k* from all of them down to one: choosing a word
consumes its pieces and the rest stays to be composed. Words that consume more
of the input come first; among them, a word's score minus the cost of the cut
and of any fuzzy syllable it needed.

A run of digits at the start is kept as typed (``2013nian`` → 2013年); digits
after letters end the part that is converted now.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from kiosk.ime.lexicon import Lexicon, key_of
from kiosk.ime.syllables import (
    COST_INITIAL,
    COST_PARTIAL,
    COST_PARTIAL_END,
    COST_SYLLABLE,
    Piece,
    Segmentation,
    clean_input,
)

#: Score taken off per unit of cut cost, and per syllable matched only by a fuzzy pair.
CUT_WEIGHT = 2.0
FUZZY_PENALTY = 3.0
#: Longest input converted (letters, digits, separators).
MAX_INPUT = 40
#: A word's score is ln(uses); ln(all uses in jieba's dictionary) makes it a log-probability.
_LOG_TOTAL = 18.0
_LONGEST_WORD = 6
#: Taken off per word of a sentence: fewer, longer words read better.
_PER_WORD = 3.0
#: Candidates looked at per key: buckets are best first, so this bounds the time.
_SCAN = 400


@dataclass(frozen=True)
class Candidate:
    word: str
    consumed: int  # characters of the cleaned input this word replaces
    pinyin: str  # the syllables typed for it, as typed ("zhu dong")
    score: float = field(compare=False)

    def to_json(self) -> dict[str, Any]:
        return {"word": self.word, "consumed": self.consumed, "pinyin": self.pinyin}


@dataclass(frozen=True)
class Result:
    input: str  # the cleaned input the offsets refer to
    candidates: tuple[Candidate, ...]

    def to_json(self) -> dict[str, Any]:
        return {"input": self.input, "candidates": [c.to_json() for c in self.candidates]}


def candidates(
    layers: tuple[Lexicon, ...], raw: str, fuzzy: frozenset[str], limit: int = 60
) -> Result:
    """Up to ``limit`` candidates for ``raw``; ``layers`` share one syllable table."""
    text = clean_input(raw)[:MAX_INPUT]
    if not text or not layers:
        return Result(text, ())
    digits = re.match(r"[0-9]+", text)
    if digits:
        lead = digits.group()
        rest = text[len(lead) :]
        inner = candidates(layers, rest, fuzzy, limit) if rest else Result("", ())
        found = [Candidate(lead, len(lead), lead, 0.0)]
        if rest and rest[0].isalpha():
            found = [
                Candidate(lead + c.word, len(lead) + c.consumed, c.pinyin, c.score)
                for c in inner.candidates
            ] + found
        return Result(text, tuple(found[:limit]))
    letters = re.match(r"[a-z' ]+", text)
    part = letters.group() if letters else ""
    syllables = layers[0].syllables
    found_by_word: dict[tuple[str, int], Candidate] = {}
    looked: set[tuple[str, ...]] = set()
    for seg in syllables.segment(part, fuzzy):
        for k in range(len(seg.pieces), 0, -1):
            pieces = seg.pieces[:k]
            sig = tuple(f"{p.text}{'=' if p.whole else '~'}" for p in pieces)
            if sig in looked:
                continue
            looked.add(sig)
            cost = _cut_cost(seg, k)
            for cand in _lookup(layers, pieces, fuzzy, cost, limit):
                key = (cand.word, cand.consumed)
                old = found_by_word.get(key)
                if old is None or cand.score > old.score:
                    found_by_word[key] = cand
    ordered = sorted(found_by_word.values(), key=lambda c: (-c.consumed, -c.score, c.word))
    segs = syllables.segment(part, fuzzy)
    whole = _sentence(layers, segs[0].pieces, fuzzy) if segs else None
    if whole is not None:
        ordered.insert(0, whole)
    seen: set[str] = set()
    unique: list[Candidate] = []
    for c in ordered:
        if c.word not in seen:
            seen.add(c.word)
            unique.append(c)
    return Result(text, tuple(unique[:limit]))


def _sentence(
    layers: tuple[Lexicon, ...], pieces: tuple[Piece, ...], fuzzy: frozenset[str]
) -> Candidate | None:
    """The likeliest words, one after another, for all of ``pieces`` (a unigram
    model over the lexicon's scores); None unless it takes two words or more."""
    size = len(pieces)
    if size < 2 or not all(p.whole for p in pieces[:-1]):
        return None  # initials are too vague to make a sentence of
    best: list[tuple[float, list[str]] | None] = [None] * (size + 1)
    best[0] = (0.0, [])
    for j in range(1, size + 1):
        for i in range(max(0, j - _LONGEST_WORD), j):
            before = best[i]
            if before is None:
                continue
            found = _lookup(layers, pieces[i:j], fuzzy, 0.0, 1)
            if not found:
                continue
            top = max(found, key=lambda c: c.score)
            total = before[0] + top.score - _LOG_TOTAL - _PER_WORD
            if best[j] is None or total > best[j][0]:  # type: ignore[index]
                best[j] = (total, [*before[1], top.word])
    result = best[size]
    if result is None or len(result[1]) < 2:
        return None
    pinyin = " ".join(p.text for p in pieces)
    return Candidate("".join(result[1]), pieces[-1].end, pinyin, result[0])


def _cut_cost(seg: Segmentation, k: int) -> float:
    total = 0.0
    for p in seg.pieces[:k]:
        if p.whole:
            total += COST_SYLLABLE
        elif len(p.text) == 1 or p.text in ("zh", "ch", "sh"):
            total += COST_INITIAL
        else:
            total += COST_PARTIAL_END if p is seg.pieces[-1] else COST_PARTIAL
    return total - COST_SYLLABLE * k  # only what a cut adds over whole syllables


def _lookup(
    layers: tuple[Lexicon, ...],
    pieces: tuple[Piece, ...],
    fuzzy: frozenset[str],
    cost: float,
    limit: int,
) -> list[Candidate]:
    syllables = layers[0].syllables
    allowed = [syllables.matching(p.text, p.whole, fuzzy) for p in pieces]
    key = key_of(p.text for p in pieces)
    consumed = pieces[-1].end
    pinyin = " ".join(p.text for p in pieces)
    size = len(pieces)
    out: list[Candidate] = []
    for lex in layers:
        sylls, offs, scores = lex.sylls, lex.offs, lex.scores
        kept = 0
        for n, i in enumerate(lex.bucket(key)):
            if n >= _SCAN or kept >= 2 * limit:  # some are the same word
                break
            start = offs[i]
            if offs[i + 1] - start != size:
                continue
            fuzzed = 0
            for t in range(size):
                hit = allowed[t].get(sylls[start + t])
                if hit is None:
                    break
                fuzzed += hit
            else:
                score = scores[i] - CUT_WEIGHT * cost - FUZZY_PENALTY * fuzzed
                out.append(Candidate(lex.word(i), consumed, pinyin, score))
                kept += 1
    return out
