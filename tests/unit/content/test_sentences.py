from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.content.sentences import split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2013年,新增公开政府信息429条。累计公开1007条。",
            ["2013年,新增公开政府信息429条。", "累计公开1007条。"],
        ),
        ("他说：“走吧！”然后离开。", ["他说：“走吧！”", "然后离开。"]),
        ("(一)基础设施建设还需进一步加强;", ["(一)基础设施建设还需进一步加强;"]),
        ("一是多内容公开；二是多层面公开。", ["一是多内容公开；", "二是多层面公开。"]),
        ("真的吗？！是的。", ["真的吗？！", "是的。"]),
        ("没有句号的结尾", ["没有句号的结尾"]),
        ("（详见附件。）下一句。", ["（详见附件。）", "下一句。"]),
        ("《条例》规定……等等。", ["《条例》规定……等等。"]),
    ],
)
def test_chinese_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_english_sentences_keep_abbreviations_and_decimals() -> None:
    text = "See No. 3 of the report. It cost 1.5 million! Really?  Yes"
    assert split_sentences(text, "en") == [
        "See No. 3 of the report. ",
        "It cost 1.5 million! ",
        "Really?  ",
        "Yes",
    ]


def test_punctuation_only_pieces_join_a_neighbour() -> None:
    assert split_sentences("。。好。") == ["。。好。"]


@given(
    st.text(
        alphabet=st.sampled_from(list("政府信息公开。！？；!?;”）) \n2013年.,abc")), max_size=200
    )
)
def test_splitting_loses_no_character(text: str) -> None:
    for language in ("zh-CN", "en"):
        assert "".join(split_sentences(text, language)) == text


@given(st.text(max_size=300))
def test_splitting_arbitrary_unicode_loses_nothing(text: str) -> None:
    assert "".join(split_sentences(text)) == text
    assert all(split_sentences(text))
