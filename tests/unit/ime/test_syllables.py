from __future__ import annotations

import pytest

from kiosk.ime.lexicon import Lexicon
from kiosk.ime.syllables import FUZZY_PAIRS, clean_input, normalise, parse_fuzzy

ALL = frozenset(FUZZY_PAIRS)
NONE: frozenset[str] = frozenset()


def cuts(base: Lexicon, text: str, fuzzy: frozenset[str] = ALL) -> list[list[str]]:
    return [[p.text for p in s.pieces] for s in base.syllables.segment(text, fuzzy)]


def test_the_syllable_table_comes_from_pypinyin(base: Lexicon) -> None:
    table = base.syllables.table
    assert 400 < len(table) < 450
    assert {"zhuang", "lv", "nve", "er", "a"} <= set(table)


def test_whole_syllables_are_the_cheapest_cut(base: Lexicon) -> None:
    assert cuts(base, "zhudonggongkai")[0] == ["zhu", "dong", "gong", "kai"]
    assert cuts(base, "xian")[0] == ["xian"]
    assert ["xi", "an"] in cuts(base, "xian")


def test_separators_end_a_piece(base: Lexicon) -> None:
    assert cuts(base, "xi'an")[0] == ["xi", "an"]
    assert all(c[0] == "xi" for c in cuts(base, "xi'an"))
    assert cuts(base, "zhu dong gong kai")[0] == ["zhu", "dong", "gong", "kai"]


def test_initials_and_mixed(base: Lexicon) -> None:
    assert cuts(base, "zdgk")[0] == ["z", "d", "g", "k"]
    assert cuts(base, "zhudgk")[0] == ["zhu", "d", "g", "k"]
    # zh is one initial: never z followed by a syllable starting with h.
    assert all(c[:2] != ["z", "hu"] for c in cuts(base, "zhudgk"))


def test_fuzzy_spellings_that_are_no_syllable_still_cut(base: Lexicon) -> None:
    # 抓 zhua typed as zua, which is no syllable of its own.
    first = base.syllables.segment("zua", ALL)[0].pieces
    assert [(p.text, p.whole) for p in first] == [("zua", True)]
    plain = base.syllables.segment("zua", NONE)
    assert all(not p.whole for s in plain for p in s.pieces if p.text == "zua")


def test_the_last_piece_may_be_a_syllable_being_typed(base: Lexicon) -> None:
    segs = base.syllables.segment("zhudonggo", ALL)
    assert segs[0].pieces[-1].text == "go" and not segs[0].pieces[-1].whole


def test_normalise() -> None:
    assert normalise("zhu", ALL) == "zu"
    assert normalise("zhu", NONE) == "zhu"
    assert normalise("nian", ALL) == "lian"
    assert normalise("huang", ALL) == "fuan"
    assert normalise("lue", NONE) == "lve"
    assert normalise("xing", frozenset({"in-ing"})) == "xin"


def test_parse_fuzzy() -> None:
    assert parse_fuzzy("all") == ALL
    assert parse_fuzzy("") == NONE
    assert parse_fuzzy("off") == NONE
    assert parse_fuzzy("z-zh, n-l") == {"z-zh", "n-l"}
    with pytest.raises(ValueError, match="unknown fuzzy"):
        parse_fuzzy("z-x")


def test_clean_input() -> None:
    assert clean_input("Lü Xing") == "lv xing"
    assert clean_input("xi’an") == "xi'an"
    assert clean_input("  2013年nian!") == "2013nian"
