"""What search and ask return: parsed queries, hits and answers, each with ``to_json``.

Everything here is plain immutable data; the views render it (a hit's
``snippet`` is HTML already — escaped text with ``<mark>``; everything else is
plain text to autoescape).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Self

NOT_FOUND = {"zh": "报告中没有找到答案", "en": "No answer found in the reports"}
REASONS = {
    "empty": {"zh": "请输入要查找的字词", "en": "Type a word to search for"},
    "unusable": {
        "zh": "查询里没有可以查找的字词",
        "en": "The query has no words that can be searched for",
    },
}


@dataclass(frozen=True)
class Term:
    """A word of the query, its synonyms, and its parts (each with their synonyms).

    Parts are the shorter dictionary words inside a long word (热线电话 → 热线,
    电话); a sentence holding only some of them is a weaker match.
    """

    word: str
    synonyms: tuple[str, ...] = ()
    parts: tuple[tuple[str, ...], ...] = ()
    #: Library words that sound the same / nearly the same, for a word the library
    #: does not have (日线 → 热线; :mod:`kiosk.search._homophones`).
    homophones: tuple[str, ...] = ()
    near: tuple[str, ...] = ()

    @property
    def sounds(self) -> tuple[str, ...]:
        return self.homophones + self.near

    @property
    def alternatives(self) -> tuple[str, ...]:
        """Every string that counts (the word first)."""
        flat = [
            self.word,
            *self.synonyms,
            *(a for part in self.parts for a in part),
            *self.homophones,
            *self.near,
        ]
        return tuple(dict.fromkeys(flat))


@dataclass(frozen=True)
class Query:
    raw: str
    text: str
    terms: tuple[Term, ...]
    reason: str | None = None  # "empty" | "unusable" | None
    truncated: bool = False
    language: str = "zh"

    def message(self, language: str = "zh") -> str | None:
        if self.reason is None:
            return None
        return REASONS[self.reason]["en" if language.startswith("en") else "zh"]


@dataclass(frozen=True)
class Candidate:
    """A sentence (or table row) of a report that answers or matches, verbatim."""

    slug: str
    title: str
    year: int | None
    section: str  # the innermost heading ('' before the first heading)
    section_path: tuple[str, ...]
    sentence_id: str
    block_id: str
    text: str
    score: float

    @classmethod
    def from_row(cls, row: Any, score: float, **extra: Any) -> Self:
        """From an index row (kiosk.search._rows.Row)."""
        return cls(
            slug=row.slug,
            title=row.title,
            year=row.year,
            section=row.section[-1] if row.section else "",
            section_path=row.section,
            sentence_id=row.sentence_id,
            block_id=row.block_id,
            text=row.text,
            score=score,
            **extra,
        )

    @property
    def url(self) -> str:
        return f"/reports/{self.slug}#{self.sentence_id}"

    def to_json(self) -> dict[str, object]:
        return {
            "slug": self.slug,
            "title": self.title,
            "year": self.year,
            "section": self.section,
            "section_path": list(self.section_path),
            "sentence_id": self.sentence_id,
            "block_id": self.block_id,
            "text": self.text,
            "score": round(self.score, 4),
            "url": self.url,
        }


@dataclass(frozen=True)
class Hit(Candidate):
    """A search hit: a candidate with its snippet."""

    snippet: str = ""  # HTML: escaped text, matches in <mark>

    def to_json(self) -> dict[str, object]:
        return {**super().to_json(), "snippet": self.snippet}


class SearchResults(list[Hit]):
    """The hits, best first, with the parsed query and why it found nothing (if so)."""

    def __init__(self, hits: Iterable[Hit], query: Query) -> None:
        super().__init__(hits)
        self.query = query
        self.reason: str | None = query.reason

    def message(self, language: str = "zh") -> str | None:
        return self.query.message(language)


@dataclass(frozen=True)
class SectionRef:
    slug: str
    report_title: str
    title: str
    block_id: str

    @property
    def url(self) -> str:
        return f"/reports/{self.slug}#{self.block_id}"

    def to_json(self) -> dict[str, object]:
        return {
            "slug": self.slug,
            "report_title": self.report_title,
            "title": self.title,
            "block_id": self.block_id,
            "url": self.url,
        }


@dataclass(frozen=True)
class Answer:
    question: str
    found: bool
    answer: Candidate | None
    candidates: tuple[Candidate, ...]  # the next best (up to 3), after the answer
    confidence: float
    message: str | None = None  # 报告中没有找到答案 / the empty-query reason
    related: tuple[SectionRef, ...] = ()
    reason: str | None = None  # "empty" | "unusable" | None
    language: str = "zh"

    def to_json(self) -> dict[str, object]:
        return {
            "question": self.question,
            "found": self.found,
            "answer": self.answer.to_json() if self.answer else None,
            "candidates": [c.to_json() for c in self.candidates],
            "confidence": round(self.confidence, 3),
            "message": self.message,
            "related": [r.to_json() for r in self.related],
            "reason": self.reason,
        }
