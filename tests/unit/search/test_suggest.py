"""Suggested questions and topic chips: generated, few, deterministic, answerable."""

from __future__ import annotations

import pytest

from kiosk.content.library import Library
from kiosk.search.ask import ask
from kiosk.search.index import SearchIndex
from kiosk.search.query import search
from kiosk.search.suggest import suggest, topic_label, topics

SLUGS = ["kundulun-2013-report", "qingshan-2021", "shiqiao-2020", "qingshan-2021-en"]


@pytest.mark.parametrize("slug", SLUGS)
def test_every_suggestion_is_answered_by_ask(index: SearchIndex, slug: str) -> None:
    suggestions = suggest(index, slug)
    assert 3 <= len(suggestions) <= 8
    for s in suggestions:
        answer = ask(index, s.question, slug=slug)
        assert answer.found, s.question
        assert answer.answer is not None and answer.answer.slug == slug
        if s.kind == "figure":
            assert answer.answer.sentence_id == s.sentence_id


def test_library_suggestions_are_answered_over_the_whole_library(index: SearchIndex) -> None:
    suggestions = suggest(index)
    assert 3 <= len(suggestions) <= 8
    for s in suggestions:
        answer = ask(index, s.question)
        assert answer.found and answer.answer is not None and answer.answer.slug == s.slug
    assert {s.slug for s in suggestions} == {"qingshan-2021"}  # the newest Chinese report
    assert {s.slug for s in suggest(index, language="en")} == {"qingshan-2021-en"}


def test_suggestions_are_deterministic_and_mix_topics_and_figures(
    index: SearchIndex, library: Library, tmp_path: object
) -> None:
    first = [s.question for s in suggest(index, "kundulun-2013-report")]
    other = SearchIndex(None)
    try:
        other.sync(library)
        assert [s.question for s in suggest(other, "kundulun-2013-report")] == first
    finally:
        other.close()
    kinds = {s.kind for s in suggest(index, "kundulun-2013-report")}
    assert kinds == {"topic", "figure"}
    assert "2013年接听并处理政府热线多少个?" in first
    assert all(q.endswith("?") for q in first)


def test_unknown_report_has_no_suggestions(index: SearchIndex) -> None:
    assert suggest(index, "missing") == []


@pytest.mark.parametrize("slug", SLUGS)
def test_topic_chips_are_headings_that_search_finds(index: SearchIndex, slug: str) -> None:
    chips = topics(index, slug)
    assert 1 <= len(chips) <= 8
    for chip in chips:
        assert chip.url == f"/reports/{slug}#{chip.block_id}"
        assert search(index, chip.label, slug=slug), chip.label


@pytest.mark.parametrize(
    ("heading", "label"),
    [
        ("五、政府信息公开复议、诉讼情况", "政府信息公开复议、诉讼"),
        ("(三)丰富载体,优化环境,进一步扩大公开范围。", "丰富载体"),
        ("（一）主动公开", "主动公开"),
        ("1.政策文件公开", "政策文件公开"),
        ("（1）规范性文件。", "规范性文件"),
        ("七、存在的问题", "存在的问题"),
        ("I. Overview", "Overview"),
        ("(II) Disclosure upon application", "Disclosure upon application"),
    ],
)
def test_topic_labels(heading: str, label: str) -> None:
    assert topic_label(heading) == label
