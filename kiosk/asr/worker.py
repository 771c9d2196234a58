"""The recogniser's worker process: Whisper base loaded once, one question at a time.

:class:`Recognizer` starts the worker on first use (``multiprocessing`` spawn, so
the server's threads and locks are not inherited) and sends it the recorded
audio as bytes over a pipe — it is never written to a file. A question that takes
longer than ``timeout`` seconds kills the worker; the next one starts a new one.

The prompt biases Whisper to simplified Chinese and to the words of the reports.
"""

from __future__ import annotations

import io
import math
import multiprocessing
import threading
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from kiosk.asr.prompt import BASE_PROMPT

#: Longest recording accepted, in seconds of audio.
MAX_SECONDS = 15.0
#: How Whisper decodes (faster-whisper ``transcribe`` options besides the language,
#: prompt and VAD), chosen with ``python -m bench.asr --options`` (26 recordings said
#: by the natural voice, interleaved, 2 rounds; time relative to beam 5 with timestamps,
#: the product's before (the bench now reports relative to this one), CER, answered as
#: if typed): beam 2 without timestamps ×0.84, 7.0 %, 88 %; beam 5 ×1.00, 6.7 %, 85 %
#: (beam 2 alone ×0.89 and ×0.87 in an earlier run, 7.0 %, 88 %). Whisper
#: writes ≈ 25 tokens for a 6 s question and the beam's decoder is ≈ 70 % of the time,
#: so a narrower beam is what shortens it; one of ≈ 330 characters more is misheard.
#: Beam 1 was 8.1 % (30 s window).
#:
#: ``window`` (ours, not faster-whisper's): the encoder sees the recording and this
#: many seconds of silence after it, not the 30 s window Whisper pads every input to
#: (CTranslate2 takes a shorter one). Encoding 30 s took ≈ 1.0 s of the ≈ 2.3 s a 5 s
#: question took here, whatever its length; 10 s takes ≈ 0.13 s. Less than ≈ 5 s of
#: silence after the speech makes Whisper drop or repeat words; 8 s recognised as
#: well as 30 s. ``None``: the full window. Compared in ``python -m bench.asr --options``.
DECODING: dict[str, Any] = {
    "beam_size": 2,
    "without_timestamps": True,
    "condition_on_previous_text": False,
    "window": 8.0,
}
#: Most tokens Whisper may write per second of recording (and a few more): speech is
#: ≤ 7 characters a second, ≤ 2 tokens each. Unclear audio made it repeat itself to
#: its limit of ≈ 370 tokens, then again at each fallback temperature: 30 s and the
#: worker's timeout for one 6 s question, measured; a bound ends that in ~1 s.
TOKENS_PER_SECOND = 15
_TOKENS_MORE = 20
#: Mel frames per second of audio (Whisper's hop of 10 ms) and the longest window.
_FRAMES_PER_SECOND = 100
_FULL_WINDOW = 3000


class AsrError(Exception):
    """The recogniser failed or is not available."""


class AsrTimeout(AsrError):
    """No text before the deadline: the worker was stopped."""


def _serve(conn: Connection, model_dir: str, threads: int) -> None:
    """The worker: load once, then transcribe each request until the pipe closes."""
    from faster_whisper import WhisperModel, decode_audio

    class Windowed(WhisperModel):
        """Whisper whose encoder sees ``frames`` of the padded 30 s window."""

        frames = _FULL_WINDOW

        def encode(self, features: Any) -> Any:
            return super().encode(features[..., : self.frames])

    model = Windowed(model_dir, device="cpu", compute_type="int8", cpu_threads=threads)
    conn.send({"ready": True})
    while True:
        try:
            request = conn.recv()
        except EOFError:
            return
        try:
            start = time.perf_counter()
            samples = decode_audio(io.BytesIO(request["audio"]), sampling_rate=16000)
            samples = samples[: int(MAX_SECONDS * 16000)]
            decoded = time.perf_counter()
            decoding = dict(request.get("decoding", DECODING))
            seconds = len(samples) / 16000
            model.frames = window_frames(seconds, decoding.pop("window", None))
            decoding.setdefault(
                "max_new_tokens", math.ceil(seconds * TOKENS_PER_SECOND) + _TOKENS_MORE
            )
            segments, _ = model.transcribe(
                samples,
                language="zh",
                initial_prompt=request["prompt"],
                vad_filter=True,
                **decoding,
            )
            text = "".join(s.text for s in segments).strip()
            ms = {
                "decode": 1000 * (decoded - start),
                "recognise": 1000 * (time.perf_counter() - decoded),
            }
            conn.send({"ok": True, "text": text, "seconds": seconds, "ms": ms})
        except Exception as exc:  # a broken recording must not end the worker
            conn.send({"ok": False, "error": f"{type(exc).__name__}: {exc}"})


def window_frames(seconds: float, padding: float | None) -> int:
    """Mel frames the encoder sees for a recording of ``seconds``: the recording and
    ``padding`` seconds after it (an even count, as Whisper's encoder halves it), or the
    full 30 s window when ``padding`` is None."""
    if padding is None:
        return _FULL_WINDOW
    frames = math.ceil((seconds + padding) * _FRAMES_PER_SECOND / 2) * 2
    return max(2, min(_FULL_WINDOW, frames))


@dataclass(frozen=True)
class Heard:
    """What the worker made of a recording, and where the time went (milliseconds:
    ``wait`` for the worker and the pipe, ``decode`` of the audio, ``recognise``)."""

    text: str
    ms: dict[str, float] = field(default_factory=dict)


class Recognizer:
    """Whisper base in a worker process, for one question at a time."""

    def __init__(
        self,
        model_dir: Path,
        timeout: float = 30.0,
        start_timeout: float = 120.0,
        threads: int = 2,
        decoding: dict[str, Any] | None = None,
    ) -> None:
        self.model_dir = model_dir
        self.timeout = timeout
        self.start_timeout = start_timeout
        self.threads = threads
        self.decoding = dict(DECODING if decoding is None else decoding)
        self._lock = threading.Lock()
        self._process: BaseProcess | None = None
        self._conn: Connection | None = None
        self._closed = False

    @property
    def worker_pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def running(self) -> bool:
        """Whether a worker process is alive (loading or loaded)."""
        process = self._process
        return process is not None and process.is_alive()

    def start(self) -> None:
        """Start the worker and wait until the model is loaded (once)."""
        with self._lock:
            self._ensure()

    def _ensure(self) -> Connection:
        if self._conn is not None and self._process is not None and self._process.is_alive():
            return self._conn
        self._stop()
        if self._closed:
            raise AsrError("the recogniser was closed")
        ctx = multiprocessing.get_context("spawn")
        parent, child = ctx.Pipe()
        process = ctx.Process(
            target=_serve, args=(child, str(self.model_dir), self.threads), daemon=True
        )
        process.start()
        child.close()
        self._process, self._conn = process, parent
        deadline = time.monotonic() + self.start_timeout
        while not parent.poll(0.5):  # the model loads; close() may come meanwhile
            if self._closed or time.monotonic() > deadline:
                self._stop()
                raise AsrError("closed" if self._closed else "the recogniser did not start in time")
        try:
            parent.recv()
        except (EOFError, OSError):
            self._stop()
            raise AsrError("the recogniser could not load its model") from None
        return parent

    def transcribe(self, audio: bytes, prompt: str = BASE_PROMPT) -> str:
        """The text of a recording (WAV, WebM/Opus, …: anything FFmpeg reads); "" when
        nothing was said. Raises :class:`AsrTimeout` or :class:`AsrError`."""
        return self.hear(audio, prompt).text

    def hear(self, audio: bytes, prompt: str = BASE_PROMPT) -> Heard:
        """:meth:`transcribe`, with the time each stage took."""
        start = time.perf_counter()
        with self._lock:
            conn = self._ensure()
            try:
                conn.send({"audio": audio, "prompt": prompt, "decoding": self.decoding})
                if not conn.poll(self.timeout):
                    self._stop()
                    raise AsrTimeout(f"no text within {self.timeout:g} s")
                reply: dict[str, Any] = conn.recv()
            except (EOFError, OSError, BrokenPipeError):
                self._stop()
                raise AsrError("the recogniser stopped") from None
        if not reply.get("ok"):
            raise AsrError(str(reply.get("error", "recognition failed")))
        ms = dict(reply.get("ms", {}))
        ms["wait"] = max(0.0, 1000 * (time.perf_counter() - start) - sum(ms.values()))
        return Heard(str(reply["text"]), ms)

    def _stop(self) -> None:
        if self._conn is not None:
            self._conn.close()
        if self._process is not None:
            self._process.kill()
            self._process.join(5)
        self._process, self._conn = None, None

    def close(self) -> None:
        """Stop the worker for good, without waiting for a model that is loading."""
        self._closed = True
        process = self._process
        if process is not None:
            process.kill()  # a start waiting for it sees the pipe close and gives up
        with self._lock:
            self._stop()
