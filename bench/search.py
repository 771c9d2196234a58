"""Search benchmarks on a synthetic library: ``python -m bench.search [N]``.

:func:`synthetic_library` makes N reports (default 1,000) at run time from the
bundled report: each gets its own place name, a year (2000–2023) and varied
figures; nothing is written to the repository. :func:`run` prints the index
build time, p50/p95 latency of :func:`~kiosk.search.query.search` and
:func:`~kiosk.search.ask.ask`, and the top-1 / top-3 accuracy of ``ask`` on
generated visitor questions (place + year + everyday phrasing) and on the
evaluation set. :func:`compare_tokenizers` gives the figures behind the choice
of tokenizer explained in :mod:`kiosk.search.index`.
"""

from __future__ import annotations

import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path

from bench.evaluate import evaluate
from kiosk.caching import approx_size
from kiosk.content.library import Library, load_library
from kiosk.content.parse import parse_report
from kiosk.search import homophones
from kiosk.search._homophones import _read as homophone_read
from kiosk.search._homophones import build as build_homophones
from kiosk.search._text import _tokens_cached, cjk_chars, cjk_phrase, normalize, tokens
from kiosk.search.ask import ask
from kiosk.search.index import SearchIndex
from kiosk.search.query import search

SEED = Path(__file__).resolve().parent.parent / "content" / "kundulun-2013-report.md"
_FIRST = "东西南北青红白金银玉龙凤安平长永新和泰宁丰富嘉德兴福康乐华盛明清星云松柏桃梅兰竹"
_SECOND = "山河湖林城桥川江海州原阳溪峰岭坪湾港谷田洲沙塘岗坡源泉门台关堡庄营屯集店"
_NUMBER = re.compile(r"(?<![\d.])(\d+)(?![\d.])(%?)")
#: (question template, markers of acceptable answer sentences) for the synthetic library.
QUESTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("{place}{year}年接了多少个热线电话?", ("接听并处理政府热线",)),
    ("{place}{year}年一共公开了多少条信息?", ("累计公开信息", "全年累计公开")),
    ("{place}建了几个便民服务大厅?", ("便民服务大厅",)),
    ("{place}有几个行政机关进驻了服务中心?", ("行政机关进驻",)),
    ("{place}{year}年收到多少政府信息公开申请?", ("未收到政府信息公开申请",)),
    ("{place}存在哪些问题?", ("基础设施建设", "信息公开力度", "政务公开制度需")),
    ("{place}招聘了多少名专业人员?", ("专业人员",)),
    ("{place}在报纸上公开了几条信息?", ("日报公开信息",)),
    ("{place}{year}年有人打官司吗?", ("诉讼案件",)),
)
#: Questions with a misheard word (日线 for 热线, 首费 for 收费, 副业 for 复议).
MISHEARD = (
    "{place}接了多少个日线电话?",
    "{place}申请信息公开要首费吗?",
    "{place}有没有人申请行政副业?",
)
SEARCHES = (
    "公开",
    "网",
    "热线",
    "收费",
    "行政复议",
    "诉讼",
    "电子政务",
    "便民服务大厅",
    "问题",
    "费",
)
SHORT_QUERIES = (
    "公开",
    "网",
    "热线",
    "收费",
    "诉讼",
    "费",
    "申请",
    "问题",
    "电话",
    "信箱",
    "率",
    "条",
)


def place_names(n: int, rng: random.Random) -> list[str]:
    names = [a + b + s for s in "区县" for a in _FIRST for b in _SECOND]
    rng.shuffle(names)
    return names[:n]


def synthetic_library(n: int = 1000, seed: int = 13) -> Library:
    """``n`` variations of the bundled report (place, year, figures), parsed."""
    rng = random.Random(seed)
    _, body = SEED.read_text(encoding="utf-8").split("\n---\n", 1)
    reports = {}
    for i, place in enumerate(place_names(n, rng)):
        year = 2000 + i % 24
        text = _NUMBER.sub(partial(_vary, year=year, rng=rng), body)
        text = text.replace("昆都仑区", place).replace("昆区", place).replace("包头", place[:2])
        front = (
            f"---\ntitle: {place}人民政府{year}年度政府信息公开年度报告\n"
            f"date: '{year + 1}-01-30'\nyear: {year}\nlanguage: zh-CN\n---\n"
        )
        slug = f"synthetic-{i:04d}"
        reports[slug], _ = parse_report(slug, front + text)
    return Library(reports)


def _vary(m: re.Match[str], year: int, rng: random.Random) -> str:
    number, percent = m.group(1), m.group(2)
    if number in ("2013", "2014"):
        return str(year + int(number) - 2013) + percent
    if percent:
        return f"{rng.randint(80, 100)}%"
    return str(max(1, round(int(number) * rng.uniform(0.5, 1.5))))


def _percentiles(samples: Sequence[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


def _timed(fn: Callable[[], object], repeat: int = 1) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def synthetic_questions(
    library: Library, count: int = 200, seed: int = 7
) -> list[tuple[str, str, tuple[str, ...]]]:
    """(question, slug, markers) for ``count`` random reports of the synthetic library."""
    rng = random.Random(seed)
    slugs = sorted(library.reports)
    out = []
    for k in range(count):
        report = library.reports[rng.choice(slugs)]
        template, markers = QUESTIONS[k % len(QUESTIONS)]
        place = report.meta.title.split("人民政府")[0]
        out.append((template.format(place=place, year=report.meta.year), report.slug, markers))
    return out


def run(n: int = 1000, questions: int = 200) -> dict[str, float]:
    """Build, query and ask on ``n`` synthetic reports; print and return the figures."""
    started = time.perf_counter()
    library = synthetic_library(n)
    generated = time.perf_counter() - started
    figures: dict[str, float] = {"reports": n, "generate_s": generated}
    with tempfile.TemporaryDirectory() as tmp:
        index = SearchIndex(tmp)
        tokens("预热")  # load jieba outside the timing
        _tokens_cached.cache_clear()
        build = _timed(lambda: index.sync(library))[0]
        figures["build_s"] = build
        figures["sentences"] = index.sentence_count()
        figures["resync_unchanged_s"] = _timed(lambda: index.sync(library))[0]
        # as the server does after its start-up build (kiosk.services): no visitor waits
        figures["pypinyin_load_s"] = _timed(lambda: homophone_read("预热"))[0]
        figures["homophones_build_s"] = _timed(lambda: homophones(index))[0]
        search_times = [t for q in SEARCHES * 5 for t in _timed(partial(search, index, q))]
        figures["search_p50_ms"], figures["search_p95_ms"] = _percentiles(search_times)
        asked = synthetic_questions(library, questions)
        ask_times, top1, top3 = [], 0, 0
        for question, slug, markers in asked:
            start = time.perf_counter()
            answer = ask(index, question)
            ask_times.append(time.perf_counter() - start)
            shown = [answer.answer, *answer.candidates[:2]] if answer.found else []
            ok = [
                c is not None and c.slug == slug and any(m in c.text for m in markers)
                for c in shown
            ]
            top1 += bool(ok and ok[0])
            top3 += any(ok)
        figures["ask_p50_ms"], figures["ask_p95_ms"] = _percentiles(ask_times)
        figures["synthetic_top1"] = top1 / len(asked)
        figures["synthetic_top3"] = top3 / len(asked)
        places = [library.reports[slug].meta.title.split("人民政府")[0] for _, slug, _ in asked]
        figures.update(_homophone_figures(index, places[:60]))
        index.close()
    result = evaluate(verbose=False)
    figures["eval_top1"], figures["eval_top3"] = result.top1, result.top3
    for key, value in figures.items():
        print(f"{key:>22}  {value:.3f}" if isinstance(value, float) else f"{key:>22}  {value}")
    return figures


def _homophone_figures(index: SearchIndex, places: Sequence[str]) -> dict[str, float]:
    """The size of the index's homophone map, and ask on questions with a misheard word."""
    table = homophones(index)
    out: dict[str, float] = {"homophones_words": sum(map(len, table.words.values()))}
    out["homophones_mb"] = approx_size(table) / 1e6
    questions = [MISHEARD[k % len(MISHEARD)].format(place=p) for k, p in enumerate(places)]
    times = [t for q in questions for t in _timed(partial(ask, index, q))]
    out["ask_misheard_p50_ms"], out["ask_misheard_p95_ms"] = _percentiles(times)
    return out


def homophone_stress(min_freq: int = 5) -> dict[str, float]:
    """The homophone map of a vocabulary as large as jieba's dictionary (its words of
    two or more characters used ≥ ``min_freq`` times), for a library far larger than
    any we have: build time and size."""
    from kiosk.ime.lexicon import _jieba_words

    words = [w for w, f in _jieba_words() if f >= min_freq and len(w) >= 2]
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE fts_vocab(term TEXT, col TEXT)")  # what build() reads
    conn.executemany("INSERT INTO fts_vocab VALUES (?, 'body')", [(w,) for w in words])
    homophone_read("预热")
    start = time.perf_counter()
    table = build_homophones(conn)
    seconds = time.perf_counter() - start
    conn.close()
    figures = {"words": len(words), "build_s": seconds, "mb": approx_size(table) / 1e6}
    print(
        f"homophone map of {len(words):,} words: {seconds:.1f} s, {figures['mb']:.1f} MB",
        flush=True,
    )
    return figures


VARIANTS = ("trigram", "jieba", "jieba+instr", "jieba+chars")


def _variant_index(name: str, texts: Sequence[str], norms: Sequence[str]) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE TABLE s(id INTEGER PRIMARY KEY, norm TEXT)")
    tokenizer = "trigram" if name == "trigram" else "unicode61 remove_diacritics 2"
    conn.execute(f"CREATE VIRTUAL TABLE f USING fts5(body, chars, tokenize='{tokenizer}')")
    if name == "trigram":
        rows = [(i, n, "") for i, n in enumerate(norms)]
    else:
        rows = [
            (i, " ".join(tokens(t)), cjk_chars(n) if name == "jieba+chars" else "")
            for i, (t, n) in enumerate(zip(texts, norms, strict=True))
        ]
    conn.executemany("INSERT INTO f(rowid, body, chars) VALUES (?, ?, ?)", rows)
    conn.executemany("INSERT INTO s VALUES (?, ?)", list(enumerate(norms)))
    conn.commit()
    return conn


def _variant_find(name: str, conn: sqlite3.Connection, q: str, limit: int | None) -> set[int]:
    cap = f" LIMIT {limit}" if limit else ""
    words = (q,) if name == "trigram" else tokens(q)
    expression = "body : (" + " OR ".join(f'"{t}"' for t in words) + ")"
    found = {
        r[0]
        for r in conn.execute(
            f"SELECT rowid FROM f WHERE f MATCH ? ORDER BY rank{cap}", (expression,)
        )
    }
    if len(q) <= 2 and name == "jieba+instr":
        sql = f"SELECT id FROM s WHERE instr(norm, ?) > 0{cap}"
        found |= {r[0] for r in conn.execute(sql, (q,))}
    if len(q) <= 2 and name == "jieba+chars":
        sql = f"SELECT rowid FROM f WHERE f MATCH ? ORDER BY rowid DESC{cap}"
        found |= {r[0] for r in conn.execute(sql, (f"chars : {cjk_phrase(q)}",))}
    return found


def compare_tokenizers(library: Library | None = None) -> dict[str, dict[str, float]]:
    """Trigram FTS5 against jieba words in a unicode61 FTS5 column, alone, with an
    ``instr`` substring scan, or with an indexed column of single CJK characters
    (the index's choice), for 1–2-character queries: recall (against plain substring
    search), build time (segmenting included) and latency p50/p95 (ms, best 120
    rows by BM25 plus 60 substring rows). In memory, the same sentences for each."""
    library = library or synthetic_library(1000)
    texts = [s.text for r in library.reports.values() for s in r.sentences]
    norms = [normalize(t) for t in texts]
    truth = {q: {i for i, t in enumerate(norms) if q in t} for q in SHORT_QUERIES}
    out: dict[str, dict[str, float]] = {}
    for name in VARIANTS:
        tokens("预热")
        _tokens_cached.cache_clear()
        start = time.perf_counter()
        conn = _variant_index(name, texts, norms)
        build = time.perf_counter() - start
        recall = statistics.mean(
            len(_variant_find(name, conn, q, None) & truth[q]) / max(len(truth[q]), 1)
            for q in SHORT_QUERIES
        )
        times = [
            t for q in SHORT_QUERIES * 5 for t in _timed(partial(_variant_find, name, conn, q, 120))
        ]
        p50, p95 = _percentiles(times)
        out[name] = {"recall_short": recall, "build_s": build, "p50_ms": p50, "p95_ms": p95}
        conn.close()
    print(f"{'':>12}  recall(1-2 chars)  build s  p50 ms  p95 ms   ({len(texts)} sentences)")
    for name, f in out.items():
        print(
            f"{name:>12}  {f['recall_short']:17.2f}  {f['build_s']:7.2f}"
            f"  {f['p50_ms']:6.2f}  {f['p95_ms']:6.2f}"
        )
    return out


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    compare_tokenizers(load_library(SEED.parent, 5 * 1024 * 1024))
    compare_tokenizers(synthetic_library(count))
    run(count)
    homophone_stress()
