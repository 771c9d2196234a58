"""The normaliser runs in linear time on hostile input (issue 14, item 4)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.speech.normalize import normalize
from tests._linear import assert_linear

# Each case once took seconds on 20,000 characters: a rule tried at every
# position of a run scanned the rest of the run.
HOSTILE = [
    ("", "1", ""),
    ("", "0", ""),
    ("", "１", ""),
    ("", "2021", ""),
    ("", " ", ""),
    ("a", " ", ""),
    ("1", " ", ""),
    ("〔2021〕", " ", ""),
    (">", " ", ""),
    ("", "1 ", ""),
    ("", "1a", ""),
    ("", "1,", ""),
    ("", "1.", ""),
    ("", "1-", ""),
    ("", "-", ""),
    ("电话", "1", "%"),
    ("", "1", "%"),
    ("", "1/", ""),
    ("", "1+", ""),
    ("", "$1", ""),
    ("", "尾号1", ""),
    ("", "1月-", ""),
    ("", "1%-", ""),
    ("", "1,2", ""),
]


@pytest.mark.parametrize(("prefix", "unit", "suffix"), HOSTILE)
def test_normalize_is_linear_on_hostile_runs(prefix: str, unit: str, suffix: str) -> None:
    assert_linear(normalize, unit, 8000 // len(unit), prefix, suffix)


def test_english_normalize_is_linear() -> None:
    assert_linear(lambda text: normalize(text, "en"), "1 ", 8000)


_PIECES = st.sampled_from(
    list("0123456789０１ .,:-—~/%％‰+=×÷$￥¥年月日号个第〔〕()（）“”、。，尾")
    + ["电话", "No.", "Dr. ", "km", "℃", "HKD", "元", "万元", "尾号", "末四位", "\u3000", "\n"]
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_PIECES, min_size=1, max_size=4).map("".join), st.lists(_PIECES, max_size=3))
def test_normalize_is_linear_on_any_repeated_unit(unit: str, prefix: list[str]) -> None:
    assert_linear(normalize, unit, 6000 // len(unit), "".join(prefix))
