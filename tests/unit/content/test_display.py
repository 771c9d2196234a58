"""Full-width punctuation for display: only next to hanzi, never in numbers or Latin text."""

from __future__ import annotations

import pytest

from kiosk.content.display import full_width


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("全年共受理1.5万件,办结率99.5%.", "全年共受理1.5万件，办结率99.5%。"),
        ('他说:"好的".', "他说：“好的”。"),
        ('自治区 "8337" 发展思路, 深入实施', "自治区“8337”发展思路，深入实施"),
        ("(一)工作概况", "（一）工作概况"),
        ("共3个:甲;乙?丙!", "共3个：甲；乙？丙！"),
        ("1,000元", "1,000元"),  # digits on both sides: a thousands separator
        ("版本v1.2发布", "版本v1.2发布"),
        ("Version 1.2 is out. OK, fine.", "Version 1.2 is out. OK, fine."),
        ('a "b" c', 'a "b" c'),
        ('只有一个"引号', '只有一个"引号'),  # an odd count cannot be paired
        ("", ""),
    ],
)
def test_full_width_next_to_hanzi_only(source: str, shown: str) -> None:
    assert full_width(source) == shown


def test_keeps_every_hanzi_and_digit() -> None:
    text = '2013年,昆区政府深入贯彻落实自治区 "8337" 发展思路.'
    kept = [c for c in full_width(text) if c.isalnum()]
    assert kept == [c for c in text if c.isalnum()]
