"""The sentence splitter runs in linear time on hostile input (issue 14, item 4)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.content.sentences import split_sentences
from tests._linear import assert_linear


def _english(text: str) -> list[str]:
    return split_sentences(text, "en")


@pytest.mark.parametrize(
    "unit", ["Dr. ", "No. ", "A. ", "e.g. ", ".", ". ", "!?", " ", "a", "I. ", "1.5 "]
)
def test_english_splitter_is_linear(unit: str) -> None:
    assert_linear(_english, unit, 20000 // len(unit))


@pytest.mark.parametrize("unit", ["。", "a", " ", "。”", "”", "a\n", "好。 ", "；"])
def test_chinese_splitter_is_linear(unit: str) -> None:
    assert_linear(split_sentences, unit, 20000 // len(unit))


_PIECES = st.sampled_from(list("。！？；!?;.”’」）) \n\tab1I") + ["Dr.", "No.", "e.g.", "Mr."])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PIECES, min_size=1, max_size=4).map("".join), st.sampled_from(["zh-CN", "en"]))
def test_splitter_is_linear_on_any_repeated_unit(unit: str, language: str) -> None:
    assert_linear(lambda text: split_sentences(text, language), unit, 10000 // len(unit))
