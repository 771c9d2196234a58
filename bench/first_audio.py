"""Time to first audio, as a listener waits for it: from the player's request for a
sentence nobody has heard yet to the first MP3 bytes over HTTP (the first clause is
said and streamed on its own), against the time to the whole sentence; and for a
sentence already made (warm). A real server per engine, the engine started, the
report's sentences never made before (prebuild off, empty cache).

Run alone: ``python -m bench.first_audio [--sentences N] [--engines auto,pyttsx3]``;
``--parts`` prints where the cold first audio's time goes instead (:func:`parts`).
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import tempfile
import time
import urllib.request
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bench.server import ROOT, env_for, serve
from kiosk.speech.pieces import OPENING_CHARS

SLUG = "kundulun-2013-report"


def _get(url: str) -> tuple[float, float, int, dict[str, str]]:
    """(seconds to the first body bytes, seconds to the end, bytes, headers)."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=300)
    try:
        start = time.perf_counter()
        conn.request("GET", f"{parts.path}?{parts.query}")
        response = conn.getresponse()
        first = response.read1(65536)
        ttfb = time.perf_counter() - start
        body = first + response.read()
        total = time.perf_counter() - start
        if response.status != 200:
            raise RuntimeError(f"{url}: HTTP {response.status} {body[:200]!r}")
        return ttfb, total, len(body), dict(response.getheaders())
    finally:
        conn.close()


def measure(engine: str, n: int, tmp: Path, prebuild: bool = False) -> dict[str, float | str]:
    """With ``prebuild``, the server makes the report's audio in the background
    meanwhile (as a kiosk does after start-up) and the sentences are asked for from the
    end of the report, which the prebuild reaches last."""
    env = env_for(
        ROOT / "content",
        tmp / f"cache-{engine}{'-prebuild' if prebuild else ''}",
        KIOSK_SPEECH_PREBUILD="1" if prebuild else "0",
        KIOSK_SPEECH_ENGINE=engine,
        KIOSK_RATE_LIMIT="off",
        KIOSK_MODELS_DIR=str(ROOT / ".cache" / "models"),
    )
    with serve("bench.apps:kiosk", env) as server:
        sentences = _json(server.url + f"/reports/{SLUG}/speech.json")["sentences"]
        urls = [server.url + s["audio"]["mp3"] for s in sentences]
        try:  # the engine starts (a model loads) on its first sentence
            _get(urls[-1])
        except (OSError, http.client.HTTPException, RuntimeError):
            pass
        step = max(1, (len(urls) - 1) // n)
        picked = urls[: len(urls) - 1 : step][:n]
        if prebuild:
            picked.reverse()
        firsts, wholes, made, speaker, failed = [], [], [], "", 0
        for url in picked:
            try:
                ttfb, total, _, headers = _get(url)
            except (OSError, http.client.HTTPException, RuntimeError):
                failed += 1  # cut off or refused: counted, not timed
                continue
            firsts.append(ttfb)
            wholes.append(total)
            made.append(url)
            speaker = headers.get("x-speech-engine", "")
        warm = [_get(url)[0] for url in made]
    if not firsts:
        raise RuntimeError(f"{engine}: every sentence failed")
    firsts.sort()
    return {
        "speaker": speaker,
        "first_median_ms": statistics.median(firsts) * 1000,
        "first_p90_ms": firsts[int(0.9 * (len(firsts) - 1))] * 1000,
        "whole_median_ms": statistics.median(wholes) * 1000,
        "warm_median_ms": statistics.median(warm) * 1000,
        "n": len(firsts),
        "failed": failed,
    }


def _json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=60) as r:
        return json.load(r)


def run(
    tmp: Path,
    row: Callable[[str, str], None],
    n: int = 12,
    engines: list[str] | None = None,
    prebuild: bool = False,
) -> None:
    print("time to first audio (HTTP, a sentence not made before; aim ≤ 600 ms cold)")
    for engine in engines or ["auto", "pyttsx3"]:
        m = measure(engine, n, tmp, prebuild)
        label = f"{engine} ({m['speaker']}{', prebuild running' if prebuild else ''})"
        row(
            f"{label}: first audio cold, median / p90 of {m['n']} sentences",
            f"{m['first_median_ms']:.0f} ms / {m['first_p90_ms']:.0f} ms"
            f" (whole sentence {m['whole_median_ms']:.0f} ms; {m['failed']} failed)",
        )
        row(f"{label}: first audio warm (made before), median", f"{m['warm_median_ms']:.1f} ms")


def _picked_texts(n: int) -> list[str]:
    """The spoken forms of the sentences :func:`measure` asks for."""
    from kiosk.content.parse import parse_report
    from kiosk.speech.normalize import normalize

    report = parse_report(SLUG, (ROOT / "content" / f"{SLUG}.md").read_text("utf-8"))[0]
    assert report is not None
    spoken = [normalize(s.text, report.meta.language).strip() for s in report.sentences]
    step = max(1, (len(spoken) - 1) // n)
    return spoken[: len(spoken) - 1 : step][:n]


def parts(n: int, tmp: Path, limits: tuple[int, ...] = (OPENING_CHARS,)) -> None:
    """Where the cold first audio goes, step by step, for the opening piece of the same
    sentences as :func:`measure` (Kokoro, the default voice), one opening length after
    another for each sentence (interleaved: the machine is shared): the front end (G2P),
    the model's call (and how much of the audio it made is the silence it pads with),
    trimming, the WAV file, lame's first MP3 frames, and the worker's pipe (the same
    job's trip to :class:`KokoroEngine`'s worker and back, timed with a job it refuses
    at once)."""
    import numpy as np

    from kiosk import models
    from kiosk.speech import kokoro
    from kiosk.speech.engine import (
        DEFAULT_GENDER,
        KOKORO_DEFAULT_VOICES,
        KokoroEngine,
        SpeechError,
    )
    from kiosk.speech.pieces import opening, pieces
    from kiosk.speech.service import mp3_frames

    folder = models.locate("kokoro")
    if folder is None:
        print(f"  skipped: {models.problem('kokoro')}")
        return
    voice = KOKORO_DEFAULT_VOICES[DEFAULT_GENDER]
    model = kokoro.Kokoro(folder)
    engine = KokoroEngine(folder)
    engine.start()
    model.write("你好。", voice, 1.0, str(tmp / "warm.wav"))
    steps = ("g2p", "model", "trim", "wav", "lame", "worker pipe")
    times: dict[int, dict[str, list[float]]] = {k: {s: [] for s in steps} for k in limits}
    audio: dict[int, list[tuple[float, float]]] = {k: [] for k in limits}
    try:
        for text in _picked_texts(n):
            for limit in limits:
                first = opening(pieces(text, engine.max_piece_chars), limit)[0]
                t = times[limit]
                start = time.perf_counter()
                ids = [model.vocab[c] for c in kokoro.phonemes(first) if c in model.vocab]
                t["g2p"].append(time.perf_counter() - start)
                start = time.perf_counter()
                raw = model._infer(ids, model.voice(voice), 1.0)
                t["model"].append(time.perf_counter() - start)
                start = time.perf_counter()
                kept = kokoro.trim_silence(raw)
                t["trim"].append(time.perf_counter() - start)
                loud = np.flatnonzero(np.abs(raw) > kokoro.SILENCE)
                speech = (loud[-1] - loud[0]) / kokoro.SAMPLE_RATE if loud.size else 0.0
                audio[limit].append((raw.size / kokoro.SAMPLE_RATE, speech))
                wav = tmp / "piece.wav"
                model.write(first, voice, 1.0, str(wav))
                start = time.perf_counter()
                kept.astype(np.float32).tofile(tmp / "samples.raw")
                t["wav"].append(time.perf_counter() - start)
                start = time.perf_counter()
                mp3_frames(wav, 60)
                t["lame"].append(time.perf_counter() - start)
                start = time.perf_counter()
                with suppress(SpeechError):  # refused at once: a job's trip there and back
                    engine.synthesize(first, "zf_nobody", 160, tmp / "worker.wav", 120)
                t["worker pipe"].append(time.perf_counter() - start)
    finally:
        engine.close()
    for limit in limits:
        raw_s = statistics.median(a for a, _ in audio[limit])
        speech_s = statistics.median(s for _, s in audio[limit])
        print(
            f"  opening ≤ {limit} characters: the model made {raw_s:.2f} s of audio for"
            f" {speech_s:.2f} s of speech ({1 - speech_s / raw_s:.0%} padding), median"
        )
        for name in steps:
            values = times[limit][name]
            print(
                f"    {name:<12} median {statistics.median(values) * 1000:7.1f} ms"
                f"  max {max(values) * 1000:7.1f} ms"
            )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.first_audio")
    parser.add_argument("--sentences", type=int, default=12)
    parser.add_argument("--engines", default="auto,pyttsx3")
    parser.add_argument(
        "--prebuild", action="store_true", help="while the server prebuilds the report's audio"
    )
    parser.add_argument(
        "--parts", action="store_true", help="where the first audio's time goes (Kokoro)"
    )
    parser.add_argument(
        "--openings", default=str(OPENING_CHARS), help="with --parts: opening lengths, e.g. 8,4"
    )
    args = parser.parse_args()

    def row(name: str, value: str) -> None:
        print(f"  {name:<62} {value}", flush=True)

    with tempfile.TemporaryDirectory(prefix="kiosk-first-audio-") as tmp:
        if args.parts:
            limits = tuple(int(x) for x in args.openings.split(","))
            return parts(args.sentences, Path(tmp), limits)
        run(Path(tmp), row, args.sentences, args.engines.split(","), args.prebuild)


if __name__ == "__main__":
    main()
