"""Full-text search over the sentence index, with highlighted snippets.

Query handling never raises and never hands user text to FTS5 as syntax: the
query is cut to 200 characters, normalised (NFKC, lower case, control and
format characters, lone surrogates and emoji dropped), segmented with jieba,
and every token is reduced to letters and digits and quoted. ``AND``, ``OR``,
``NEAR``, ``*``, ``"``, ``:``, ``^`` and parentheses are thus plain words or
nothing at all.

Ranking
-------
Candidates are the best 120 rows by FTS5 BM25 over the body and section
columns (any query token; in a library of more than 4,000 sentences only the
rarest tokens fetch, so that BM25 never ranks more than ~4,000 rows, and a
single token matching more fetches the newest rows unranked), plus — for CJK
terms of one or two characters, which jieba may have kept inside a longer word —
60 rows whose text contains the term (the character column, see
:mod:`kiosk.search.index`). Each candidate then scores::

    bm25 / best bm25                               0 … 1   (0 for substring-only rows)
  + coverage: idf-weighted share of the terms       0 … 1   (a synonym counts 0.8)
    found in the sentence
  + 0.5 when every term is in the sentence
  + 0.3 × share of terms found in the section headings
  + 0.2 when the sentence is itself a matching heading
  + 0.5 when the query's words occur together, in order, as one phrase

Ties go to the newer report, then to the earlier sentence. IDF weights come
from the FTS vocabulary, so common words (政府, 信息) count less than rare ones.
"""

from __future__ import annotations

import html
import math
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from kiosk.search._lexicon import QUESTION_WORDS, SYNONYMS
from kiosk.search._text import (
    MAX_QUERY_CHARS,
    contains,
    fts_any,
    has_cjk,
    is_cjk_char,
    normalize,
    normalize_with_map,
    tokens,
    words,
)
from kiosk.search.index import COMMON_ROWS, Row, SearchIndex
from kiosk.search.results import Hit, Query, SearchResults, Term

CANDIDATES = 120
SUBSTRING_CANDIDATES = 60
SNIPPET_CHARS = 160
SYNONYM_CREDIT = 0.8
PART_CREDIT = 0.7
#: A library word that sounds the same (首费 → 收费), or nearly (日线 → 热线).
HOMOPHONE_CREDIT = 0.75
NEAR_CREDIT = 0.65
#: Measure words: in a question they name the unit asked for, not a topic.
UNIT_CHARS = frozenset("个条件人名位次场项篇份期家所天封台元年月日")
_COUNT_WORD = re.compile(r"^(?:几|多少)[个条件人名位次场项篇份期家所天封台元]*$")
_ASCII = re.compile(r"^[a-z0-9]+$")


def _short_cjk(word: str) -> bool:
    return len(word) <= 2 and all(is_cjk_char(ch) for ch in word)


def _is_question_word(word: str) -> bool:
    return word in QUESTION_WORDS or bool(_COUNT_WORD.match(word))


def make_term(word: str, synonyms: bool = True) -> Term:
    if not synonyms:
        return Term(word)
    parts = [
        (sub, *SYNONYMS.get(sub, ()))
        for sub in dict.fromkeys(tokens(word))
        if sub != word and len(sub) >= 2 and not _is_question_word(sub)
    ]
    if len(parts) < 2:  # one part alone (下一步 → 一步) says little about the word
        parts = []
    return Term(word, tuple(SYNONYMS.get(word, ())), tuple(parts))


@lru_cache(maxsize=16)
def _keep_pattern(keep: tuple[str, ...]) -> re.Pattern[str]:
    phrases = {w for w in (*SYNONYMS, *QUESTION_WORDS) if len(w) >= 3 and has_cjk(w)}
    phrases |= {w for w in keep if len(w) >= 2}
    ordered = sorted(phrases, key=len, reverse=True)  # longest first: 石桥县 before 石桥
    return re.compile("|".join(re.escape(w) for w in ordered) or "(?!)")


def _segment(text: str, keep: tuple[str, ...] = ()) -> list[str]:
    """jieba words, except that lexicon phrases of 3+ characters (下一步, 打官司,
    有没有, …) and the ``keep`` words (place names of the reports) stay whole:
    jieba would cut 石桥县下一步 as 石桥/县下/一步."""
    out: list[str] = []
    start = 0
    for m in _keep_pattern(keep).finditer(text):
        out += words(text[start : m.start()])
        out.append(m.group(0))
        start = m.end()
    return out + words(text[start:])


def parse_query(
    q: object, *, question: bool = False, synonyms: bool = True, keep: Sequence[str] = ()
) -> Query:
    """Normalise and segment ``q``; never raises. ``question`` drops measure words;
    ``keep`` lists words to keep whole (place names)."""
    raw = q if isinstance(q, str) else ""
    text = normalize(raw, limit=MAX_QUERY_CHARS)
    truncated = len(raw) > MAX_QUERY_CHARS
    language = "zh" if has_cjk(text) or not re.search(r"[a-z]", text) else "en"
    if not text:
        return Query(raw[:MAX_QUERY_CHARS], "", (), "empty", truncated, language)
    found = _segment(text, keep if isinstance(keep, tuple) else tuple(keep))
    kept = [w for w in found if not _is_question_word(w)]
    if question:
        kept = [w for w in kept if w not in UNIT_CHARS] or kept
    elif not kept:
        kept = found  # a search for a question word alone still searches
    kept = list(dict.fromkeys(kept))
    terms = tuple(make_term(w, synonyms) for w in kept)
    reason = None if terms else "unusable"
    return Query(raw[:MAX_QUERY_CHARS], text, terms, reason, truncated, language)


def term_credit(term: Term, norm: str) -> float:
    """1 when the term itself is in the text, 0.8 for a synonym, 0.75 for a homophone
    and 0.65 for a near homophone, 0.7 × the share of its parts that are, else 0."""
    if contains(term.word, norm):
        return 1.0
    if any(contains(a, norm) for a in term.synonyms):
        return SYNONYM_CREDIT
    if any(contains(a, norm) for a in term.homophones):
        return HOMOPHONE_CREDIT
    if any(contains(a, norm) for a in term.near):
        return NEAR_CREDIT
    if term.parts:
        present = sum(any(contains(a, norm) for a in part) for part in term.parts)
        return PART_CREDIT * present / len(term.parts)
    return 0.0


def term_weights(
    index: SearchIndex, conn: sqlite3.Connection, terms: Sequence[Term]
) -> list[float]:
    """BM25-style IDF of each term over the sentences (rare words weigh more); a word
    the library does not have but sounds like weighs as the most used of those."""
    n = max(index.sentence_count(), 1)
    out = []
    for term in terms:
        df = max(_frequency(index, conn, w) for w in term.sounds or (term.word,))
        out.append(math.log(1 + (n - df + 0.5) / (df + 0.5)))
    return out


def _frequency(index: SearchIndex, conn: sqlite3.Connection, word: str) -> int:
    toks = tokens(word) or (word,)
    df = (
        index.document_frequency(conn, word)
        if word in toks
        else min(index.document_frequency(conn, t) for t in toks)
    )
    if _short_cjk(word):  # often inside longer words: count where it occurs
        df = max(df, index.substring_frequency(conn, word))
    return df


def candidates(
    index: SearchIndex,
    conn: sqlite3.Connection,
    terms: Sequence[Term],
    *,
    scope: Sequence[str] = (),
    limit: int = CANDIDATES,
) -> dict[int, float]:
    """rowid → bm25 (negative, lower is better; 0.0 for unranked rows)."""
    n = max(index.sentence_count(), 1)
    pool = [t for term in terms for a in term.alternatives for t in tokens(a)]
    pool = list(dict.fromkeys(pool))
    found: dict[int, float] = {}
    if scope or n <= COMMON_ROWS:
        chosen, ranked = pool, True
    else:  # big library: fetch with the rarest words while BM25 stays cheap
        chosen, rows = [], 0
        for token in sorted(pool, key=lambda t: index.token_frequency(conn, t)):
            rows += index.token_frequency(conn, token)
            if chosen and rows > COMMON_ROWS:
                break
            chosen.append(token)
        ranked = rows <= COMMON_ROWS  # else one very common word: newest first
    if chosen:  # words left out still count in the scores; they just do not fetch
        expression = "{body section} : (" + fts_any(chosen) + ")"
        found.update(index.match(conn, expression, scope, limit, ranked=ranked))
    for term in terms:
        if _short_cjk(term.word):
            for rowid in index.substring_matches(conn, term.word, scope, SUBSTRING_CANDIDATES):
                found.setdefault(rowid, 0.0)
    return found


def search(
    index: SearchIndex, q: object, limit: int = 20, *, slug: str | None = None
) -> SearchResults:
    """Find sentences for ``q`` (optionally within one report); see the module docstring."""
    query = parse_query(q)
    limit = max(0, min(limit if isinstance(limit, int) else 20, 200))
    if query.reason or not limit:
        return SearchResults([], query)
    reports = index.reports()
    scope = [reports[slug].scope] if slug and slug in reports else []
    if slug and not scope:
        return SearchResults([], query)
    with index.reading() as conn:
        weights = term_weights(index, conn, query.terms)
        found = candidates(index, conn, query.terms, scope=scope)
        rows = index.rows(conn, found)
    best = min((b for b in found.values() if b < 0), default=-1.0)
    phrase = ("" if has_cjk(query.text) else " ").join(t.word for t in query.terms)
    scored = []
    for rowid, row in rows.items():
        score = _score(row, found[rowid], best, query.terms, weights, phrase)
        scored.append((-score, -(row.year or 0), row.slug, row.position, row))
    scored.sort(key=lambda item: item[:4])
    hits = [_hit(row, -neg, query.terms) for neg, *_, row in scored[:limit]]
    return SearchResults(hits, query)


def _score(
    row: Row,
    bm25: float,
    best: float,
    terms: Sequence[Term],
    weights: Sequence[float],
    phrase: str,
) -> float:
    """The score of one candidate (see "Ranking" in the module docstring)."""
    total = sum(weights) or 1.0
    credits = [term_credit(t, row.norm) for t in terms]
    coverage = sum(w * c for w, c in zip(weights, credits, strict=True)) / total
    heading = f"{row.outer} {row.inner}"
    in_heading = sum(1 for t in terms if term_credit(t, heading)) / max(len(terms), 1)
    score = (bm25 / best if bm25 < 0 else 0.0) + coverage + 0.3 * in_heading
    if all(credits):
        score += 0.5
    if row.block_type == "heading" and any(credits):
        score += 0.2
    text = row.norm.replace(" ", "") if has_cjk(phrase) else row.norm
    if len(terms) > 1 and phrase in text:
        score += 0.5
    return score


def _hit(row: Row, score: float, terms: Sequence[Term]) -> Hit:
    marks = [a for t in terms for a in t.alternatives]
    return Hit.from_row(row, score, snippet=snippet(row.text, marks))


def match_spans(text: str, needles: Iterable[str]) -> list[tuple[int, int]]:
    """Merged (start, end) spans of ``text`` where any normalised needle occurs."""
    norm, origin = normalize_with_map(text)
    spans: list[tuple[int, int]] = []
    for needle in dict.fromkeys(n for n in needles if n):
        if _ASCII.match(needle):
            pattern = rf"(?<![a-z0-9]){re.escape(needle)}[a-z]*"
        else:
            pattern = re.escape(needle)
        for m in re.finditer(pattern, norm):
            spans.append((origin[m.start()], origin[m.end() - 1] + 1))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


@dataclass
class _Window:
    start: int = 0
    end: int = 0
    spans: list[tuple[int, int]] = field(default_factory=list)


def snippet(text: str, needles: Iterable[str], width: int = SNIPPET_CHARS) -> str:
    """HTML-safe snippet: ``text`` escaped piece by piece, matches wrapped in ``<mark>``.

    Texts longer than ``width`` are cut around the first match, with "…".
    """
    spans = match_spans(text, needles)
    window = _Window(0, len(text), spans)
    if len(text) > width:
        first = spans[0][0] if spans else 0
        start = max(0, min(first - width // 4, len(text) - width))
        window = _Window(start, start + width, [(s, e) for s, e in spans if s < start + width])
    out = ["…"] if window.start > 0 else []
    pos = window.start
    for start, end in window.spans:
        start, end = max(start, pos), min(end, window.end)
        if start >= end:
            continue
        out.append(html.escape(text[pos:start]))
        out.append(f"<mark>{html.escape(text[start:end])}</mark>")
        pos = end
    out.append(html.escape(text[pos : window.end]))
    if window.end < len(text):
        out.append("…")
    return "".join(out)
