"""Pinyin syllables, 模糊音 (fuzzy pairs) and the segmentation of typed letters.

The table of valid syllables is not written by hand: the lexicon builder takes
it from pypinyin's character readings and stores it with the lexicon, so this
module needs no pypinyin at query time.

A visitor types letters, maybe with boundaries (``'`` or a space). They are cut
into *pieces*: whole syllables (``zhu``), initials (``z``, ``zh``) or the start
of a syllable still being typed (``go`` at the end). Each way of cutting has a
cost (a whole syllable is cheapest); the cheapest few are kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

#: A word of Chinese characters only (CJK Unified Ideographs and Extension A).
HANZI_WORD = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]+$")

#: Every fuzzy pair, by setting name. Initials first, then finals.
FUZZY_PAIRS: dict[str, tuple[str, str]] = {
    "z-zh": ("z", "zh"),
    "c-ch": ("c", "ch"),
    "s-sh": ("s", "sh"),
    "n-l": ("n", "l"),
    "f-h": ("f", "h"),
    "an-ang": ("an", "ang"),
    "en-eng": ("en", "eng"),
    "in-ing": ("in", "ing"),
}
INITIAL_PAIRS = ("z-zh", "c-ch", "s-sh", "n-l", "f-h")
#: Syllables that are interjections (嗯, 呣, 哼): typed letters never mean them.
_INTERJECTIONS = frozenset({"m", "n", "ng", "hm", "hng", "r"})
_INITIALS = tuple("zh ch sh b p m f d t n l g k h j q x r z c s y w".split())

#: Cost of a piece: a whole syllable, an initial, a syllable being typed.
COST_SYLLABLE = 1.0
COST_INITIAL = 1.6
COST_PARTIAL_END = 1.8
COST_PARTIAL = 3.0
#: How many ways of cutting one run of letters are kept.
KEEP = 6
#: The longest syllable (zhuang, shuang, chuang) has six letters.
_LONGEST = 6

_SEPARATORS = re.compile(r"[' ]+")


def parse_fuzzy(value: str | Iterable[str]) -> frozenset[str]:
    """The enabled fuzzy pairs from a setting: ``"z-zh,n-l"``, ``"all"``, ``""`` or names."""
    names = value.split(",") if isinstance(value, str) else list(value)
    names = [n.strip().lower() for n in names if n.strip()]
    if names in (["all"], ["on"]):
        return frozenset(FUZZY_PAIRS)
    if names in (["off"], ["none"]):
        return frozenset()
    unknown = [n for n in names if n not in FUZZY_PAIRS]
    if unknown:
        raise ValueError(
            f"unknown fuzzy pair(s) {', '.join(unknown)}; known: {', '.join(FUZZY_PAIRS)}"
        )
    return frozenset(names)


def split_initial(syllable: str) -> tuple[str, str]:
    """``zhuang`` → (``zh``, ``uang``); ``an`` → (``""``, ``an``)."""
    for ini in _INITIALS:
        if syllable.startswith(ini) and len(syllable) > len(ini):
            return ini, syllable[len(ini) :]
    return "", syllable


def normalise(syllable: str, fuzzy: frozenset[str]) -> str:
    """One spelling for every syllable a fuzzy setting treats as the same:
    zh→z, ch→c, sh→s, n→l, h→f for initials, ang→an, eng→en, ing→in for finals;
    ``lue``/``nue`` are written ``lve``/``nve`` like ü."""
    ini, fin = split_initial(syllable)
    if ini in ("l", "n") and fin.startswith("ue"):
        fin = "ve" + fin[2:]
    if ini in ("zh", "ch", "sh") and f"{ini[0]}-{ini}" in fuzzy:
        ini = ini[0]
    elif ini == "n" and "n-l" in fuzzy:
        ini = "l"
    elif ini == "h" and "f-h" in fuzzy:
        ini = "f"
    for short in ("an", "en", "in"):
        if fin.endswith(short + "g") and f"{short}-{short}g" in fuzzy:
            fin = fin[:-1]
    return ini + fin


@dataclass(frozen=True)
class Piece:
    text: str  # the letters typed
    start: int  # offset in the input
    end: int  # offset after the piece and any separator that follows it
    whole: bool  # a whole syllable (else an initial or the start of one)


@dataclass(frozen=True)
class Segmentation:
    pieces: tuple[Piece, ...]
    cost: float


class Syllables:
    """The valid syllables, and how typed letters are cut into pieces."""

    def __init__(self, table: Iterable[str]) -> None:
        self.table: tuple[str, ...] = tuple(table)
        self.ids = {s: i for i, s in enumerate(self.table)}
        typable = [s for s in self.table if s not in _INTERJECTIONS]
        self._typable = frozenset(typable)
        prefixes = {s[:k] for s in typable for k in range(1, len(s))}
        self._prefixes = frozenset(prefixes | {s for s in typable})

    @lru_cache(maxsize=16)  # noqa: B019 - one Syllables per lexicon, a handful of settings
    def _spellable(self, fuzzy: frozenset[str]) -> tuple[frozenset[str], frozenset[str]]:
        """Whole syllables as a visitor may spell them under ``fuzzy`` (``zua`` for
        抓 with z/zh on), and every start of one."""
        normal = {normalise(s, fuzzy) for s in self._typable}
        variants = set(self._typable)
        for s in self._typable:
            for candidate in _variants(s, fuzzy):
                if normalise(candidate, fuzzy) in normal:
                    variants.add(candidate)
        prefixes = {s[:k] for s in variants for k in range(1, len(s))}
        return frozenset(variants), frozenset(prefixes)

    @lru_cache(maxsize=16)  # noqa: B019
    def _forms(self, fuzzy: frozenset[str]) -> list[tuple[str, str, str, frozenset[str]]]:
        """Per syllable id: itself, its plain and fuzzy spellings, its fuzzy variants."""
        none: frozenset[str] = frozenset()
        return [
            (s, normalise(s, none), normalise(s, fuzzy), frozenset(_variants(s, fuzzy)))
            for s in self.table
        ]

    @lru_cache(maxsize=4096)  # noqa: B019
    def matching(self, text: str, whole: bool, fuzzy: frozenset[str]) -> dict[int, bool]:
        """Syllable id → whether matching it needed a fuzzy pair, for one piece."""
        out: dict[int, bool] = {}
        plain = normalise(text, frozenset())
        fuzzed = normalise(text, fuzzy)
        for i, (s, s_plain, s_fuzzed, variants) in enumerate(self._forms(fuzzy)):
            if s in _INTERJECTIONS:
                continue
            if whole:
                exact = s_plain == plain
                if exact or s_fuzzed == fuzzed:
                    out[i] = not exact
            else:
                exact = s.startswith(text) or s_plain.startswith(plain)
                if exact or any(v.startswith(text) for v in variants):
                    out[i] = not exact
        return out

    def segment(self, letters: str, fuzzy: frozenset[str]) -> list[Segmentation]:
        """The cheapest ways (at most :data:`KEEP`) to cut ``letters`` (a–z, ``'``
        and spaces) into pieces. Separators always end a piece."""
        whole_set, prefix_set = self._spellable(fuzzy)
        runs = [(m.start(), m.group()) for m in re.finditer(r"[a-z]+", letters)]
        results: list[Segmentation] = [Segmentation((), 0.0)]
        for n, (offset, run) in enumerate(runs):
            next_start = runs[n + 1][0] if n + 1 < len(runs) else len(letters)
            last = n + 1 == len(runs)
            cuts = self._cut(run, offset, next_start, last, whole_set, prefix_set)
            if not cuts:
                return []
            combined = [
                Segmentation(a.pieces + b.pieces, a.cost + b.cost) for a in results for b in cuts
            ]
            results = sorted(combined, key=lambda s: s.cost)[:KEEP]
        return [s for s in results if s.pieces]

    def _cut(
        self,
        run: str,
        offset: int,
        run_end: int,
        last_run: bool,
        whole_set: frozenset[str],
        prefix_set: frozenset[str],
    ) -> list[Segmentation]:
        size = len(run)
        best: list[list[Segmentation]] = [[] for _ in range(size + 1)]
        best[0] = [Segmentation((), 0.0)]
        for i in range(size):
            if not best[i]:
                continue
            for j in range(i + 1, min(size, i + _LONGEST) + 1):
                text = run[i:j]
                if text in ("z", "c", "s") and run[j : j + 1] == "h":
                    continue  # zh, ch, sh are one initial: never z + h…
                at_end = j == size
                end = offset + (run_end - offset if at_end else j)
                options: list[tuple[bool, float]] = []
                if text in whole_set:
                    options.append((True, COST_SYLLABLE))
                if text in _INITIALS:
                    options.append((False, COST_INITIAL))
                elif text in prefix_set:
                    if at_end and last_run:
                        options.append((False, COST_PARTIAL_END))
                    elif text not in whole_set:
                        options.append((False, COST_PARTIAL))
                for whole, cost in options:
                    piece = Piece(text, offset + i, end, whole)
                    for seg in best[i]:
                        best[j].append(Segmentation(seg.pieces + (piece,), seg.cost + cost))
                best[j] = sorted(best[j], key=lambda s: s.cost)[:KEEP]
        return best[size]


def _variants(syllable: str, fuzzy: frozenset[str]) -> set[str]:
    """Spellings of ``syllable`` with one or more enabled pairs swapped."""
    ini, fin = split_initial(syllable)
    inis = {ini}
    for name in INITIAL_PAIRS:
        if name in fuzzy:
            a, b = FUZZY_PAIRS[name]
            if ini in (a, b):
                inis |= {a, b}
    fins = {fin}
    for short in ("an", "en", "in"):
        if f"{short}-{short}g" in fuzzy:
            if fin.endswith(short + "g"):
                fins.add(fin[:-1])
            elif fin.endswith(short):
                fins.add(fin + "g")
    return {i + f for i in inis for f in fins}


def clean_input(raw: str) -> str:
    """Lower case, ü as v, separators collapsed; anything else is dropped."""
    text = raw.lower().replace("ü", "v").replace("’", "'")
    text = re.sub(r"[^a-z0-9' ]", "", text)
    return _SEPARATORS.sub(lambda m: "'" if "'" in m.group() else " ", text).lstrip("' ")
