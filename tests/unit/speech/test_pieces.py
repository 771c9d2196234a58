"""Long text is spoken in pieces cut at clause marks."""

from __future__ import annotations

import time

from hypothesis import given
from hypothesis import strategies as st

from kiosk.speech.pieces import OPENING_CHARS, clauses, opening, pieces


def test_short_text_is_one_piece() -> None:
    assert pieces("今年全区新增公开政府信息四百二十九条。", 60) == [
        "今年全区新增公开政府信息四百二十九条。"
    ]


def test_cut_after_clause_marks_and_packed() -> None:
    text = "进一步夯实基础,健全机制,完善措施,落实责任;政务公开、政务服务工作取得了新进展。"
    out = pieces(text, 16)
    assert "".join(out) == text
    assert all(len(p) <= 16 for p in out)
    assert out[0] == "进一步夯实基础,健全机制,"  # whole clauses, as many as fit
    assert clauses("甲,乙;丙")[:2] == ["甲,", "乙;"]


def test_a_clause_longer_than_the_limit_is_cut() -> None:
    assert pieces("a" * 50, 20) == ["a" * 20, "a" * 20, "a" * 10]
    assert pieces("one two three four", 9) == ["one two ", "three ", "four"]


def test_a_huge_sentence_is_cut_in_linear_time() -> None:
    small, big = "一" * 12_000, "一" * 24_000
    t = time.perf_counter()
    assert len(pieces(small, 300)) == 40
    one = time.perf_counter() - t
    t = time.perf_counter()
    assert len(pieces(big, 300)) == 80
    two = time.perf_counter() - t
    assert two < 2.5 * one + 0.05  # ratio (plus noise floor), not a time limit


@given(st.text(alphabet="一二三,;、: ab", max_size=400), st.integers(1, 80))
def test_pieces_keep_every_character(text: str, limit: int) -> None:
    out = pieces(text, limit)
    assert all(len(p) <= limit for p in out)
    # joined, the pieces are the text; only clauses of nothing but spaces are dropped
    assert "".join(out).replace(" ", "") == text.replace(" ", "")


def test_the_opening_is_a_short_first_clause_or_its_first_words() -> None:
    assert opening(["二〇一三年，全市共主动公开政府信息四百二十九条。"]) == [
        "二〇一三年，",
        "全市共主动公开政府信息四百二十九条。",
    ]
    long = "根据中华人民共和国政府信息公开条例的规定，现公布本年度报告。"
    first, rest, *more = opening([long, "下一段。"])
    assert first + rest == long and more == ["下一段。"]
    assert 1 < len(first) <= OPENING_CHARS and first in ("根据中华人民共和国", "根据")
    assert opening(["你好。"]) == ["你好。"]  # nothing after it: one piece
    assert opening([]) == []


@given(st.lists(st.text(min_size=1, max_size=80), min_size=1, max_size=4))
def test_the_opening_keeps_every_character(parts: list[str]) -> None:
    out = opening(parts)
    assert "".join("".join(out).split()) == "".join("".join(parts).split())
    assert len(out) >= len(parts)
