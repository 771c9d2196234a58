"""The benchmark and the tokenizer comparison run (on a small synthetic library)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from bench.search import compare_tokenizers, run, synthetic_library, synthetic_questions


def test_synthetic_library_varies_place_year_and_figures() -> None:
    library = synthetic_library(30)
    assert len(library.reports) == 30
    titles = {r.meta.title for r in library.reports.values()}
    assert len(titles) == 30
    assert len({r.meta.year for r in library.reports.values()}) > 10
    hotlines = {
        s.text for r in library.reports.values() for s in r.sentences if "政府热线" in s.text
    }
    assert len(hotlines) > 10
    questions = synthetic_questions(library, 10)
    assert len(questions) == 10 and all(slug in library.reports for _, slug, _ in questions)


def test_run_prints_build_time_latency_and_accuracy(capsys: pytest.CaptureFixture[str]) -> None:
    figures = run(n=12, questions=18)
    out = capsys.readouterr().out
    for key in ("build_s", "search_p95_ms", "ask_p95_ms", "synthetic_top1", "eval_top1"):
        assert key in out and key in figures
    assert figures["synthetic_top1"] >= 0.8
    assert figures["eval_top1"] >= 0.8


def test_trigram_cannot_find_short_words_and_jieba_with_characters_can() -> None:
    figures = compare_tokenizers(synthetic_library(3))
    assert figures["trigram"]["recall_short"] == 0.0
    assert figures["jieba"]["recall_short"] < 1.0
    assert figures["jieba+chars"]["recall_short"] == 1.0
    assert figures["jieba+instr"]["recall_short"] == 1.0


def test_jieba_loads_quietly_and_without_warnings() -> None:
    code = "from kiosk.search._text import tokens; print(' '.join(tokens('公开热线')))"
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.split() == ["公开", "热线"]
