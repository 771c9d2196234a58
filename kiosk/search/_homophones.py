"""Words of the library that sound like a question word the library does not have.

A recogniser hears 热线 as 日线, 收费 as 首费, 复议 as 副业; an elderly visitor
on a pinyin keyboard picks 首费 for 收费. Such a word occurs nowhere in the
index, so 智能问答 would drop it. :func:`expand` gives each such word, as
alternatives at a lower credit than a synonym (see :mod:`kiosk.search.ask`):

* **homophones**: library words with the same toneless pinyin (首费 → 收费);
* else **near homophones**: library words that differ in one syllable, with the
  same initial and a final one letter away (日线 ri-xian → 热线 re-xian, 副业 fu-ye → 复议 fu-yi; not 不服 bu-fu →
  部分 bu-fen) or by one of the IME's fuzzy pairs (z/zh, c/ch, s/sh, n/l, f/h,
  an/ang, en/eng, in/ing; :mod:`kiosk.ime.syllables`); at most
  :data:`MAX_NEAR`, the library's most used first.

An unknown word of one character, or one without homophones of its own, is
also tried run together with the word next to it, for homophones only
(规范 + 话 → 规范话 gui-fan-hua → 规范化; 电子 + 话率 → 电子话 → 电子化).

:func:`correct` puts the library's word into a transcript when exactly one word
sounds the same (说出问题 shows 市长信箱 for 市长信象); 智能问答 does not need it.

The pinyin → words map of the index vocabulary (the jieba tokens of the body
and heading columns, two or more hanzi) is built once per index version, on
the first question that needs it (or in the background after the index is
built, :mod:`kiosk.services`), with pypinyin's readings as the IME lexicon reads
them (:func:`kiosk.ime.lexicon.readings`). Measured (``python -m bench.search``):
see the figures there and in CHANGELOG.md.
"""

from __future__ import annotations

import functools
import sqlite3
import threading
import weakref
from collections.abc import Sequence
from dataclasses import dataclass, replace

from kiosk.ime.syllables import FUZZY_PAIRS, HANZI_WORD, normalise, split_initial
from kiosk.search._lexicon import QUESTION_WORDS, SYNONYMS
from kiosk.search._text import load_jieba, normalize
from kiosk.search.index import SearchIndex
from kiosk.search.results import Term

#: Near homophones kept per word (the most used in the library first).
MAX_NEAR = 3
#: A question word this frequent in jieba's dictionary (≈ 0.4 million words of
#: text) gains no homophones: 副业 (112) still becomes 复议, 权利 (7,829) is meant.
COMMON_WORD = 500
#: A transcript's word is replaced only below this (半节 11, 期中 48; 一件 6,216 and
#: 十五 2,584 are left as said).
COMMON_TO_CORRECT = 50
_ALL_FUZZY = frozenset(FUZZY_PAIRS)
_BUILD_LOCK = threading.Lock()


@dataclass(frozen=True)
class Sounds:
    """The index vocabulary by toneless pinyin (``"re xian"`` → 热线, …)."""

    words: dict[str, tuple[str, ...]]
    #: Every syllable of the vocabulary, by its initial (for near homophones).
    by_initial: dict[str, tuple[str, ...]]
    #: Every syllable by its spelling with all fuzzy pairs folded (zh→z, ang→an, …).
    by_fuzzy: dict[str, tuple[str, ...]]

    def homophones(self, sylls: Sequence[str]) -> tuple[str, ...]:
        return self.words.get(" ".join(sylls), ())

    def near(self, sylls: Sequence[str]) -> list[str]:
        """Words that differ from ``sylls`` in one syllable (see the module docstring)."""
        found: list[str] = []
        for i, syllable in enumerate(sylls):
            for other in self._near_syllables(syllable):
                key = " ".join((*sylls[:i], other, *sylls[i + 1 :]))
                found.extend(self.words.get(key, ()))
        return list(dict.fromkeys(found))

    def _near_syllables(self, syllable: str) -> list[str]:
        initial, final = split_initial(syllable)
        same = [
            s
            for s in (self.by_initial.get(initial, ()) if initial else ())
            if _one_edit(final, split_initial(s)[1])
        ]
        fuzzy = self.by_fuzzy.get(normalise(syllable, _ALL_FUZZY), ())
        return [s for s in dict.fromkeys((*same, *fuzzy)) if s != syllable]


#: The map of each index, with the index version it was built for.
_BUILT: weakref.WeakKeyDictionary[SearchIndex, tuple[int, Sounds]] = weakref.WeakKeyDictionary()


def _one_edit(a: str, b: str) -> bool:
    """Whether two finals differ by one letter changed, added or dropped (e/i, ao/a)."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = sorted((a, b), key=len)
    return any(long[:k] + long[k + 1 :] == short for k in range(len(long)))


@functools.lru_cache(
    maxsize=1 << 17
)  # a big library's vocabulary; a map built again reads none anew
def _read(word: str) -> tuple[str, ...] | None:
    """Toneless pinyin of a word of hanzi, as the IME lexicon reads it."""
    from kiosk.ime.lexicon import readings  # pypinyin: only when a question needs it

    return readings(word, _syllables())


@functools.cache
def _syllables() -> frozenset[str]:
    from kiosk.ime.lexicon import syllable_table

    return frozenset(syllable_table())


def build(conn: sqlite3.Connection) -> Sounds:
    """The map of the index's vocabulary (two or more hanzi), from the FTS vocabulary."""
    sql = "SELECT DISTINCT term FROM fts_vocab WHERE col IN ('body', 'section')"
    words: dict[str, list[str]] = {}
    syllables: set[str] = set()
    for (term,) in conn.execute(sql):
        if len(term) < 2 or not HANZI_WORD.match(term):
            continue
        sylls = _read(term)
        if sylls is None:
            continue
        words.setdefault(" ".join(sylls), []).append(term)
        syllables.update(sylls)
    by_initial: dict[str, list[str]] = {}
    by_fuzzy: dict[str, list[str]] = {}
    for s in sorted(syllables):
        by_initial.setdefault(split_initial(s)[0], []).append(s)
        by_fuzzy.setdefault(normalise(s, _ALL_FUZZY), []).append(s)
    return Sounds(
        {k: tuple(v) for k, v in words.items()},
        {k: tuple(v) for k, v in by_initial.items()},
        {k: tuple(v) for k, v in by_fuzzy.items()},
    )


def sounds(index: SearchIndex) -> Sounds:
    """The map for the index as it is now: built once per index version, by one
    thread at a time (kept beside the index, not in its byte-bounded memo cache: a
    library of 100,000 words makes a map of ~22 MB, more than that cache keeps)."""
    version = index.version
    kept = _BUILT.get(index)
    if kept is not None and kept[0] == version:
        return kept[1]
    # The index's read lock first, then ours, in every thread: a caller inside
    # index.reading() (ask, correct) and the start-up warm-up would otherwise take
    # them in opposite orders, a deadlock for an index in memory.
    with index.reading() as conn, _BUILD_LOCK:
        kept = _BUILT.get(index)
        if kept is not None and kept[0] == version:
            return kept[1]
        table = build(conn)
        if index.version == version:  # not from a snapshot older than a sync just done
            _BUILT[index] = (version, table)
        return table


def expand(
    index: SearchIndex, conn: sqlite3.Connection, terms: Sequence[Term], text: str
) -> list[Term]:
    """``terms`` with homophones for the words the index does not have (see the
    module docstring); terms the index has are returned as they are."""
    unknown = [_unknown(index, conn, t) for t in terms]
    if not any(unknown):
        return list(terms)
    table = sounds(index)
    out: list[Term] = []
    for i, term in enumerate(terms):
        if not unknown[i]:
            out.append(term)
            continue
        sylls = _read(term.word) if len(term.word) > 1 else None
        same = table.homophones(sylls) if sylls else ()
        if not same:
            before = terms[i - 1].word if i else ""
            after = terms[i + 1].word if i + 1 < len(terms) else ""
            same = _joined(table, term.word, before, after, text)
        if same:
            out.append(replace(term, homophones=same))
        elif sylls:
            near = sorted(table.near(sylls), key=lambda w: -index.token_frequency(conn, w))
            out.append(replace(term, near=tuple(near[:MAX_NEAR])))
        else:
            out.append(term)
    return out


def _unknown(
    index: SearchIndex, conn: sqlite3.Connection, term: Term, common: int = COMMON_WORD
) -> bool:
    """A word of hanzi that is no token of the index, no place, has no synonyms and
    is rarer than ``common`` in jieba's dictionary: a common word (权利, 高校, 注意)
    is what the visitor meant, not a slip for a word of the library (权力, 高效, 主义)."""
    word = term.word
    return (
        not term.synonyms
        and bool(HANZI_WORD.match(word))
        and word not in index.places()
        and index.token_frequency(conn, word) == 0
        and load_jieba().dt.FREQ.get(word, 0) < common
    )


def _joined(table: Sounds, word: str, before: str, after: str, text: str) -> tuple[str, ...]:
    """Library words that sound like ``word`` run together with the end of the word
    before it or the start of the word after it, or the whole of that word and part
    of ``word``, as they stand in the question (电子 + 话率: 电子话 → 电子化; not
    行政 + 副业: 政副 → 政府; the longest win)."""
    found: list[str] = []
    for left, right in ((before, word), (word, after)):
        run = left + right
        if not (left and right and run in text and HANZI_WORD.match(run)):
            continue
        cut = len(left)
        spans = [(a, len(run)) for a in range(1, cut)] + [(0, b) for b in range(cut + 1, len(run))]
        for a, b in [(0, len(run)), *spans]:  # the whole of one word and part of the other
            sylls = _read(run[a:b])
            found.extend(table.homophones(sylls) if sylls else ())
    longest = max(map(len, found), default=0)
    return tuple(dict.fromkeys(w for w in found if len(w) == longest))


def correct(index: SearchIndex, text: str) -> str:
    """``text`` (a transcript) with each word the library does not have replaced by
    the library's word that sounds the same, when there is exactly one (市长信象 →
    市长信箱, 半节率 → 办结率, 首费 → 收费); near homophones are left as heard."""
    words = load_jieba().lcut(text)
    if not any(HANZI_WORD.match(w) and len(w) > 1 for w in words):
        return text
    table: Sounds | None = None
    out = list(words)
    with index.reading() as conn:
        for i, word in enumerate(words):
            plain = normalize(word)
            if len(plain) < 2 or plain in QUESTION_WORDS or plain in SYNONYMS:
                continue
            if not _unknown(index, conn, Term(plain), common=COMMON_TO_CORRECT):
                continue
            table = table or sounds(index)
            sylls = _read(plain)
            same = table.homophones(sylls) if sylls else ()
            if len(same) == 1:
                out[i] = same[0]
    return "".join(out)
