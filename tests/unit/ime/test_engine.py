from __future__ import annotations

import pytest

from kiosk.ime.engine import candidates
from kiosk.ime.lexicon import Lexicon
from kiosk.ime.syllables import FUZZY_PAIRS

ALL = frozenset(FUZZY_PAIRS)


def words(layers: tuple[Lexicon, ...], text: str, fuzzy: frozenset[str] = ALL) -> list[str]:
    return [c.word for c in candidates(layers, text, fuzzy).candidates]


@pytest.mark.parametrize(
    "typed",
    ["zhudonggongkai", "zhu dong gong kai", "zhu'dong'gong'kai", "zdgk", "zhudgk", "zudonggongkai"],
)
def test_every_way_of_typing_zhudonggongkai(layers: tuple[Lexicon, ...], typed: str) -> None:
    assert "主动公开" in words(layers, typed)[:2]


def test_full_pinyin_puts_the_report_word_first(layers: tuple[Lexicon, ...]) -> None:
    assert words(layers, "zhudonggongkai")[0] == "主动公开"
    assert words(layers, "yishenqing")[0] == "依申请"
    assert "依申请" in words(layers, "ysq")[:3]


def test_boundaries_decide_xian(layers: tuple[Lexicon, ...]) -> None:
    assert words(layers, "xi'an")[0] == "西安"
    first = words(layers, "xian")[0]
    assert len(first) == 1 and first != "西"


def test_fuzzy_pairs_are_settings(layers: tuple[Lexicon, ...]) -> None:
    assert "年" in words(layers, "lian")[:5]
    assert "年" not in words(layers, "lian", frozenset({"z-zh"}))
    assert "主动公开" in words(layers, "zudonggongkai", frozenset({"z-zh"}))
    assert "主动公开" not in words(layers, "zudonggongkai", frozenset({"n-l"}))
    # An exact reading comes before a fuzzy one.
    assert words(layers, "zhu")[0] != words(layers, "zu")[0]


def test_v_for_u_umlaut(layers: tuple[Lexicon, ...]) -> None:
    assert "旅行" in words(layers, "lvxing")[:5]
    assert "旅行" in words(layers, "lüxing")[:5]
    assert "绿色" in words(layers, "lvse")[:3]


def test_digits_are_kept(layers: tuple[Lexicon, ...]) -> None:
    result = candidates(layers, "2013nian", ALL)
    assert result.candidates[0].word == "2013年"
    assert result.candidates[0].consumed == len("2013nian")
    assert words(layers, "429")[0] == "429"
    # Digits after letters end the part converted now.
    top = candidates(layers, "tiao3", ALL).candidates[0]
    assert top.consumed == 4


def test_choosing_a_word_consumes_its_syllables(layers: tuple[Lexicon, ...]) -> None:
    result = candidates(layers, "zhudonggongkaileduoshaotiao", ALL)
    assert result.candidates[0].word == "主动公开了多少条"
    zhudong = next(c for c in result.candidates if c.word == "主动")
    assert zhudong.consumed == len("zhudong")
    rest = result.input[zhudong.consumed :]
    assert words(layers, rest)[0] == "公开了多少条"
    spaced = candidates(layers, "zhu dong gong kai", ALL)
    assert next(c for c in spaced.candidates if c.word == "主动").consumed == len("zhu dong ")


def test_sorted_by_how_much_is_consumed(layers: tuple[Lexicon, ...]) -> None:
    consumed = [c.consumed for c in candidates(layers, "duoshaoqian", ALL).candidates[1:]]
    assert consumed == sorted(consumed, reverse=True)


def test_nothing_typed_or_nothing_known(layers: tuple[Lexicon, ...]) -> None:
    assert candidates(layers, "", ALL).candidates == ()
    assert candidates(layers, "'''", ALL).candidates == ()
    assert candidates(layers, "vvv", ALL).candidates == ()
    assert candidates((), "zhu", ALL).candidates == ()


def test_limit(layers: tuple[Lexicon, ...]) -> None:
    assert len(candidates(layers, "shi", ALL, limit=7).candidates) == 7
    assert len(candidates(layers, "shi", ALL).candidates) == 60
