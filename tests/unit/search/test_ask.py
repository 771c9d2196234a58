"""ask(): extractive answers, the evaluation set, no-answer, hostile input."""

from __future__ import annotations

import pytest

from bench.evaluate import QUESTIONS, Question, evaluate, load_questions
from kiosk.content.library import Library
from kiosk.search.ask import NOT_FOUND, ask
from kiosk.search.index import SearchIndex
from tests.unit.search.conftest import SEED, make_report

EVAL = load_questions(QUESTIONS)


def test_the_evaluation_set_is_big_and_varied() -> None:
    assert len(EVAL) >= 45
    reports = {q.report for q in EVAL}
    assert {SEED, "qingshan-2021", "shiqiao-2020", "qingshan-2021-en"} <= reports
    assert sum(q.report is None for q in EVAL) >= 5
    assert all(q.expect for q in EVAL if q.report)


def test_accuracy_on_the_evaluation_set(
    index: SearchIndex, capsys: pytest.CaptureFixture[str]
) -> None:
    result = evaluate(index, EVAL, verbose=True)
    out = capsys.readouterr().out
    assert f"top-1 {result.top1:.3f}" in out
    assert result.top1 >= 0.8, out
    assert result.top3 >= result.top1


@pytest.mark.parametrize("question", EVAL, ids=[q.q for q in EVAL])
def test_each_answer_is_a_sentence_of_the_reports(
    index: SearchIndex, library: Library, question: Question
) -> None:
    answer = ask(index, question.q, slug=question.report if question.scope == "report" else None)
    shown = [answer.answer, *answer.candidates] if answer.answer else []
    for candidate in shown:
        assert candidate is not None
        report = library.reports[candidate.slug]
        block = report.block_of_sentence(candidate.sentence_id)
        assert block is not None and block.id == candidate.block_id
        assert candidate.text in [s.text for s in block.sentences]  # verbatim, never invented
        assert candidate.title == report.meta.title
    assert len(answer.candidates) <= 3
    assert 0.0 <= answer.confidence <= 1.0
    assert answer.found == (answer.answer is not None)


def test_a_found_answer_has_everything_the_kiosk_shows(index: SearchIndex) -> None:
    answer = ask(index, "热线电话处理了多少个?")
    assert answer.found and answer.answer is not None
    assert (
        answer.answer.text
        == "2013年接听并处理政府热线2500个,处理市长信箱信件100件,办结率均为100%。"
    )
    assert answer.answer.sentence_id == "s-ae1233e2"
    assert answer.answer.section == "(三)丰富载体,优化环境,进一步扩大公开范围。"
    assert answer.answer.url == f"/reports/{SEED}#s-ae1233e2"
    assert len(answer.candidates) == 3
    assert answer.confidence > 0.5 and answer.message is None
    data = answer.to_json()
    assert data["found"] is True and data["answer"]["sentence_id"] == "s-ae1233e2"  # type: ignore[index]


@pytest.mark.parametrize("question", ["图书馆几点开门?", "今天天气怎么样?", "火星上有水吗?"])
def test_no_answer_says_so_in_the_question_language(index: SearchIndex, question: str) -> None:
    answer = ask(index, question)
    assert answer.found is False and answer.answer is None and answer.candidates == ()
    assert answer.message == "报告中没有找到答案" == NOT_FOUND["zh"]
    assert answer.confidence == 0.0


def test_no_answer_in_english(index: SearchIndex) -> None:
    answer = ask(index, "How do I renew my passport?")
    assert not answer.found and answer.message == "No answer found in the reports"


def test_no_answer_points_to_related_sections(index: SearchIndex) -> None:
    answer = ask(index, "2019年收到多少申请?")  # no report of 2019: its figures are not there
    assert not answer.found
    assert answer.related and all(r.url.startswith("/reports/") for r in answer.related)
    assert any("申请" in r.title for r in answer.related)


def test_a_year_picks_the_report_of_that_year(index: SearchIndex) -> None:
    assert ask(index, "2013年收到多少政府信息公开申请?").answer.slug == SEED  # type: ignore[union-attr]
    assert ask(index, "2020年收到多少政府信息公开申请?").answer.slug == "shiqiao-2020"  # type: ignore[union-attr]
    assert ask(index, "2021年收到多少政府信息公开申请?").answer.slug == "qingshan-2021"  # type: ignore[union-attr]


def test_a_place_name_picks_its_report(index: SearchIndex) -> None:
    answer = ask(index, "石桥县下一步怎么改进?")
    assert answer.found and answer.answer is not None and answer.answer.slug == "shiqiao-2020"


def test_number_questions_prefer_figures_with_the_asked_unit(index: SearchIndex) -> None:
    answer = ask(index, "建了几个便民服务大厅?")
    assert answer.answer is not None and "15个" in answer.answer.text


def test_problem_questions_prefer_the_problem_section(index: SearchIndex) -> None:
    answer = ask(index, "存在哪些问题?", slug=SEED)
    assert answer.answer is not None and answer.answer.section == "七、存在的问题"
    assert answer.answer.text.startswith("(")  # a list item, not the heading


def test_slug_restricts_the_answer(index: SearchIndex) -> None:
    answer = ask(index, "收到多少申请?", slug="shiqiao-2020")
    assert answer.answer is not None and answer.answer.slug == "shiqiao-2020"
    assert not ask(index, "收到多少申请?", slug="missing").found


def test_a_year_no_report_covers_is_not_answered_from_another_year(
    fresh_index: SearchIndex,
) -> None:
    body = "## 一、情况\n\n全年共收到政府信息公开申请12件。"
    fresh_index.sync(Library({"only": make_report("only", body)}))
    answer = ask(fresh_index, "2020年收到多少申请?")
    assert answer.found and answer.answer is not None and "12件" in answer.answer.text
    assert not ask(fresh_index, "2019年收到多少申请?").found


@pytest.mark.parametrize(
    ("q", "reason"),
    [("", "empty"), ("   ", "empty"), ("吗?", "unusable"), ("😀", "unusable"), (None, "empty")],
)
def test_empty_questions_say_why(index: SearchIndex, q: object, reason: str) -> None:
    answer = ask(index, q)
    assert not answer.found and answer.reason == reason and answer.message


@pytest.mark.parametrize(
    "q",
    [
        '"',
        "NEAR(a b)",
        "公开 OR",
        "*",
        "\x00",
        "\ud800",
        "😀热线😀",
        "x" * 10_000,
        "多少" * 3000,
        "body:热线",
    ],
)
def test_hostile_questions_never_raise(index: SearchIndex, q: str) -> None:
    answer = ask(index, q)
    assert isinstance(answer.found, bool)
