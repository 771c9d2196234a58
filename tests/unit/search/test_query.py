"""search(): short words, ranking, HTML-safe snippets, and hostile input."""

from __future__ import annotations

import html
import re

import pytest

from kiosk.content.library import Library
from kiosk.search.index import SearchIndex
from kiosk.search.query import parse_query, search, snippet
from tests.unit.search.conftest import SEED, make_report


@pytest.mark.parametrize("q", ["公开", "网", "热线", "费", "率"])
def test_one_and_two_character_queries_find_every_sentence_holding_them(
    index: SearchIndex, library: Library, q: str
) -> None:
    hits = search(index, q, limit=200, slug=SEED)
    expected = {s.id for s in library.reports[SEED].sentences if q in s.text}
    assert expected and expected <= {h.sentence_id for h in hits}
    assert all(f"<mark>{q}</mark>" in h.snippet for h in hits if h.sentence_id in expected)


def test_one_character_inside_words_is_found(index: SearchIndex) -> None:
    hits = search(index, "网", slug=SEED)
    texts = " ".join(h.text for h in hits)
    assert "网站" in texts and "网上" in texts and "网络" in texts


def test_hits_carry_report_section_and_ids(index: SearchIndex, library: Library) -> None:
    hit = search(index, "热线 2500")[0]
    assert hit.slug == SEED and hit.title == library.reports[SEED].meta.title
    assert hit.text.startswith("2013年接听并处理政府热线2500个")
    assert hit.section == "(三)丰富载体,优化环境,进一步扩大公开范围。"
    assert hit.section_path[0] == "一、政府信息公开的主要措施及成效"
    assert hit.sentence_id == "s-ae1233e2" and hit.block_id == "b-7c677527"
    assert hit.url == f"/reports/{SEED}#s-ae1233e2"
    assert hit.score > 0 and hit.to_json()["url"] == hit.url


def test_all_terms_and_phrases_rank_first(index: SearchIndex) -> None:
    hits = search(index, "市长信箱")
    assert "市长信箱" in hits[0].text
    both = search(index, "热线 信箱")
    assert "热线" in both[0].text and "信箱" in both[0].text
    scores = [h.score for h in both]
    assert scores == sorted(scores, reverse=True)


def test_heading_matches_rank_high(index: SearchIndex) -> None:
    hits = search(index, "改进措施", slug=SEED)
    assert hits[0].text == "八、改进措施"


def test_synonyms_find_report_words(index: SearchIndex) -> None:
    hits = search(index, "打官司", slug=SEED)
    assert any("诉讼" in h.text for h in hits)
    assert "<mark>诉讼</mark>" in hits[0].snippet


def test_english_search_is_stemmed(index: SearchIndex) -> None:
    hits = search(index, "lawsuit")
    assert hits and hits[0].slug == "qingshan-2021-en"
    assert "<mark>lawsuits</mark>" in hits[0].snippet


def test_limit_and_scope(index: SearchIndex) -> None:
    assert len(search(index, "公开", limit=3)) == 3
    assert search(index, "公开", limit=0) == []
    assert {h.slug for h in search(index, "公开", slug="shiqiao-2020")} == {"shiqiao-2020"}
    assert search(index, "公开", slug="no-such-report") == []


def test_snippets_escape_html(fresh_index: SearchIndex) -> None:
    body = "报告里有一段 <script>alert('x')</script> 代码 & 符号 \"引号\"。"
    fresh_index.sync(Library({"html-text": make_report("html-text", body)}))
    hits = search(fresh_index, "script")
    assert len(hits) == 1
    snip = hits[0].snippet
    assert "<script" not in snip and "&lt;<mark>script</mark>&gt;" in snip
    assert "&amp;" in snip and "&#x27;x&#x27;" in snip
    assert html.unescape(re.sub(r"</?mark>", "", snip)) == hits[0].text
    hits = search(fresh_index, "<script>alert(1)</script>")
    assert hits and "<script" not in hits[0].snippet


def test_snippet_marks_are_built_from_the_text_not_the_query() -> None:
    assert snippet("a<b 公开", ["<b", "公开"]) == "a<mark>&lt;b</mark> <mark>公开</mark>"
    assert snippet("全角ＡＢＣ文字", ["abc"]) == "全角<mark>ＡＢＣ</mark>文字"
    long = "前" * 300 + "热线" + "后" * 300
    cut = snippet(long, ["热线"])
    assert cut.startswith("…") and cut.endswith("…") and "<mark>热线</mark>" in cut
    assert len(cut) < 200


HOSTILE = [
    '"',
    '""',
    "'",
    "*",
    "公开*",
    "NEAR(公开 申请, 5)",
    "公开 OR 申请",
    "公开 AND NOT 申请",
    "(公开",
    "公开)",
    "body:公开",
    "scope : yr2013",
    "^公开",
    "-公开",
    "+",
    "{body section}: 公开",
    '"公开',
    "😀",
    "公开😀申请",
    "\x00\x01\x02公开\x7f",
    "\u202e\u200b公开\ufeff",
    "\ud800公开",
    "公开 public ＡＢＣ １２３ مرحبا Привет",
    "%_%",
    "\\",
    "a" * 10_000,
    "公开" * 5_000,
    " " * 500,
]


@pytest.mark.parametrize("q", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries_never_raise(index: SearchIndex, q: str) -> None:
    results = search(index, q)
    assert isinstance(results, list)
    for hit in results:
        assert "<script" not in hit.snippet
    parsed = parse_query(q)
    assert len(parsed.text) <= 200
    for term in parsed.terms:
        assert all(ch.isalnum() for a in term.alternatives for ch in a)


def test_fts_operators_are_plain_words(index: SearchIndex) -> None:
    assert [h.sentence_id for h in search(index, "公开 OR 申请")] == [
        h.sentence_id for h in search(index, "公开 申请")
    ]
    assert search(index, "NEAR(公开 申请, 5)")  # NEAR is a word; 公开 and 申请 still match


@pytest.mark.parametrize(
    ("q", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("\x00\x01", "empty"),
        ("😀🎉", "unusable"),
        ("!?。，", "unusable"),
        (None, "empty"),
    ],
)
def test_empty_or_unusable_queries_say_why(index: SearchIndex, q: object, reason: str) -> None:
    results = search(index, q)
    assert results == [] and results.reason == reason
    assert results.message("zh") and results.message("en")


def test_long_queries_are_truncated(index: SearchIndex) -> None:
    parsed = parse_query("热线" + "啊" * 10_000)
    assert parsed.truncated and len(parsed.text) <= 200
    assert search(index, "热线" + "x" * 10_000) is not None


def test_no_match_is_an_empty_list_without_reason(index: SearchIndex) -> None:
    results = search(index, "火星探测器")
    assert results == [] and results.reason is None
