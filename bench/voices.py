"""The ear in the bench: how well each engine and voice is understood, and how fast.

Per engine and voice: the character error rate of an offline recogniser (Whisper base,
:mod:`bench.recognise`) over report sentences and its syllable error rate (toneless
pinyin: what the voice said wrong or unclearly, not the recogniser's pick among
homophones), the real-time factor (wall seconds of synthesis per second of audio, and
CPU seconds of the worker per second of audio, which a busy machine changes less), time to first audio (cold: not cached, engine running;
warm: cached), and the worker's peak RSS. Then the seed report's build time.

Run alone: ``python -m bench.voices [--sentences N] [--voices zf_xiaobei,zm_yunjian,espeak]
[--no-build] [--details]`` (``--details``: each sentence as said and as heard);
``make bench`` runs it with the rest.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from bench.server import ROOT, print_table

ESPEAK = "espeak"
SOURCES = [
    ROOT / "content",
    ROOT / "tests" / "browser" / "fixtures",
    *sorted((ROOT / "tests" / "content_cases").glob("*/expected.md")),
]


def sentences(n: int, shortest: int = 8, longest: int = 24) -> list[str]:
    """n Chinese report sentences of typical length, spread over the bundled reports."""
    from kiosk.content.parse import parse_report

    files: list[Path] = []
    for source in SOURCES:
        files += sorted(source.glob("*.md")) if source.is_dir() else [source]
    seen: dict[str, None] = {}
    for path in files:
        report = parse_report(path.stem, path.read_text(encoding="utf-8"))[0]
        if report is None or not report.meta.language.startswith("zh"):
            continue
        for s in report.sentences:
            if shortest <= len(s.text) <= longest:
                seen.setdefault(s.text)
    pool = list(seen)
    if len(pool) <= n:
        return pool
    step = len(pool) / n
    return [pool[int(i * step)] for i in range(n)]


def _cpu_seconds(pid: int | None) -> float:
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    import os

    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _peak_rss_mb(pid: int | None) -> float:
    if pid is None:
        return 0.0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure_voice(
    voice: str, texts: list[str], tmp: Path, details: bool = False
) -> dict[str, float]:
    """Figures for one voice; with ``details``, print per sentence what was said, what
    the recogniser heard, the CER and the syllable error rate."""
    from bench.recognise import cer, ser, transcribe
    from kiosk import models
    from kiosk.speech.engine import (
        MANDARIN_VOICE,
        KokoroEngine,
        Pyttsx3Engine,
        wav_duration,
    )
    from kiosk.speech.normalize import normalize
    from kiosk.speech.service import SPEEDS

    engine: KokoroEngine | Pyttsx3Engine
    if voice == ESPEAK:
        engine, name = Pyttsx3Engine(), MANDARIN_VOICE
    else:
        engine, name = KokoroEngine(models.locate("kokoro")), voice
    out = tmp / voice
    out.mkdir(parents=True, exist_ok=True)
    rate = SPEEDS["normal"]
    try:
        t = time.perf_counter()
        engine.start()
        started = time.perf_counter() - t
        cpu0 = _cpu_seconds(engine.worker_pid)
        wall = audio = 0.0
        firsts, errors, syllable_errors = [], [], []
        for i, text in enumerate(texts):
            spoken = normalize(text, "zh-CN").strip()
            wav = out / f"{i:03d}.wav"
            t = time.perf_counter()
            seconds = engine.synthesize(spoken, name, rate, wav, timeout=300)
            took = time.perf_counter() - t
            wall, audio = wall + took, audio + seconds
            firsts.append(took)
            heard = transcribe(wav)
            errors.append(cer(spoken, heard))
            syllable_errors.append(ser(spoken, heard))
            if details:
                print(f"    {voice} {i:3d} CER {errors[-1]:.3f} SER {syllable_errors[-1]:.3f}")
                print(f"      said  {spoken}\n      heard {heard}", flush=True)
        cpu = _cpu_seconds(engine.worker_pid) - cpu0
        rss = _peak_rss_mb(engine.worker_pid)
        # warm: the file exists; what a cached answer costs is reading it
        t = time.perf_counter()
        (out / "000.wav").read_bytes()
        warm = time.perf_counter() - t
        lengths = [wav_duration(out / f"{i:03d}.wav") for i in range(len(texts))]
    finally:
        engine.close()
    return {
        "cer": statistics.mean(errors),
        "cer_median": statistics.median(errors),
        "ser": statistics.mean(syllable_errors),
        "ser_median": statistics.median(syllable_errors),
        "rtf": wall / audio,
        "cpu_rtf": cpu / audio,
        "first_cold_ms": statistics.median(firsts) * 1000,
        "warm_ms": warm * 1000,
        "start_s": started,
        "rss_mb": rss,
        "audio_s": sum(lengths),
    }


def seed_build(tmp: Path, engine_name: str = "auto") -> tuple[float, float, int]:
    """(seconds, minutes of audio, sentences) to build the seed report at normal speed."""
    from kiosk.content.library import load_library
    from kiosk.speech.engine import create_engine, wav_duration
    from kiosk.speech.service import SpeechService

    report = load_library(ROOT / "content", 5 << 20).reports["kundulun-2013-report"]
    service = SpeechService(create_engine(engine_name), tmp / f"seed-{engine_name}", 300)
    try:
        plan = service.utterances(report)
        t = time.perf_counter()
        for utt in plan:
            service.synthesize(utt, "mp3")
        took = time.perf_counter() - t
        minutes = sum(wav_duration(service.path(u, "wav")) for u in plan) / 60
    finally:
        service.close()
    return took, minutes, len(plan)


def run(
    tmp: Path,
    row: Callable[[str, str], None],
    n: int = 40,
    voices: list[str] | None = None,
    build: bool = True,
    details: bool = False,
) -> None:
    from kiosk import models
    from kiosk.speech.engine import KOKORO_DEFAULT_VOICES

    print(
        "voices (recogniser: Whisper base; CER = characters, SER = toneless pinyin syllables;"
        " RTF = synthesis / audio seconds)"
    )
    texts = sentences(n)
    kokoro_ok = models.locate("kokoro") is not None
    if voices is None:
        voices = [*(models.KOKORO_VOICES if kokoro_ok else []), ESPEAK]
    for voice in voices:
        if voice != ESPEAK and not kokoro_ok:
            row(f"{voice}", f"skipped: {models.problem('kokoro')}")
            continue
        m = measure_voice(voice, texts, tmp, details)
        default = [g for g, v in KOKORO_DEFAULT_VOICES.items() if v == voice]
        label = f"{'kokoro ' + voice if voice != ESPEAK else 'eSpeak NG cmn-latn-pinyin'}"
        label += f" (default {default[0]})" if default else ""
        row(
            f"{label}: CER over {len(texts)} sentences",
            f"mean {m['cer']:.3f}, median {m['cer_median']:.3f}",
        )
        row(
            f"{label}: syllable error rate (toneless pinyin)",
            f"mean {m['ser']:.3f}, median {m['ser_median']:.3f}",
        )
        row(
            f"{label}: RTF wall / worker CPU",
            f"{m['rtf']:.3f} / {m['cpu_rtf']:.3f} ({m['audio_s'] / 60:.1f} min of audio)",
        )
        row(
            f"{label}: first audio cold (median sentence) / warm",
            f"{m['first_cold_ms']:.0f} ms / {m['warm_ms']:.2f} ms",
        )
        row(f"{label}: worker start, peak RSS", f"{m['start_s']:.1f} s, {m['rss_mb']:.0f} MB")
    if build:
        for name in ("auto", "pyttsx3"):
            took, minutes, count = seed_build(tmp, name)
            row(
                f"seed report build, {name} (aim ≤ 8 min)",
                f"{took / 60:.1f} min for {count} sentences, {minutes:.1f} min of audio (WAV + MP3)",
            )


def main() -> None:
    import shutil
    import tempfile

    parser = argparse.ArgumentParser(prog="python -m bench.voices")
    parser.add_argument("--sentences", type=int, default=40)
    parser.add_argument("--voices", help="comma-separated: zf_xiaobei,...,espeak")
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument(
        "--details", action="store_true", help="print each sentence: said, heard, CER, SER"
    )
    args = parser.parse_args()
    rows: list[tuple[str, str]] = []

    def row(name: str, value: str) -> None:
        rows.append((name, value))
        print(f"  {name:<62} {value}", flush=True)

    tmp = Path(tempfile.mkdtemp(prefix="kiosk-voices-"))
    try:
        voices = args.voices.split(",") if args.voices else None
        run(tmp, row, args.sentences, voices, not args.no_build, args.details)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print_table(rows)


if __name__ == "__main__":
    main()
