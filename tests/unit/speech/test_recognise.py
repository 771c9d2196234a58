"""How the bench compares what was meant with what the recogniser heard
(bench.recognise): both sides in one form, errors of the voice kept."""

from __future__ import annotations

import pytest

from bench.recognise import canonical, cer, ser, syllables

# (spoken reference, what Whisper wrote for it when the voice said it right)
SAME_SPEECH = [
    ("二〇一三年，新增公开政府信息四百二十九条。", "2013年,新增公开政府信息429条。"),
    ("二〇一七年，我们将着力做好以下工作：", "2017年,我们将着力做好以下工作。"),
    ("条数：八十三，占比：百分之七点二", "条数83,占比7.2%"),
    ("本年度办结三十六件", "本年度办结36件"),
    ("邮编：四一〇七〇二；", "邮编410702。"),
    ("政府热线幺二三四五", "政府热线12345"),
    ("二〇二〇年一月一日", "二零二零年一月一日"),
    ("政府信息公开的主要措施及成效", "政府信息公開的主要措施及成效"),
    ("一、强化工作责任", "一强化工作责任。"),
    ("处理市长信箱信件一百件", "处理市长信箱信件 100 件"),
]


@pytest.mark.parametrize(("reference", "heard"), SAME_SPEECH)
def test_the_same_speech_written_two_ways_is_no_error(reference: str, heard: str) -> None:
    assert canonical(heard, reference) == canonical(reference)
    assert cer(reference, heard) == 0.0
    assert ser(reference, heard) == 0.0


def test_traditional_characters_are_simplified() -> None:
    assert canonical("政府資訊公開，辦結率") == canonical("政府资讯公开办结率")


def test_wrong_digits_stay_wrong() -> None:
    # a postal code heard with a digit dropped and one added: 2 edits in 8 characters
    assert cer("邮编：四一〇七〇二", "邮编107002") == pytest.approx(2 / 8)
    assert cer("公开信息四百二十九条", "公开信息428条") > 0
    # a run is read digit by digit only where the reference says those digits
    assert canonical("编号410702", "编号四一〇七〇三") == canonical("编号四十一万零七百零二")


def test_a_homophone_is_a_character_error_but_not_a_syllable_error() -> None:
    assert cer("全年未发生泄密事件。", "全年为发生泄密事件。") == pytest.approx(1 / 9)
    assert ser("全年未发生泄密事件。", "全年为发生泄密事件。") == 0.0
    assert cer("通过信息栏公开", "通过信息蓝公开") > 0 == ser("通过信息栏公开", "通过信息蓝公开")


def test_a_syllable_said_or_heard_wrong_is_a_syllable_error() -> None:
    assert ser("本年度办结三十六件", "本年路办结三十六件") == pytest.approx(1 / 9)
    assert ser("三拓展公开渠道", "三拓展公开") == pytest.approx(2 / 7)  # dropped
    assert ser("政策解读", "") == 1.0 and ser("", "") == 0.0 and ser("", "多余") == 1.0


def test_syllables_are_toneless_pinyin_in_context() -> None:
    assert syllables("重新处理，重要") == ["chong", "xin", "chu", "li", "zhong", "yao"]
    assert syllables("第3项") == ["di", "san", "xiang"]
