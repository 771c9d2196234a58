from __future__ import annotations

import pickle
import tracemalloc
from pathlib import Path

from kiosk.ime.evaluate import CASES, evaluate, fuzzy_spelling, typed
from kiosk.ime.lexicon import VERSION, Lexicon, build_reports, key_of, report_words
from kiosk.ime.syllables import FUZZY_PAIRS


def test_keys_merge_the_first_letters_fuzzy_pairs_change() -> None:
    assert key_of(["zhu", "dong", "gong", "kai"]) == "zdgk"
    assert key_of(["nian", "hao"]) == "lf"


def test_base_holds_jieba_words_and_single_characters(base: Lexicon) -> None:
    assert 100_000 < len(base) < 200_000
    found = {base.word(i) for i in base.bucket("df")}
    assert {"电话", "答复"} <= found
    # f and h share a bucket; 行 is read hang as well as xing.
    assert {"行", "话", "发"} <= {base.word(i) for i in base.bucket("f")}
    assert "年" in {base.word(i) for i in base.bucket("l")}


def test_a_bucket_is_best_first(base: Lexicon) -> None:
    scores = [base.scores[i] for i in base.bucket("dh")]
    assert scores == sorted(scores, reverse=True)


def test_save_and_load(base: Lexicon, tmp_path: Path) -> None:
    path = tmp_path / "x.lexicon"
    base.save(path)
    loaded = Lexicon.load(path)
    assert loaded is not None
    assert loaded.chars == base.chars and loaded.keys == base.keys
    assert list(loaded.bucket("zd"))[:3] == list(base.bucket("zd"))[:3]


def test_stale_or_broken_files_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "x.lexicon"
    assert Lexicon.load(path) is None
    path.write_bytes(b"not a pickle")
    assert Lexicon.load(path) is None
    path.write_bytes(pickle.dumps({"version": VERSION - 1}))
    assert Lexicon.load(path) is None


def test_memory_of_the_loaded_lexicon(base: Lexicon, tmp_path: Path) -> None:
    path = tmp_path / "x.lexicon"
    base.save(path)
    tracemalloc.start()
    try:
        Lexicon.load(path)
        used = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert used < 20_000_000


def test_report_words_and_phrases() -> None:
    counts = report_words(["三、主动公开政府信息情况", "依申请公开。依申请公开。"])
    assert counts["主动公开"] == 1  # two words side by side
    assert counts["依申请"] == 2
    assert "、" not in "".join(counts)


def test_report_words_rank_above_the_base(base: Lexicon) -> None:
    reports = build_reports(base, ["石拐区人民政府", "石拐区"])
    found = [reports.word(i) for i in reports.bucket("sgq")]
    assert "石拐区" in found


def test_the_quality_cases() -> None:
    assert len(CASES) >= 60
    assert typed("zhu dong gong kai", "initials") == "zdgk"
    assert fuzzy_spelling("zhu dong") == "zudong"
    assert fuzzy_spelling("nian") == "lian"
    assert fuzzy_spelling("da yi") is None


def test_quality(layers: tuple[Lexicon, ...]) -> None:
    scores = {s.style: s for s in evaluate(layers, frozenset(FUZZY_PAIRS))}
    assert scores["full"].top1 >= 0.9 and scores["full"].top5 >= 0.95
    assert scores["fuzzy"].top1 >= 0.75 and scores["fuzzy"].top5 >= 0.9
    assert scores["initials"].top5 >= 0.6


def testreadings_are_what_pypinyin_reads() -> None:
    """The lexicon reads words by lazy_pinyin's own steps, faster: the same readings,
    on every 40th word of jieba's dictionary and on words that test its parts (a
    phrase of pypinyin's, 绿 as lv, 嗯 read n, a name it splits)."""
    from pypinyin import lazy_pinyin

    from kiosk.ime.lexicon import _jieba_words, readings, syllable_table

    table = set(syllable_table())
    words = [w for n, (w, _) in enumerate(_jieba_words()) if n % 40 == 0]
    words += ["绿色", "嗯", "银行", "行长", "长大", "昆都仑区", "主动公开", "依申请", "〇"]
    for word in words:
        expected = tuple(lazy_pinyin(word))
        if len(expected) != len(word) or any(s not in table for s in expected):
            expected = None  # type: ignore[assignment]
        assert readings(word, table) == expected, word
