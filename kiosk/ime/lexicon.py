"""The pinyin lexicon: words with their syllables and a score, built by program.

Two layers, each a :class:`Lexicon`:

* the **base**: every word of jieba's dictionary (``dict.txt``, a frequency per
  word) with at least :data:`MIN_FREQ` uses, read with pypinyin, plus every
  single character of it with all its readings. It depends on nothing but the
  installed jieba and pypinyin, so it is built once and kept in the cache folder;
* the **reports**: every word of the loaded reports (segmented with jieba),
  ranked above the base, rebuilt when the content changes.

Memory is kept small by storing all words as one string (each character has one
syllable, so ``sylls[k]`` is the syllable of ``chars[k]``), sorted by the first
letters of their syllables (the *key*: 主动公开 → ``zdgk``).
"""

from __future__ import annotations

import functools
import hashlib
import math
import os
import pickle
import tempfile
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any

from kiosk.ime.syllables import HANZI_WORD, Syllables
from kiosk.search._text import import_jieba, load_jieba

#: Bump when the file layout or the scoring changes: old cache files are ignored.
VERSION = 2
#: jieba words used fewer times than this are left out (rare names, fragments).
MIN_FREQ = 5
#: Added to the score of a word of the loaded reports (natural log: ×e^3 ≈ 20).
REPORT_BOOST = 3.0
#: Score of a report word jieba does not know (as if used this many times).
_UNKNOWN_FREQ = 50
#: A character's other readings (行 as hang) rank below its first one.
_OTHER_READING = 6.0
#: Longest phrase of report words kept as one entry, in characters.
_LONGEST_PHRASE = 6

_KEY_LETTER = str.maketrans({"n": "l", "h": "f"})


def key_of(syllables: Iterable[str]) -> str:
    """The bucket of a word: first letters, with n and l, f and h in one bucket
    (the fuzzy pairs that change a first letter); matching sorts them out."""
    return "".join(s[0] for s in syllables).translate(_KEY_LETTER)


@dataclass(frozen=True)
class Entry:
    word: str
    syllables: tuple[str, ...]
    score: float


class Lexicon:
    """Words grouped by key, best first within a key."""

    def __init__(self, table: tuple[str, ...], data: dict[str, Any] | None = None) -> None:
        self.syllables = Syllables(table)
        data = data or {}
        self.chars: str = data.get("chars", "")
        self.offs: array[int] = data.get("offs", array("I", [0]))
        self.sylls: array[int] = data.get("sylls", array("H"))
        self.scores: array[float] = data.get("scores", array("f"))
        self.keys: list[str] = data.get("keys", [])
        self.key_start: array[int] = data.get("key_start", array("I", [0]))

    @classmethod
    def from_entries(cls, table: tuple[str, ...], entries: Iterable[Entry]) -> Lexicon:
        lex = cls(table)
        ids = lex.syllables.ids
        rows = sorted(
            ((key_of(e.syllables), -e.score, e.word, e.syllables) for e in entries),
            key=lambda r: (r[0], r[1]),
        )
        parts: list[str] = []
        pos = 0
        for key, neg, word, sylls in rows:
            if not lex.keys or lex.keys[-1] != key:
                if lex.keys:
                    lex.key_start.append(len(lex.scores))
                lex.keys.append(key)
            parts.append(word)
            pos += len(word)
            lex.offs.append(pos)
            lex.sylls.extend(ids[s] for s in sylls)
            lex.scores.append(-neg)
        lex.key_start[0] = 0
        lex.key_start.append(len(lex.scores))
        if not lex.keys:
            lex.key_start = array("I", [0])
        lex.chars = "".join(parts)
        return lex

    def __len__(self) -> int:
        return len(self.scores)

    def bucket(self, key: str) -> range:
        """Entry numbers with this key, best first."""
        i = bisect_left(self.keys, key)
        if i == len(self.keys) or self.keys[i] != key:
            return range(0)
        return range(self.key_start[i], self.key_start[i + 1])

    def word(self, i: int) -> str:
        return self.chars[self.offs[i] : self.offs[i + 1]]

    def entries(self) -> Iterator[Entry]:
        table = self.syllables.table
        for i in range(len(self)):
            a, b = self.offs[i], self.offs[i + 1]
            yield Entry(self.chars[a:b], tuple(table[k] for k in self.sylls[a:b]), self.scores[i])

    # --- files ----------------------------------------------------------------

    def save(self, path: Path) -> None:
        data = {
            "version": VERSION,
            "table": self.syllables.table,
            "chars": self.chars,
            "offs": self.offs,
            "sylls": self.sylls,
            "scores": self.scores,
            "keys": self.keys,
            "key_start": self.key_start,
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(data, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> Lexicon | None:
        """The lexicon saved at ``path`` (a file we wrote), or None if missing or stale."""
        try:
            with path.open("rb") as f:
                data = pickle.load(f)  # noqa: S301 - our own cache file
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("version") != VERSION:
            return None
        return cls(tuple(data["table"]), data)


# --- building -------------------------------------------------------------------


@functools.cache
def syllable_table() -> tuple[str, ...]:
    """Every syllable pypinyin knows a character for, toneless, ü as v."""
    from pypinyin.contrib.tone_convert import to_normal
    from pypinyin.pinyin_dict import pinyin_dict

    found = {to_normal(p, v_to_u=False) for v in pinyin_dict.values() for p in v.split(",")}
    return tuple(sorted(s for s in found if s.isascii() and s.isalpha()))


def base_signature() -> str:
    """Names the base lexicon: it changes with jieba's dictionary, pypinyin or our code.
    (pypinyin's version from its metadata: importing it loads its phrase tables, ≈ 1 s
    of a server's start-up.)"""
    with import_jieba().get_dict_file() as f:  # the file, without loading it (seconds)
        stat = Path(f.name).stat()
    pypinyin = metadata.version("pypinyin")
    text = f"{VERSION}/{MIN_FREQ}/{pypinyin}/{stat.st_size}/{stat.st_mtime_ns}"
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _jieba() -> ModuleType:
    """jieba, loaded once and quietly by the search package."""
    return load_jieba()


def _jieba_words() -> Iterator[tuple[str, int]]:
    with _jieba().get_dict_file() as f:
        for raw in f:
            line = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            parts = line.split()
            if len(parts) >= 2 and HANZI_WORD.match(parts[0]) and parts[1].isdigit():
                yield parts[0], int(parts[1])


@functools.cache
def _toneless(syllable: str) -> str:
    """A pypinyin reading without its tone, ü as v (a few hundred distinct ones)."""
    from pypinyin.contrib.tone_convert import to_normal

    return str(to_normal(syllable, v_to_u=False))


def readings(word: str, table: set[str] | frozenset[str]) -> tuple[str, ...] | None:
    """What ``pypinyin.lazy_pinyin(word)`` reads for a word of hanzi, by the same steps
    (its segmentation into its phrases, a phrase's reading or else each character's
    first) without its per-syllable style machinery: the base lexicon reads 130,000
    words, and this takes a third of the time. tests/unit/ime/test_lexicon.py checks
    it against lazy_pinyin."""
    from pypinyin.constants import PHRASES_DICT, PINYIN_DICT
    from pypinyin.seg.simpleseg import seg

    sylls: list[str] = []
    for piece in seg(word):
        phrase = PHRASES_DICT.get(piece)
        if phrase is not None:
            sylls.extend(_toneless(readings[0]) for readings in phrase)
            continue
        for char in piece:
            readings = PINYIN_DICT.get(ord(char))
            if readings is None:
                return None
            sylls.append(_toneless(readings.split(",")[0]))
    if len(sylls) != len(word) or any(s not in table for s in sylls):
        return None
    return tuple(sylls)


def _char_readings(char: str) -> list[str]:
    from pypinyin.contrib.tone_convert import to_normal
    from pypinyin.pinyin_dict import pinyin_dict

    value = pinyin_dict.get(ord(char), "")
    seen: list[str] = []
    for p in value.split(","):
        s = to_normal(p, v_to_u=False) if p else ""
        if s and s not in seen:
            seen.append(s)
    return seen


def build_base() -> Lexicon:
    """jieba's words (≥ :data:`MIN_FREQ` uses) and single characters, read with pypinyin."""
    table = syllable_table()
    known = set(table)
    entries: list[Entry] = []
    chars: dict[str, int] = {}
    for word, freq in _jieba_words():
        if len(word) == 1:
            chars[word] = max(chars.get(word, 0), freq)
            continue
        for c in word:
            chars.setdefault(c, 1)
        if freq < MIN_FREQ:
            continue
        sylls = readings(word, known)
        if sylls:
            entries.append(Entry(word, sylls, math.log(freq)))
    for char, freq in chars.items():
        for n, s in enumerate(_char_readings(char)):
            if s in known:
                entries.append(Entry(char, (s,), math.log(freq + 1) - (_OTHER_READING if n else 0)))
    return Lexicon.from_entries(table, entries)


def report_words(texts: Iterable[str]) -> Counter[str]:
    """Words of two or more Chinese characters in the reports, with their counts,
    and phrases of two words (主动 + 公开 → 主动公开), or of three that recur."""
    jieba = _jieba()
    counts: Counter[str] = Counter()
    phrases: dict[int, Counter[str]] = {2: Counter(), 3: Counter()}
    for text in texts:
        run: list[str] = []
        for word in [*jieba.lcut(text), ""]:
            if not (word and HANZI_WORD.match(word)):
                run = []
                continue
            if len(word) >= 2:
                counts[word] += 1
            run.append(word)
            for n, found in phrases.items():
                phrase = "".join(run[-n:])
                if len(run) >= n and len(phrase) <= _LONGEST_PHRASE:
                    found[phrase] += 1
    counts.update(phrases[2])
    counts.update({p: c for p, c in phrases[3].items() if c >= 2})
    return counts


def build_reports(base: Lexicon, texts: Iterable[str]) -> Lexicon:
    """The words of the reports, scored above the base."""
    table = base.syllables.table
    known = set(table)
    base_scores = _scores_by_word(base)
    entries: list[Entry] = []
    for word, count in report_words(texts).items():
        sylls = readings(word, known)
        if sylls is None:
            continue
        score = base_scores.get(word, math.log(_UNKNOWN_FREQ)) + REPORT_BOOST + math.log(count) / 4
        entries.append(Entry(word, sylls, score))
        if word not in base_scores:  # a name pypinyin may misread (昆都仑 as kun dou lun)
            for other in _other_readings(word, sylls, known):
                entries.append(Entry(word, other, score - _OTHER_READING))
    return Lexicon.from_entries(table, entries)


def _other_readings(
    word: str, sylls: tuple[str, ...], known: set[str], most: int = 3
) -> list[tuple[str, ...]]:
    """Readings of ``word`` with one character read another way it can be read."""
    out: list[tuple[str, ...]] = []
    for i, char in enumerate(word):
        for s in _char_readings(char):
            if s != sylls[i] and s in known and len(out) < most:
                out.append((*sylls[:i], s, *sylls[i + 1 :]))
    return out


def _scores_by_word(lex: Lexicon) -> dict[str, float]:
    out: dict[str, float] = {}
    for i in range(len(lex)):
        if lex.offs[i + 1] - lex.offs[i] > 1:
            out[lex.word(i)] = lex.scores[i]
    return out
