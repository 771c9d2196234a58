"""Accuracy of :func:`kiosk.search.ask.ask` on the evaluation set.

``tests/unit/search/eval_questions.yaml`` holds visitor questions and the sentences
that answer them, over the bundled report and the fixture reports in
``tests/unit/search/fixtures/``. ``python -m bench.evaluate`` prints the
top-1 and top-3 accuracy and every miss.

top-1: the answer is an expected sentence (or, for a question without an
answer, ``found`` is False). top-3: an expected sentence is the answer or one of
the next two candidates.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from kiosk.content.library import Library, load_library
from kiosk.search.ask import ask
from kiosk.search.index import SearchIndex
from kiosk.search.results import Answer, Candidate

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT / "tests" / "unit" / "search" / "eval_questions.yaml"
CONTENT_DIRS = (ROOT / "content", ROOT / "tests" / "unit" / "search" / "fixtures")
MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Question:
    q: str
    report: str | None
    expect: tuple[str, ...]
    scope: str = "library"

    def accepts(self, candidate: Candidate | None) -> bool:
        return (
            candidate is not None
            and candidate.slug == self.report
            and any(e in candidate.text for e in self.expect)
        )


@dataclass(frozen=True)
class Outcome:
    question: Question
    answer: Answer
    top1: bool
    top3: bool


@dataclass(frozen=True)
class Evaluation:
    outcomes: tuple[Outcome, ...]

    @property
    def top1(self) -> float:
        return sum(o.top1 for o in self.outcomes) / max(len(self.outcomes), 1)

    @property
    def top3(self) -> float:
        return sum(o.top3 for o in self.outcomes) / max(len(self.outcomes), 1)

    @property
    def misses(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.top1]


def load_questions(path: Path = QUESTIONS) -> list[Question]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Question(
            q=str(item["q"]),
            report=item.get("report"),
            expect=tuple(str(e) for e in item.get("expect") or ()),
            scope=str(item.get("scope", "library")),
        )
        for item in data["questions"]
    ]


def eval_library(dirs: Sequence[Path] = CONTENT_DIRS) -> Library:
    reports = {}
    for directory in dirs:
        reports.update(load_library(directory, MAX_BYTES).reports)
    return Library(reports)


def judge(question: Question, answer: Answer) -> Outcome:
    if question.report is None:
        ok = not answer.found
        return Outcome(question, answer, ok, ok)
    shown = [answer.answer, *answer.candidates[:2]] if answer.found else []
    top1 = answer.found and question.accepts(answer.answer)
    top3 = any(question.accepts(c) for c in shown)
    return Outcome(question, answer, top1, top3)


def evaluate(
    index: SearchIndex | None = None,
    questions: Sequence[Question] | None = None,
    *,
    verbose: bool = True,
) -> Evaluation:
    """Ask every question; print top-1 / top-3 accuracy (and the misses when ``verbose``)."""
    questions = list(questions if questions is not None else load_questions())
    own = index is None
    with tempfile.TemporaryDirectory() as tmp:
        if index is None:
            index = SearchIndex(tmp)
            index.sync(eval_library())
        try:
            outcomes = tuple(
                judge(q, ask(index, q.q, slug=q.report if q.scope == "report" else None))
                for q in questions
            )
        finally:
            if own:
                index.close()
    result = Evaluation(outcomes)
    print(f"eval: {len(outcomes)} questions, top-1 {result.top1:.3f}, top-3 {result.top3:.3f}")
    if verbose:
        for o in result.misses:
            got = o.answer.answer.text[:60] if o.answer.answer else "(no answer)"
            where = o.answer.answer.slug if o.answer.answer else ""
            print(f"  miss: {o.question.q} → {where} {got}")
    return result


if __name__ == "__main__":
    evaluate()
