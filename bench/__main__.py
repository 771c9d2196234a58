"""`make bench`: every benchmark in one run, so ratios hold on a noisy machine.

Prints one line per figure as it goes, and the whole table at the end. All
servers run on loopback; every load is bounded in time.
"""

from __future__ import annotations

import gzip
import shutil
import statistics
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from bench.server import ROOT, WrkResult, env_for, peak_rss_mb, serve, wrk

ROWS: list[tuple[str, str]] = []
SLUG = "kundulun-2013-report"


def row(name: str, value: str) -> None:
    ROWS.append((name, value))
    print(f"  {name:<58} {value}", flush=True)


def timed(fn: Callable[[], object], repeat: int = 20) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def ms(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1000:.2f} ms, max {max(values) * 1000:.2f} ms"


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as r:
        return bytes(r.read())


def generate_library(folder: Path, n: int) -> None:
    seed = (ROOT / "content" / f"{SLUG}.md").read_text(encoding="utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        text = seed.replace("2013", str(1990 + i % 40)).replace("429条", f"{i}条")
        (folder / f"report-{i:04d}.md").write_text(text, encoding="utf-8")


def content_section() -> None:
    from kiosk.content.importer import import_file
    from kiosk.content.library import load_library

    print("content")
    seed = ROOT / "tests" / "content_cases" / "kundulun-2013" / "source.txt"
    row("import the seed page", ms(timed(lambda: import_file(seed))))
    row("load the bundled content", ms(timed(lambda: load_library(ROOT / "content", 5 << 20))))


def http_section(tmp: Path) -> None:
    """The report page and its JSON twin against a bare Starlette endpoint, as a
    browser asks (gzip accepted), 200 connections, one worker each, on this
    machine. The three are measured in turns, several rounds, and each ratio is
    the median of its rounds: a shared machine's load drifts less within a round."""
    connections, accept, rounds = 200, ["Accept-Encoding: gzip"], 3
    print(f"http (wrk, {connections} connections, {rounds} rounds of 5 s, one worker, gzip)")
    env = env_for(ROOT / "content", tmp / "cache-http")
    results: dict[str, list[WrkResult]] = {"bare": [], "page": [], "twin": []}
    with serve("bench.bare:create") as bare, serve("bench.apps:kiosk", env) as kiosk:
        urls = {
            "bare": bare.url + "/",
            "page": f"{kiosk.url}/reports/{SLUG}",
            "twin": f"{kiosk.url}/reports/{SLUG}.json",
        }
        for url in urls.values():
            wrk(url, connections, seconds=1, headers=accept)  # warm up: caches, connections
        for _ in range(rounds):
            for name, url in urls.items():
                results[name].append(wrk(url, connections, seconds=5, headers=accept))
    floor = results["bare"]
    row(
        "bare Starlette endpoint",
        f"{statistics.median(r.requests_per_second for r in floor):,.0f} req/s, "
        f"p99 {statistics.median(r.p99_ms for r in floor):.1f} ms",
    )
    for name, label in (("page", "report page"), ("twin", "report JSON twin")):
        mine = results[name]
        ratio = statistics.median(
            m.requests_per_second / f.requests_per_second for m, f in zip(mine, floor, strict=True)
        )
        row(
            label,
            f"{statistics.median(r.requests_per_second for r in mine):,.0f} req/s "
            f"({ratio:.2f}× bare; aim ≥ 0.6), p99 {statistics.median(r.p99_ms for r in mine):.1f} ms "
            f"(aim ≤ 50), {sum(r.errors for r in mine)} errors",
        )


def weight_section(tmp: Path) -> None:
    print("page weight")
    env = env_for(ROOT / "content", tmp / "cache-weight", KIOSK_KIOSK_MODE="1")
    with serve("bench.apps:kiosk", env) as kiosk:
        html = get(f"{kiosk.url}/reports/{SLUG}")
        text = html.decode()
        urls = [u for u in __import__("re").findall(r'(?:href|src)="(/assets/[^"]+)"', text)]
        parts = [html] + [get(kiosk.url + u) for u in urls]
    raw = sum(len(p) for p in parts)
    zipped = sum(len(gzip.compress(p, 6)) for p in parts)
    row(
        "kiosk report page: HTML + CSS + JS",
        f"{raw / 1024:.1f} KB raw, {zipped / 1024:.1f} KB gzipped (aim ≤ 60)",
    )


def startup_section(tmp: Path) -> None:
    print("cold start and memory")
    with serve("bench.apps:kiosk", env_for(ROOT / "content", tmp / "c1")) as small:
        get(f"{small.url}/reports/{SLUG}")
        row("cold start to first request, bundled content", f"{small.started_in:.2f} s")
    library = tmp / "library"
    generate_library(library, 1000)
    with serve("bench.apps:kiosk", env_for(library, tmp / "c2")) as big:
        for i in range(0, 1000, 50):
            get(f"{big.url}/reports/report-{i:04d}")
        get(f"{big.url}/")
        row("cold start to first request, 1,000 reports", f"{big.started_in:.2f} s")
        row("peak RSS with 1,000 reports (aim ≤ 200 MB)", f"{peak_rss_mb(big.process.pid):.0f} MB")


def speech_section(tmp: Path) -> None:
    from kiosk.content.library import load_library
    from kiosk.speech.engine import create_engine, wav_duration
    from kiosk.speech.service import SpeechService

    print("speech")
    env = env_for(ROOT / "content", tmp / "cache-speech")
    with serve("bench.apps:kiosk", env) as kiosk:
        import json

        data = json.loads(get(f"{kiosk.url}/reports/{SLUG}/speech.json"))
        first = kiosk.url + data["sentences"][0]["audio"]["wav"]
        t = time.perf_counter()
        get(first)
        cold = time.perf_counter() - t
        t = time.perf_counter()
        get(first)
        warm = time.perf_counter() - t
    row("time to first audio, cold (synthesis)", f"{cold * 1000:.0f} ms")
    row("time to first audio, warm (cached)", f"{warm * 1000:.1f} ms")
    report = load_library(ROOT / "content", 5 << 20).reports[SLUG]
    service = SpeechService(create_engine("pyttsx3"), tmp / "cache-whole")
    try:
        plan = service.utterances(report)
        t = time.perf_counter()
        for utt in plan:
            service.synthesize(utt)
        whole = time.perf_counter() - t
        seconds = sum(wav_duration(service.path(u, "wav")) for u in plan)
        wav_bytes = sum(service.path(u, "wav").stat().st_size for u in plan)
        t = time.perf_counter()
        for utt in plan:
            service.synthesize(utt, "mp3")
        mp3_time = time.perf_counter() - t
        mp3_bytes = sum(service.path(u, "mp3").stat().st_size for u in plan)
    finally:
        service.close()
    row(
        "whole seed report, WAV synthesis",
        f"{whole:.2f} s for {len(plan)} sentences, {seconds / 60:.1f} min of audio",
    )
    row("whole seed report, MP3 encoding", f"{mp3_time:.2f} s")
    row("WAV bytes per second of audio", f"{wav_bytes / seconds / 1000:.1f} kB/s")
    row("MP3 bytes per second of audio", f"{mp3_bytes / seconds / 1000:.1f} kB/s")


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="kiosk-bench-"))
    try:
        content_section()
        http_section(tmp)
        weight_section(tmp)
        startup_section(tmp)
        speech_section(tmp)
        for extra in EXTRA_SECTIONS:
            extra(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("\n| benchmark | result |\n| --- | --- |")
    for name, value in ROWS:
        print(f"| {name} | {value} |")


def qr_section(tmp: Path) -> None:
    from kiosk.content.library import load_library
    from kiosk.handoff import encode, handoff_url
    from kiosk.prefs import Prefs
    from kiosk.qr import qr_svg

    print("QR codes")
    base = "https://kiosk.baotou-kundulun.gov.cn:8443"
    report = load_library(ROOT / "content", 5 << 20).reports[SLUG]
    urls = [
        handoff_url(base, encode(SLUG, s.id, Prefs(size=5, scheme="yellow"), True))
        for s in report.sentences
    ]
    times = []
    versions = set()
    for url in urls:
        t = time.perf_counter()
        image = qr_svg(url, "二维码", (base,))  # every URL differs: no cache hit
        times.append(time.perf_counter() - t)
        versions.add(image.version)
    row("QR generation (SVG, level M), per code", ms(times))
    row("QR versions for every sentence of the seed", ", ".join(str(v) for v in sorted(versions)))


def search_section(tmp: Path) -> None:
    from bench.search import homophone_stress, run

    print("search and 智能问答 (1,000 generated reports)")
    figures = run(1000, 200)
    row(
        "search index build, 1,000 reports",
        f"{figures['build_s']:.1f} s ({figures['sentences']:,.0f} sentences)",
    )
    row(
        "search p50 / p95 (aim p95 ≤ 30 ms)",
        f"{figures['search_p50_ms']:.1f} / {figures['search_p95_ms']:.1f} ms",
    )
    row("ask p50 / p95", f"{figures['ask_p50_ms']:.1f} / {figures['ask_p95_ms']:.1f} ms")
    row(
        "ask top-1 / top-3, evaluation set",
        f"{figures['eval_top1']:.3f} / {figures['eval_top3']:.3f}",
    )
    row(
        "homophone map: build (pypinyin loaded) / words / size",
        f"{figures['homophones_build_s']:.2f} s / {figures['homophones_words']:,.0f}"
        f" / {figures['homophones_mb']:.1f} MB (pypinyin load {figures['pypinyin_load_s']:.1f} s)",
    )
    row(
        "ask p50 / p95, questions with a misheard word",
        f"{figures['ask_misheard_p50_ms']:.1f} / {figures['ask_misheard_p95_ms']:.1f} ms",
    )
    stress = homophone_stress()
    row(
        f"homophone map of jieba's {stress['words']:,.0f} words: build / size",
        f"{stress['build_s']:.1f} s / {stress['mb']:.1f} MB",
    )


def widget_section(tmp: Path) -> None:
    from bench.widget_size import budget

    print("embeddable toolbar")
    b = budget()
    row(
        "toolbar JS + CSS as served, gzipped (budget 20 KB)",
        f"{b['served_gzip_bytes'] / 1024:.1f} KB ({b['served_bytes'] / 1024:.1f} KB raw)",
    )


def voices_section(tmp: Path) -> None:
    from bench import voices

    voices.run(tmp, row)


def screen_share_section(tmp: Path) -> None:
    from bench import screen_share

    screen_share.run(tmp, row)


def export_section(tmp: Path) -> None:
    from bench import export

    export.run(tmp, row)


def ime_section(tmp: Path) -> None:
    from bench import ime

    ime.run(tmp, row)


def asr_section(tmp: Path) -> None:
    from bench import asr

    asr.run(tmp, row)


def voice_ask_section(tmp: Path) -> None:
    from bench import voice_ask

    voice_ask.run(tmp, row)


def hostile_section(tmp: Path) -> None:
    from bench import hostile

    hostile.run(tmp, row)


def hostile_import_section(tmp: Path) -> None:
    from bench import hostile_import

    hostile_import.run(tmp, row)


def first_audio_section(tmp: Path) -> None:
    from bench import first_audio

    first_audio.run(tmp, row)


def guide_section(tmp: Path) -> None:
    from bench import guide

    guide.run(tmp, row)


EXTRA_SECTIONS: list[Callable[[Path], None]] = [
    qr_section,
    search_section,
    widget_section,
    screen_share_section,
    export_section,
    ime_section,
    asr_section,
    voice_ask_section,
    hostile_section,
    hostile_import_section,
    guide_section,
    voices_section,
    first_audio_section,
]

if __name__ == "__main__":
    main()
