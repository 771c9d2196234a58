"""Homophones in 智能问答: a misheard or mistyped word finds the report's word."""

from __future__ import annotations

import threading
import time

import pytest

from kiosk.content.library import Library
from kiosk.search._homophones import correct, expand, sounds
from kiosk.search.ask import ask
from kiosk.search.index import SearchIndex
from kiosk.search.query import parse_query
from kiosk.search.results import Term
from tests.unit.search.conftest import make_report


def _expanded(index: SearchIndex, question: str) -> dict[str, Term]:
    query = parse_query(question, question=True, keep=tuple(index.places()))
    with index.reading() as conn:
        return {t.word: t for t in expand(index, conn, query.terms, query.text)}


@pytest.mark.parametrize(
    ("heard", "meant"),
    [
        ("申请信息公开要首费吗?", "申请信息公开要收费吗?"),  # shou-fei: the same pinyin
        ("日线电话处理了多少个?", "热线电话处理了多少个?"),  # ri-xian / re-xian
        ("有没有人申请行政副业?", "有没有人申请行政复议?"),  # fu-ye / fu-yi
        ("全文电子话率有多高?", "全文电子化率有多高?"),  # 电子 + 话率 → 电子化
        ("建了几个辩名服务大厅?", "建了几个便民服务大厅?"),  # bian-ming / bian-min
    ],
)
def test_a_misheard_word_finds_the_answer_of_the_right_one(
    index: SearchIndex, heard: str, meant: str
) -> None:
    right = ask(index, meant)
    assert right.found and right.answer is not None
    got = ask(index, heard)
    assert got.found and got.answer is not None, heard
    assert got.answer.sentence_id == right.answer.sentence_id
    assert got.confidence <= right.confidence  # a homophone counts less than the word


def test_exact_homophones_come_before_near_ones(index: SearchIndex) -> None:
    terms = _expanded(index, "首费和日线")
    assert terms["首费"].homophones == ("收费",) and not terms["首费"].near
    assert terms["日线"].near[0] == "热线" and not terms["日线"].homophones


def test_words_the_library_has_are_left_alone(index: SearchIndex) -> None:
    for term in _expanded(index, "热线电话处理了多少个?政务新媒体在运行吗?").values():
        assert not term.homophones and not term.near, term


@pytest.mark.parametrize("word", ["恐龙", "鳄鱼", "啰嗦"])
def test_a_nonsense_word_gains_no_alternatives(index: SearchIndex, word: str) -> None:
    term = _expanded(index, f"{word}有多少只?")[word]
    assert not term.homophones and not term.near
    assert not ask(index, f"{word}有多少只?").found


def test_the_map_is_built_once_per_index_version(index: SearchIndex) -> None:
    table = sounds(index)
    assert "收费" in table.words["shou fei"] and "热线" in table.words["re xian"]
    assert sounds(index) is table


def test_the_map_follows_the_library(fresh_index: SearchIndex) -> None:
    fresh_index.sync(Library({"a": make_report("a", "本机关全年未收取任何费用。")}))
    assert "收取" in sounds(fresh_index).words["shou qu"]
    fresh_index.sync(Library({"b": make_report("b", "本机关开通了政务热线。")}))
    table = sounds(fresh_index)
    assert "shou qu" not in table.words and "热线" in table.words["re xian"]


@pytest.mark.parametrize(
    ("heard", "shown"),
    [
        ("市长信象的信处理了几封。", "市长信箱的信处理了几封。"),
        ("热线的半节率是多少。", "热线的办结率是多少。"),
        ("申请信息公开要首费吗?", "申请信息公开要收费吗?"),
        ("日线电话处理了多少个。", "日线电话处理了多少个。"),  # only a near homophone: as heard
        ("恐龙有多少只?", "恐龙有多少只?"),
        ("热线电话处理了多少个?", "热线电话处理了多少个?"),
    ],
)
def test_a_transcript_gets_the_one_report_word_that_sounds_the_same(
    index: SearchIndex, heard: str, shown: str
) -> None:
    assert correct(index, heard) == shown


@pytest.mark.parametrize(
    "said",
    [
        "热线接到十五个电话。",  # 接到 and 十五 sound like 街道 and 事务, both in the reports
        "只有一件申请。",  # 一件 / 意见
        "请注意申请的期限。",  # 注意 / 主义
        "在省级平台公开了吗?",  # 省级 / 升级
        "我的权利有哪些?",  # 权利 / 权力
    ],
)
def test_a_common_word_is_what_the_visitor_meant(index: SearchIndex, said: str) -> None:
    """A word of everyday language is never 'corrected' into a report's word that
    sounds the same, in the transcript shown or in the question asked."""
    assert correct(index, said) == said
    for term in _expanded(index, said).values():
        assert not term.homophones and not term.near, term


def test_a_question_while_the_map_is_built_in_memory_does_not_deadlock(
    library: Library,
) -> None:
    """An index in memory (no writable cache folder) has one lock for readers. A
    question reads (holding it) and then needs the map, while the start-up warm-up
    builds the map: whichever comes first, both finish."""
    memory = SearchIndex(None)
    memory.sync(library)
    reading = threading.Event()
    built: list[int] = []

    def question() -> None:
        with memory.reading():  # as ask() is, when it comes to the homophones
            reading.set()
            time.sleep(0.3)  # the warm-up starts meanwhile
            built.append(len(sounds(memory).words))

    def warm_up() -> None:
        reading.wait()
        built.append(len(sounds(memory).words))

    threads = [threading.Thread(target=f, daemon=True) for f in (question, warm_up)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert not any(t.is_alive() for t in threads), "deadlock"
    assert len(built) == 2 and built[0] == built[1] > 0
    assert ask(memory, "日线电话处理了多少个?").found
    memory.close()
