"""Speech worker process (owns one synthesiser, one job at a time) and its parent handle.

:class:`WorkerHandle` (used by the engines of :mod:`kiosk.speech.engine`) starts
``python -m kiosk.speech._worker [pyttsx3 | kokoro MODEL_DIR]`` and talks to it;
:func:`main` is the worker itself and imports pyttsx3 (or numpy, onnxruntime and misaki
for Kokoro) only there.

Protocol: one JSON object per line. Requests arrive on stdin, replies leave on the original
stdout; file descriptor 1 itself is pointed at /dev/null, so pyttsx3's "Audio saved to ..."
print (and anything else that writes to stdout) never corrupts the protocol.

    -> {"id": 1, "text": "...", "voice": "sit/cmn-latn-pinyin", "rate": 175,
        "path": "/tmp/x.part", "timeout": 30.0}
       (Kokoro: "voice": "zf_xiaobei", and the rate becomes Kokoro's speed, rate / 160)
    <- {"id": 1, "ack": true}        (job read: a death after this is the job's fault)
    <- {"id": 1, "ok": true, "frames": 110250, "framerate": 22050}
    <- {"id": 1, "ok": false, "error": "unknown voice 'xx'", "fatal": false}
    -> {"op": "quit"}

The worker exits on "quit", on end of input (parent gone) and after a fatal error.
"""

from __future__ import annotations

import json
import math
import os
import select
import signal
import subprocess
import sys
import threading
import time
import wave
import weakref
from contextlib import suppress
from importlib.metadata import version as dist_version
from pathlib import Path
from typing import IO, Any, TextIO

HOOK_ENV = "KIOSK_SPEECH_TEST_HOOKS"
SLEEP_PREFIX = "\x00__sleep__"


# ---------------------------------------------------------------- parent side


class WorkerDied(Exception):
    """The worker process ended (killed, crashed or quit)."""


class WorkerTimedOut(Exception):
    """No reply before the deadline."""


class WorkerStartFailed(Exception):
    """The worker did not report ready."""


def _reap(proc: subprocess.Popen[bytes]) -> None:
    """Kill (if still running), wait and close the pipes. Idempotent; used as a finalizer."""
    with suppress(OSError):
        proc.kill()
    with suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)
    for stream in (proc.stdin, proc.stdout):
        if stream is not None:
            with suppress(OSError):
                stream.close()


class WorkerHandle:
    """Parent side: one ``python -m kiosk.speech._worker`` process and its pipes."""

    def __init__(
        self, env: dict[str, str], start_timeout: float, args: tuple[str, ...] = ()
    ) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kiosk.speech._worker", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            close_fds=True,
        )
        self._finalizer = weakref.finalize(self, _reap, self.proc)
        self._buffer = b""
        try:
            hello = self.receive(time.monotonic() + start_timeout)
        except (WorkerDied, WorkerTimedOut) as exc:
            self.stop(graceful=False)
            raise WorkerStartFailed(type(exc).__name__) from None
        if not hello.get("ready"):
            self.stop(graceful=False)
            raise WorkerStartFailed(str(hello.get("error")))

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def send(self, message: dict[str, Any]) -> None:
        stdin: IO[bytes] | None = self.proc.stdin
        assert stdin is not None
        try:
            stdin.write(json.dumps(message).encode("ascii") + b"\n")
            stdin.flush()
        except (BrokenPipeError, ValueError, OSError) as exc:
            raise WorkerDied(str(exc)) from None

    def receive(self, deadline: float) -> dict[str, Any]:
        stdout = self.proc.stdout
        assert stdout is not None
        poller = select.poll()
        poller.register(stdout.fileno(), select.POLLIN)
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not poller.poll(max(1, math.ceil(remaining * 1000))):
                raise WorkerTimedOut()
            chunk = os.read(stdout.fileno(), 65536)
            if not chunk:
                raise WorkerDied("end of output")
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        reply: dict[str, Any] = json.loads(line)
        return reply

    def kill(self) -> None:
        """SIGKILL only (safe from any thread); the owner still has to call stop()."""
        with suppress(OSError):
            self.proc.kill()

    def stop(self, graceful: bool = True) -> None:
        if graceful and self.alive():
            with suppress(WorkerDied):
                self.send({"op": "quit"})
            with suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=2)
        self._finalizer()


# ---------------------------------------------------------------- worker side


class JobError(Exception):
    """The job failed but the engine is still usable."""


class _Synth:
    """pyttsx3 engine plus the guards that make save_to_file reliable.

    pyttsx3 2.99 + espeak (AUDIO_OUTPUT_RETRIEVAL, asynchronous) has two traps:
    * the first runAndWait() returns before the file is written (the proxy starts "busy");
    * setProperty('rate') is queued in espeak's command FIFO, so espeak_IsPlaying() is
      briefly true; runAndWait() -> endLoop() -> driver.stop() then sees "playing" and
      cancels, which silently drops the rate change or the next utterance.
    So: wait until espeak is idle before and after every job, wait for the
    finished-utterance event, and one save_to_file per runAndWait.
    """

    def __init__(self) -> None:
        import pyttsx3
        from pyttsx3.drivers import _espeak

        self._espeak: Any = _espeak
        self.engine: Any = pyttsx3.init()
        self.voices = {v.id for v in self.engine.getProperty("voices")}
        self.espeak_version = (_espeak.Info(None) or b"?").decode("ascii", "replace")
        self.done = threading.Event()
        self.completed = False
        self.errors: list[str] = []
        self.engine.connect("finished-utterance", self._on_finished)
        self.engine.connect("error", self._on_error)
        self._settle()
        self.engine.proxy.setBusy(False)  # the proxy starts busy: makes job 1 like the rest

    def _on_finished(self, name: object = None, completed: object = True) -> None:
        self.completed = bool(completed)
        self.done.set()

    def _on_error(self, name: object = None, exception: object = None) -> None:
        self.errors.append(str(exception))

    def _settle(self, limit: float = 5.0) -> None:
        deadline = time.monotonic() + limit
        while self._espeak.IsPlaying():
            if time.monotonic() > deadline:
                raise RuntimeError("espeak did not become idle")
            time.sleep(0.0005)
        driver: Any = getattr(self.engine.proxy, "_driver", None)
        if getattr(driver, "_stopping", False):  # stale stop request would cancel the next job
            driver._stopping = False

    def run(self, text: str, voice: str, rate: int, path: str, timeout: float) -> int:
        voice = voice.lower()  # pyttsx3 lowercases ids: espeak's file is sit/cmn-Latn-pinyin
        if voice not in self.voices:
            raise JobError(f"unknown voice {voice!r}")
        if not text.strip():
            raise JobError("empty text")
        open(path, "wb").close()  # report an unwritable path now, not in espeak's thread
        if self.engine.proxy.isBusy():
            raise RuntimeError("pyttsx3 proxy still busy between jobs")
        self.errors.clear()
        self.engine.setProperty("voice", voice)
        self.engine.setProperty("rate", int(rate))
        if self.errors:
            raise JobError(self.errors[0])
        if self.engine.getProperty("voice") != voice:  # a failed voice change is silent
            raise RuntimeError(f"voice {voice!r} was not selected")
        self._settle()
        self.done.clear()
        self.engine.save_to_file(text, path)
        self.engine.runAndWait()
        if not self.done.wait(timeout):
            raise RuntimeError("no finished-utterance event")
        self._settle()
        if not self.completed:
            raise JobError("utterance was cancelled")
        with wave.open(path, "rb") as w:
            frames = w.getnframes()
        if frames <= 0:
            raise JobError("no audio produced")
        return frames


#: Kokoro's speed 1.0 is this many words per minute on the kiosk's rate scale.
KOKORO_NORMAL_RATE = 160


class _KokoroSynth:
    """Kokoro-82M for Mandarin (:mod:`kiosk.speech.kokoro`), same job interface."""

    def __init__(self, folder: str) -> None:
        from kiosk.speech.kokoro import Kokoro

        self.kokoro = Kokoro(Path(folder))
        self.kokoro.write("你好。", "zf_xiaobei", 1.0, os.devnull)  # warm: loads jieba too

    def run(self, text: str, voice: str, rate: int, path: str, timeout: float) -> int:
        if not text.strip():
            raise JobError("empty text")
        try:
            self.kokoro.voice(voice)
        except ValueError as exc:
            raise JobError(str(exc)) from None
        frames = self.kokoro.write(text, voice, rate / KOKORO_NORMAL_RATE, path)
        if frames <= 0:
            raise JobError("no audio produced (nothing to say)")
        return frames


def _protocol_stream() -> TextIO:
    """Keep a private copy of stdout for replies and point fd 1 at /dev/null."""
    out = os.fdopen(os.dup(1), "w", encoding="ascii", buffering=1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.close(devnull)
    return out


def _send(out: TextIO, message: dict[str, Any]) -> None:
    out.write(json.dumps(message) + "\n")
    out.flush()


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's business
    args = sys.argv[1:] if argv is None else argv
    kind = args[0] if args else "pyttsx3"
    out = _protocol_stream()
    synth: _Synth | _KokoroSynth
    try:
        if kind == "kokoro":
            synth, hello = _KokoroSynth(args[1]), {"kokoro": args[1]}
        else:
            synth = _Synth()
            hello = {"pyttsx3": dist_version("pyttsx3"), "espeak": synth.espeak_version}
    except Exception as exc:  # package missing, model unreadable, init failure
        _send(out, {"ready": False, "error": f"{type(exc).__name__}: {exc}"})
        return 1
    framerate = 24000 if kind == "kokoro" else 22050
    _send(out, {"ready": True, "pid": os.getpid(), **hello})
    hooks = os.environ.get(HOOK_ENV) == "1"
    for line in sys.stdin:
        msg = json.loads(line)
        if msg.get("op") == "quit":
            break
        job_id, text = msg["id"], msg["text"]
        _send(out, {"id": job_id, "ack": True})
        if hooks and text.startswith(SLEEP_PREFIX):  # test hook: simulate a hung engine
            time.sleep(float(text[len(SLEEP_PREFIX) + 1 :] or 60))
            _send(out, {"id": job_id, "ok": False, "error": "test hook slept", "fatal": False})
            continue
        try:
            frames = synth.run(text, msg["voice"], msg["rate"], msg["path"], msg["timeout"])
        except JobError as exc:
            _send(out, {"id": job_id, "ok": False, "error": str(exc), "fatal": False})
        except Exception as exc:
            _send(
                out,
                {"id": job_id, "ok": False, "fatal": True, "error": f"{type(exc).__name__}: {exc}"},
            )
            return 2
        else:
            _send(out, {"id": job_id, "ok": True, "frames": frames, "framerate": framerate})
    return 0


if __name__ == "__main__":
    sys.exit(main())
