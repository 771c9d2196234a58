"""智能问答: extractive answers — the sentence of a report that best answers a question.

The answer is always a sentence (or table row) from the index, verbatim, with
its report, section and sentence id; nothing is generated.

Understanding the question
--------------------------
The question is normalised and segmented with jieba; question words and
particles (多少, 几, 哪些, 什么, 怎么, 是否, 吗, 呢, 请问, 我想知道, 有没有, …)
and measure words (个, 条, 件, …) are dropped, and each remaining word brings its synonyms
from :data:`kiosk.search._lexicon.SYNONYMS` (打官司 → 诉讼/起诉, 花钱 → 费用/支出,
网站 → 网上/网络, …). Then:

* a year (2013年) that is the year of some report restricts the answer to those
  reports (when the library holds several years); other years stay words;
* ``slug`` restricts the answer to one report (a visitor asking from a report page);
* a place name of some reports (石桥县, or just 石桥; taken from the titles,
  publishers and sources) restricts it to those reports, and is kept whole
  when segmenting (jieba would cut 石桥县下一步 as 石桥/县下/一步);
* 多少 / 几 / 百分之 / 比例 / 率 / how many make it a *number question*, and
  多少条 / 几个 / … name the unit (条, 件, 个, 人, 元, %; 人 also matches 名 and 人次);
* 问题 / 不足 ask for *problems*, 措施 / 改进 / 打算 / 计划 / 下一步 for *plans*;
* a word of hanzi the index does not have (no token of it, no place, no synonym)
  brings the library's words that sound like it (:mod:`kiosk.search._homophones`):
  the same toneless pinyin (首费 → 收费), else one syllable a letter of its final
  or a fuzzy pair away (日线 → 热线, 副业 → 复议, 辩名 → 便民), else run together
  with the word beside it (电子 + 话率 → 电子化); such a word weighs as the most
  used of those it sounds like (a misheard word is not a rare one).

Scoring a candidate sentence
----------------------------
Candidates come from :func:`kiosk.search.query.candidates` (BM25 over words and
headings, plus substring matches). With IDF weights ``w`` (rare words weigh more)
and credit ``c`` per word (1 for the word, 0.8 for a synonym, 0.75 for a homophone,
0.65 for a near homophone, 0.7 × the share of its parts for a long word only
partly there: 热线电话 → 热线, 电话)::

    match   = Σ w·c(sentence) / Σ w                         0 … 1
            + Σ over words not in the sentence of
              w·max(0.8·c(innermost heading or list intro),
                    0.5·c(outer headings)) / Σ w
              (a word of the report's title, publisher or source — its place,
              its year — counts 1 for every sentence of that report)
    score   = match + 0.1 · bm25 / best bm25
            + number question: +0.15 if the sentence has a number or says
              none (未/无/没有/零), +0.15 more if a number stands before an asked
              unit or the sentence is a table row; −0.25 if it has neither
            + problem / plan question: +0.25 if the section headings carry
              问题/不足 resp. 措施/改进/计划 (for a list, its intro sentence
              "…存在一些不足：" decides when it names either), +0.1 more for
              list items (一是… 二是…); −0.1 if not
            + yes/no question (吗, 有没有): +0.05 for a figure or a "none"
            + 去年/最新: +0.05 for the newest report
            + 0.1 for the opening sentence of a section or list item whose
              heading (or list intro) holds a question word
            + 0.05 when the sentence names the year asked for
            + 0.1 × share of neighbouring question words found side by side
            − 0.6 for headings and table header rows (they name, not answer)
            − 0.3 for a sentence in another language than the question
            − up to 0.1 for very long sentences

The answer is found when ``match ≥ 0.5`` and ``score ≥ 0.6``; ``confidence`` is
``min(1, score / 1.6)``. Sentences with the same text in a report count once. Otherwise the answer says 报告中没有找到答案 and lists
the sections where the question's words do occur.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from kiosk.search import _lexicon as lex
from kiosk.search._homophones import expand
from kiosk.search._text import contains, has_cjk
from kiosk.search.index import ReportInfo, Row, SearchIndex, year_token
from kiosk.search.query import (
    candidates,
    make_term,
    parse_query,
    term_credit,
    term_weights,
)
from kiosk.search.results import NOT_FOUND, Answer, Candidate, Query, SectionRef, Term

MIN_MATCH = 0.5
MIN_SCORE = 0.6
INNER_HEADING_CREDIT = 0.8
OUTER_HEADING_CREDIT = 0.5
TITLE_CREDIT = 1.0
MAX_NAMED = 50
_NUMBER = re.compile(r"\d|[零一二三四五六七八九十百千万两]+[个条件项人名次场篇份期家所]")
_NONE = re.compile(r"未|无|没有|为零|均为免费|\bno\b|\bnone\b|\bnot\b")
_YEAR_WORD = re.compile(r"^(?:19|20)\d\d$")


@dataclass
class _Intent:
    number: bool = False
    units: tuple[str, ...] = ()
    problem: bool = False
    plan: bool = False
    yes_no: bool = False
    newest: bool = False
    years: tuple[int, ...] = ()
    dropped_years: tuple[int, ...] = ()  # years that chose the reports instead of matching
    language: str = "zh"
    terms: list[Term] = field(default_factory=list)
    pairs: tuple[str, ...] = ()


def ask(index: SearchIndex, question: object, *, slug: str | None = None) -> Answer:
    """Answer ``question`` with the best sentence of the index (see the module docstring)."""
    reports = index.reports()
    query = parse_query(question, question=True, keep=tuple(index.places()))
    lang = query.language
    if query.reason:
        return Answer(query.raw, False, None, (), 0.0, query.message(lang), (), query.reason, lang)
    intent = _intent(query, [r.context for r in reports.values()])
    slugs = _scope(intent, reports, slug)
    terms = intent.terms
    if not terms or not slugs:
        return _not_found(query, [])
    slugs = _named_reports(terms, slugs, index.places()) or slugs
    with index.reading() as conn:
        terms = intent.terms = expand(index, conn, terms, query.text)
        weights = term_weights(index, conn, terms)
        found = candidates(index, conn, terms, scope=_scope_tokens(slugs, reports))
        rows = index.rows(conn, found)
    newest = max((r.year or 0 for r in reports.values()), default=0)
    best_bm25 = min((b for b in found.values() if b < 0), default=-1.0)
    scored: list[tuple[float, float, Row]] = []
    memo: dict[str, float] = {}
    for rowid, row in rows.items():
        info = reports.get(row.slug)
        if info is None:  # indexed after `reports` was read: next time
            continue
        match = _match(row, terms, weights, info.context, memo)
        score = match + 0.1 * (found[rowid] / best_bm25 if found[rowid] < 0 else 0.0)
        score += _boosts(row, intent, newest) + 0.1 * _adjacent(row, intent.pairs)
        scored.append((score, match, row))
    scored.sort(key=lambda t: (-t[0], -(t[2].year or 0), t[2].slug, t[2].position))
    ranked = _distinct(scored)
    if not ranked or ranked[0][1] < MIN_MATCH or ranked[0][0] < MIN_SCORE:
        return _not_found(query, [row for _, _, row in ranked])
    top_score, _, top = ranked[0]
    return Answer(
        question=query.raw,
        found=True,
        answer=_candidate(top, top_score),
        candidates=tuple(_candidate(row, s) for s, _, row in ranked[1:4]),
        confidence=round(min(1.0, top_score / 1.6), 3),
        language=lang,
    )


def _intent(query: Query, titles: Sequence[str] = ()) -> _Intent:
    text = query.text
    intent = _Intent(
        number=lex.number_question(text),
        units=lex.asked_units(text),
        problem=lex.problem_question(text),
        plan=lex.plan_question(text),
        yes_no=lex.yes_no_question(text),
        newest=lex.asks_newest(text),
        years=lex.years(text),
        language=query.language,
    )
    intent.terms = _merge_title_words(list(query.terms), text, titles)
    words = [t.word for t in intent.terms]
    intent.pairs = tuple(
        a + b for a, b in zip(words, words[1:], strict=False) if has_cjk(a + b) and a + b in text
    )
    return intent


def _merge_title_words(terms: list[Term], text: str, titles: Sequence[str]) -> list[Term]:
    """Join neighbouring words that together name something in a report title
    (石桥 + 县 → 石桥县): a place name is one thing, not two."""
    out: list[Term] = []
    for term in terms:
        if out:
            joined = out[-1].word + term.word
            if has_cjk(joined) and joined in text and any(joined in t for t in titles):
                out[-1] = make_term(joined)
                continue
        out.append(term)
    return out


def _named_reports(
    terms: Sequence[Term], slugs: Sequence[str], places: dict[str, frozenset[str]]
) -> list[str]:
    """Reports whose place (昆都仑区, 昆区, 青山区; from the title, publisher or
    source) the question names — 石桥 names 石桥县 — when it names only a few."""
    allowed = set(slugs)
    named: set[str] = set()
    for term in terms:
        hits = places.get(term.word, frozenset()) & allowed
        if 0 < len(hits) < len(allowed) and len(hits) <= MAX_NAMED:
            named |= hits
    return sorted(named)


def _scope_tokens(slugs: Sequence[str], reports: dict[str, ReportInfo]) -> list[str]:
    """FTS scope tokens for ``slugs``: none for all reports, else the reports' own
    tokens (or, for many reports of some years, the year tokens)."""
    if len(slugs) == len(reports):
        return []
    if len(slugs) <= 64:
        return [reports[s].scope for s in slugs]
    years = {reports[s].year for s in slugs}
    return [year_token(y) for y in sorted(y for y in years if y)]


def _scope(intent: _Intent, reports: dict[str, ReportInfo], slug: str | None) -> list[str]:
    """Slugs the answer may come from; drops year words that selected reports."""
    infos = list(reports.values())
    if slug is not None:
        return [slug] if slug in reports else []
    slugs = [r.slug for r in infos]
    years = {r.year for r in infos if r.year}
    asked = [y for y in intent.years if y in years]
    if asked and len(years) > 1:
        slugs = [r.slug for r in infos if r.year in asked]
        wanted = {str(y) for y in asked}
        intent.terms = [t for t in intent.terms if t.word not in wanted]
        intent.dropped_years = tuple(asked)
    elif asked:
        intent.terms = [t for t in intent.terms if not _YEAR_WORD.match(t.word)] or intent.terms
    return slugs


def _match(
    row: Row, terms: Sequence[Term], weights: Sequence[float], title: str, memo: dict[str, float]
) -> float:
    """Weighted share of the question's words found in the sentence or its context."""
    total = sum(weights) or 1.0
    contexts = (
        (INNER_HEADING_CREDIT, row.inner),
        (INNER_HEADING_CREDIT, row.intro),
        (OUTER_HEADING_CREDIT, row.outer),
    )
    score = 0.0
    for term, weight in zip(terms, weights, strict=True):
        credit = term_credit(term, row.norm)
        if credit < 1.0 and contains(term.word, title):  # the place or year of the report
            credit = TITLE_CREDIT
        if credit < 1.0:
            for factor, text in contexts:
                key = f"{term.word}\n{text}"
                found = memo.get(key)
                if found is None:
                    found = memo[key] = term_credit(term, text)
                credit = max(credit, factor * found)
        score += weight * credit
    return score / total


def _adjacent(row: Row, pairs: Sequence[str]) -> float:
    """Share of adjacent question-word pairs (信息栏+公开 → 信息栏公开) found together."""
    if not pairs:
        return 0.0
    text = row.norm.replace(" ", "")
    return sum(p in text for p in pairs) / len(pairs)


def _boosts(row: Row, intent: _Intent, newest: int) -> float:
    """What the kind of question asks for (see the module docstring), plus or minus."""
    boost = 0.0
    text = row.norm
    has_number = bool(_NUMBER.search(text))
    says_none = bool(_NONE.search(text))
    if intent.number:
        if has_number or says_none:
            boost += 0.15
            table_row = row.block_type == "table" and not row.header_row
            if table_row or any(re.search(rf"\d\s*{re.escape(u)}", text) for u in intent.units):
                boost += 0.15
        else:
            boost -= 0.25
    if intent.problem or intent.plan:
        words = (lex.PROBLEM_WORDS if intent.problem else ()) + (
            lex.PLAN_WORDS if intent.plan else ()
        )
        context = f"{row.outer} {row.inner}"
        # "仍存在一些不足：" / "将重点做好以下工作：" say which list this is
        if any(w in row.intro for w in lex.PROBLEM_WORDS + lex.PLAN_WORDS):
            context = row.intro
        if any(w in context for w in words):
            boost += 0.25
            if row.block_type == "list":  # 一是… 二是…: the items are the answer
                boost += 0.1
        else:
            boost -= 0.1
    if intent.yes_no and (has_number or says_none):
        boost += 0.05
    if intent.newest and row.year == newest:
        boost += 0.05
    if row.block_type == "heading" or row.header_row:
        boost -= 0.6
    lead_context = f"{row.inner} {row.intro}"
    if row.lead and any(term_credit(t, lead_context) for t in intent.terms):
        boost += 0.1  # the sentence that opens what the matching heading announces
    if intent.dropped_years and any(str(y) in text for y in intent.dropped_years):
        boost += 0.05
    if (row.language.startswith("en")) != (intent.language == "en"):
        boost -= 0.3
    if len(row.text) > 120:
        boost -= 0.1 * min(1.0, (len(row.text) - 120) / 200)
    return boost


def _distinct(scored: list[tuple[float, float, Row]]) -> list[tuple[float, float, Row]]:
    seen: set[tuple[str, str]] = set()
    out = []
    for item in scored:
        key = (item[2].slug, item[2].norm)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _candidate(row: Row, score: float) -> Candidate:
    return Candidate.from_row(row, round(score, 4))


def _not_found(query: Query, rows: Sequence[Row]) -> Answer:
    related: list[SectionRef] = []
    seen: set[tuple[str, str]] = set()
    for row in rows:
        if not row.section:
            continue
        key = (row.slug, row.section_ids[-1])
        if key in seen:
            continue
        seen.add(key)
        related.append(SectionRef(row.slug, row.title, row.section[-1], row.section_ids[-1]))
        if len(related) == 3:
            break
    lang = query.language
    return Answer(
        question=query.raw,
        found=False,
        answer=None,
        candidates=(),
        confidence=0.0,
        message=NOT_FOUND["en" if lang == "en" else "zh"],
        related=tuple(related),
        language=lang,
    )
