"""说出问题: visitor questions spoken by our speech engine, recognised by Whisper base.

Each question of the seed report in the 智能问答 evaluation set is synthesised
with the product's default voice (Kokoro, as a visitor's natural speech stands in
for) and with eSpeak NG for comparison, transcribed by
the recogniser's worker with the app's prompt, and asked: a question counts as
"answered as if typed" when the transcript gets the same answer sentence as the
typed question. ``python -m bench.asr`` runs it alone and prints each transcript.
"""

from __future__ import annotations

import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench.evaluate import Question, eval_library, load_questions
from kiosk import models
from kiosk.asr import Recognizer, echoes_prompt, library_prompt
from kiosk.search.ask import ask
from kiosk.search.index import SearchIndex

SEED = "kundulun-2013-report"
QUESTIONS = 20


def _espeak(text: str) -> bytes:
    run = subprocess.run(
        ["espeak-ng", "-v", "cmn-latn-pinyin", "--stdout", text], capture_output=True, check=True
    )
    return run.stdout


def _voices(tmp: Path) -> list[tuple[str, Callable[[str], bytes], Callable[[], None]]]:
    """(label, speak a question to WAV bytes, close) for the default natural voice (when
    installed) and eSpeak NG."""
    from kiosk.speech.engine import DEFAULT_GENDER, KOKORO_DEFAULT_VOICES, KokoroEngine
    from kiosk.speech.normalize import normalize

    out: list[tuple[str, Callable[[str], bytes], Callable[[], None]]] = []
    folder = models.locate("kokoro")
    if folder is not None:
        engine = KokoroEngine(folder)
        voice = KOKORO_DEFAULT_VOICES[DEFAULT_GENDER]

        def kokoro(text: str) -> bytes:
            wav = tmp / "question.wav"
            engine.synthesize(normalize(text, "zh-CN"), voice, 160, wav, timeout=120)
            return wav.read_bytes()

        out.append((f"Kokoro {voice}", kokoro, engine.close))
    out.append(("eSpeak NG", _espeak, lambda: None))
    return out


def run(tmp: Path, row: Callable[[str, str], None], verbose: bool = False) -> None:
    print("说出问题 (Whisper base; questions said by our voices)")
    model = models.locate("whisper-base")
    if model is None:
        row("voice questions", f"skipped: {models.problem('whisper-base')}")
        return
    library = eval_library()
    index = SearchIndex(tmp / "asr-index")
    index.sync(library)
    prompt = library_prompt(library)
    questions = [q for q in load_questions() if q.report == SEED][:QUESTIONS]
    recognizer = Recognizer(model, timeout=300)
    start = time.perf_counter()
    recognizer.start()
    load_s = time.perf_counter() - start
    row("recogniser start (model load, once)", f"{load_s:.1f} s")
    try:
        for label, speak, close in _voices(tmp):
            try:
                same, exact, times = _ask_by_voice(
                    questions, speak, recognizer, prompt, index, verbose
                )
            finally:
                close()
            n = len(questions)
            row(
                f"voice questions answered as if typed / transcribed exactly ({n}, {label})",
                f"{same / n:.0%} / {exact / n:.0%}",
            )
            p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else times[0]
            row(
                f"recognition time per question, p50 / p95 ({label})",
                f"{statistics.median(times):.1f} / {p95:.1f} s",
            )
    finally:
        recognizer.close()
        index.close()


def _ask_by_voice(
    questions: list[Question],
    speak: Callable[[str], bytes],
    recognizer: Recognizer,
    prompt: str,
    index: SearchIndex,
    verbose: bool,
) -> tuple[int, int, list[float]]:
    same = exact = 0
    times: list[float] = []
    for question in questions:
        audio = speak(question.q)
        t = time.perf_counter()
        text = recognizer.transcribe(audio, prompt)
        text = "" if echoes_prompt(text, prompt) else text
        times.append(time.perf_counter() - t)
        typed = ask(index, question.q)
        said = ask(index, text) if text else None
        ok = bool(
            typed.found
            and said is not None
            and said.found
            and said.answer is not None
            and typed.answer is not None
            and said.answer.sentence_id == typed.answer.sentence_id
        )
        same += ok
        exact += text.rstrip("?？。") == question.q.rstrip("?？。")
        if verbose:
            print(f"    {'✓' if ok else '✗'} {question.q} → {text}")
    return same, exact, times


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        run(Path(folder), lambda name, value: print(f"  {name:<70} {value}"), verbose=True)
