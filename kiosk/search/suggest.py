"""Suggested questions and topic chips, for visitors who cannot type.

Everything is generated from the content, deterministically, and checked:

* **topic questions** from the section headings: ``五、政府信息公开复议、诉讼情况``
  → ``政府信息公开复议、诉讼的情况如何?`` (numbering, trailing 情况 and
  punctuation dropped; English: ``What about proactive disclosure?``);
* **figure questions** from sentences with a number and a measure word:
  ``2013年接听并处理政府热线2500个`` → ``2013年接听并处理政府热线多少个?`` (the
  clause holding the figure, the figure replaced by 多少);
* **topic chips**: the cleaned headings, as search words with the heading's anchor.

A question is only offered when :func:`kiosk.search.ask.ask` answers it from
the same report — for a figure, with the very sentence it was made from; for a
topic, with a sentence of that section. At most 8 per report (topics and
figures alternate; topics from the top-level headings down, figures in
document order). Results are cached per index version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import zip_longest

from kiosk.search.ask import ask
from kiosk.search.index import ReportInfo, Row, SearchIndex

LIMIT = 8
_NUMBERING = re.compile(
    r"^\s*(?:[(（]?\s*(?:[一二三四五六七八九十]+|\d+|[ivxlc]+|[IVXLC]+)\s*[)）]?\s*[、.．,，]?\s*)+"
)
_CLAUSE = re.compile(r"[^，,；;。：:！!？?]+")
_FIGURE = re.compile(r"(\d+(?:\.\d+)?)\s*(万?[个条件人名次场项篇份家所]|%)")
_ASIDE = re.compile(r"[(（][^()（）]*[)）]")
_TRAILING = re.compile(r"(?:的)?(?:情况|工作情况)?[。.;；:：\s]*$")


@dataclass(frozen=True)
class Suggestion:
    question: str
    kind: str  # "topic" | "figure"
    slug: str
    sentence_id: str  # the heading or sentence the question was made from

    def to_json(self) -> dict[str, str]:
        return {
            "question": self.question,
            "kind": self.kind,
            "slug": self.slug,
            "sentence_id": self.sentence_id,
        }


@dataclass(frozen=True)
class Topic:
    label: str
    slug: str
    block_id: str  # the heading's anchor

    @property
    def url(self) -> str:
        return f"/reports/{self.slug}#{self.block_id}"

    def to_json(self) -> dict[str, str]:
        return {"label": self.label, "slug": self.slug, "block_id": self.block_id, "url": self.url}


def topic_label(heading: str) -> str:
    """``（三）丰富载体,优化环境,…`` → ``丰富载体``; ``五、…诉讼情况`` → ``…诉讼``."""
    text = _NUMBERING.sub("", heading).strip()
    text = re.split(r"[,，;；。]", text)[0].strip()
    return _TRAILING.sub("", text).strip()


def topics(index: SearchIndex, slug: str, limit: int = LIMIT) -> list[Topic]:
    """Topic chips of one report: its top-level headings (then the next level)."""
    with index.reading() as conn:
        rows = index.report_rows(conn, slug)
    headings = [r for r in rows if r.block_type == "heading"]
    top = min((len(r.section) for r in headings), default=0)
    out: list[Topic] = []
    for depth in (top, top + 1):
        for row in headings:
            label = topic_label(row.text)
            longest = 40 if row.language.startswith("en") else 16
            if len(row.section) == depth and 2 <= len(label) <= longest:
                if label not in {t.label for t in out}:
                    out.append(Topic(label, slug, row.block_id))
    return out[:limit]


def suggest(
    index: SearchIndex, slug: str | None = None, limit: int = LIMIT, language: str = "zh-CN"
) -> list[Suggestion]:
    """Questions ``ask`` can answer, for one report, or (``slug=None``) for the newest
    report in ``language`` (else the newest), asked over the whole library."""
    reports = index.reports()

    def compute() -> list[Suggestion]:
        if slug is None:
            lang = language.split("-")[0]
            newest = sorted(
                reports.values(),
                key=lambda r: (r.language.startswith(lang), r.year or 0, r.date or "", r.slug),
            )
            return _for_report(index, newest[-1], library=True) if newest else []
        if slug in reports:
            return _for_report(index, reports[slug], library=False)
        return []

    return index.memo(f"suggest:{slug or '*' + language}", compute)[:limit]


def _for_report(index: SearchIndex, info: ReportInfo, library: bool) -> list[Suggestion]:
    with index.reading() as conn:
        rows = index.report_rows(conn, info.slug)
    english = info.language.startswith("en")
    years = {r.year for r in index.reports().values() if r.year}
    prefix = f"{info.year}年" if library and info.year and len(years) > 1 and not english else ""
    topic_q = [
        (q, row, "topic")
        for row in sorted(rows, key=lambda r: (len(r.section), r.position))
        if (q := _topic_question(row, english, prefix)) is not None
    ]
    figure_q = [
        (q, row, "figure")
        for row in rows
        if not english and (q := _figure_question(row, prefix)) is not None
    ]
    ordered = [x for pair in zip_longest(topic_q, figure_q) for x in pair if x is not None]
    out: list[Suggestion] = []
    for question, row, kind in ordered:
        if len(out) == LIMIT:
            break
        if question in {s.question for s in out}:
            continue
        if _answers(index, question, row, kind, None if library else info.slug):
            out.append(Suggestion(question, kind, info.slug, row.sentence_id))
    return out


def _topic_question(row: Row, english: bool, prefix: str) -> str | None:
    if row.block_type != "heading" or len(row.section) > 2:
        return None
    label = topic_label(row.text)
    if english:
        label = label.strip().rstrip(".").lower()
        return f"What about {label}?" if 3 <= len(label) <= 60 else None
    if not 2 <= len(label) <= 16:
        return None
    if label.startswith(prefix):
        prefix = ""
    return f"{prefix}{label}的情况如何?"


def _figure_question(row: Row, prefix: str) -> str | None:
    if row.block_type not in ("paragraph", "list"):
        return None
    for clause in _CLAUSE.findall(row.text):
        clause = re.sub(r"^(?:其中|此外|同时)", "", _ASIDE.sub("", clause).strip())
        found = _FIGURE.search(clause)
        if not found or len(re.findall(r"[\u4e00-\u9fff]", clause)) < 6:
            continue
        unit = found.group(2)
        asked = "多少" if unit == "%" else f"多少{unit}"
        question = clause[: found.start()] + asked + clause[found.end() :]
        if _FIGURE.search(question):  # more figures in the clause: ambiguous
            continue
        if prefix and not question.startswith(prefix.rstrip("年")):
            question = prefix + question.removeprefix("全年")
        return question.rstrip("，,、 ") + "?"
    return None


def _answers(index: SearchIndex, question: str, row: Row, kind: str, slug: str | None) -> bool:
    answer = ask(index, question, slug=slug)
    got = answer.answer
    if not answer.found or got is None or got.slug != row.slug:
        return False
    if kind == "figure":
        return got.sentence_id == row.sentence_id
    return got.section_path[: len(row.section)] == row.section
