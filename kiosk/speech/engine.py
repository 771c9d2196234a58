"""Pluggable text-to-speech engines that write WAV files.

* :class:`AutoEngine` (default, "auto"): :class:`KokoroEngine` (Kokoro-82M, a natural
  neural voice, 24 kHz) for Mandarin when its model is installed and checked
  (:mod:`kiosk.models`), otherwise and for English :class:`Pyttsx3Engine`; it says why it
  fell back.
* :class:`Pyttsx3Engine`: pyttsx3 + libespeak-ng in a dedicated worker process
  (``kiosk.speech._worker``). Jobs are serialised, every job has a timeout, and a hung or
  dead worker is killed and restarted, so a caller never hangs.
* :class:`EspeakCliEngine`: one ``espeak-ng -w`` process per job; fallback and a proof that
  the interface is pluggable.
* :class:`NullEngine`: always unavailable (degraded mode: the kiosk shows text only).

Output is 16-bit mono WAV: 22050 Hz from eSpeak NG, 24000 Hz from Kokoro.
"""

from __future__ import annotations

import ctypes
import hashlib
import importlib.util
import math
import os
import shutil
import subprocess
import sys
import threading
import time
import uuid
import wave
from array import array
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import cache
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as dist_version
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol, Self, runtime_checkable

from kiosk import models
from kiosk.speech._worker import (
    HOOK_ENV,
    WorkerDied,
    WorkerHandle,
    WorkerStartFailed,
    WorkerTimedOut,
)

MANDARIN_VOICE = "sit/cmn-latn-pinyin"  # espeak-ng 1.51's "cmn"/"zh" reads many hanzi as English
ENGLISH_VOICE = "gmw/en"
_LANGUAGE_VOICES = {"zh": MANDARIN_VOICE, "cmn": MANDARIN_VOICE, "en": ENGLISH_VOICE}
GENDERS = ("female", "male")
#: The voice a listener gets before choosing: the one the recogniser understood best on
#: 40 report sentences (``make bench``: zf_xiaobei CER 0.135, zm_yunjian 0.147). The male
#: voice is the lower one, which the settings help offers to listeners who hear high
#: sounds less well.
DEFAULT_GENDER = "female"
MIN_RATE, MAX_RATE = 80, 450  # espeak-ng's documented words-per-minute range


class SpeechError(Exception):
    """Base class: synthesis failed."""


class SpeechUnavailable(SpeechError):
    """The engine is not installed, failed to start, or was closed."""


class SpeechTimeout(SpeechError):
    """The job exceeded its timeout; the worker was killed and will be restarted."""


class SpeechBusy(SpeechError):
    """Too many jobs are already waiting; try again later."""


@runtime_checkable
class SpeechEngine(Protocol):
    """What the kiosk needs from a TTS engine."""

    @property
    def name(self) -> str: ...

    @property
    def version(self) -> str:
        """Engine + voice data version, for cache keys (e.g. 'pyttsx3-2.99/espeak-ng-1.51')."""
        ...

    def available(self) -> bool: ...

    def synthesize(self, text: str, voice: str, rate: int, out_path: Path, timeout: float) -> float:
        """Write a WAV file to out_path and return its duration in seconds."""
        ...

    def close(self) -> None: ...


# ---------------------------------------------------------------------------- helpers

_background = threading.local()


@contextmanager
def background_jobs() -> Iterator[None]:
    """Jobs this thread submits inside the block yield to the jobs of listeners who are
    waiting: the prebuild never holds a listener's first words behind a whole sentence
    of someone else's (the worker engines let a waiting foreground job go first)."""
    before = getattr(_background, "on", False)
    _background.on = True
    try:
        yield
    finally:
        _background.on = before


def in_background() -> bool:
    """True inside :func:`background_jobs` on this thread."""
    return bool(getattr(_background, "on", False))


def voice_for(language: str) -> str:
    """Voice id for a BCP 47-ish language tag (zh, zh-CN, cmn, en-GB...); Mandarin by default."""
    primary = language.strip().lower().replace("_", "-").split("-")[0]
    return _LANGUAGE_VOICES.get(primary, MANDARIN_VOICE)


def wav_duration(path: str | os.PathLike[str]) -> float:
    """Duration of a WAV file in seconds."""
    with wave.open(os.fspath(path), "rb") as w:
        return w.getnframes() / w.getframerate()


def wav_rms(path: str | os.PathLike[str]) -> float:
    """RMS level of a 16-bit WAV file as a fraction of full scale (0.0 silence .. 1.0)."""
    with wave.open(os.fspath(path), "rb") as w:
        if w.getsampwidth() != 2:
            raise ValueError("wav_rms needs 16-bit samples")
        samples = array("h", w.readframes(w.getnframes()))
    if sys.byteorder == "big":
        samples.byteswap()
    if not samples:
        return 0.0
    return math.sqrt(sum(s * s for s in samples) / len(samples)) / 32768.0


def phonemes(text: str, voice: str = MANDARIN_VOICE, timeout: float = 10.0) -> str:
    """espeak-ng's phoneme mnemonics for text (``espeak-ng -q -x``); "(en)" marks a switch
    to English pronunciation rules."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise SpeechUnavailable("espeak-ng is not installed")
    cmd = [exe, "-q", "-x", "-v", voice, "--stdin"]
    done = subprocess.run(cmd, input=text.encode(), capture_output=True, timeout=timeout)
    if done.returncode != 0:
        raise SpeechError(done.stderr.decode(errors="replace").strip() or "espeak-ng failed")
    return done.stdout.decode(errors="replace").strip()


@cache
def _libespeak_version() -> str | None:
    """Version of the libespeak-ng that pyttsx3 will load (same search order), or None."""
    for lib in ("libespeak-ng.so.1", "/usr/local/lib/libespeak-ng.so.1", "libespeak.so.1"):
        try:
            info = ctypes.CDLL(lib).espeak_Info
        except (OSError, AttributeError):
            continue
        info.restype, info.argtypes = ctypes.c_char_p, [ctypes.c_void_p]
        raw = info(None)
        return raw.decode("ascii", "replace") if raw else "unknown"
    return None


@cache
def _pyttsx3_version() -> str | None:
    """The installed pyttsx3's version (read once: every app's speech service asks)."""
    try:
        return dist_version("pyttsx3")
    except PackageNotFoundError:
        return None


def _check_job(text: str, rate: int, out_path: Path, timeout: float) -> None:
    if not text.strip():
        raise ValueError("text is empty")
    if not MIN_RATE <= rate <= MAX_RATE:
        raise ValueError(f"rate must be {MIN_RATE}..{MAX_RATE} words per minute, not {rate}")
    if timeout <= 0:
        raise ValueError("timeout must be positive")
    if not out_path.parent.is_dir():
        raise FileNotFoundError(f"output directory does not exist: {out_path.parent}")


def _part_path(out_path: Path) -> Path:
    """Temporary sibling of out_path; renamed into place only when the WAV is complete."""
    return out_path.with_name(f".{out_path.name}.{uuid.uuid4().hex[:12]}.part")


def _publish(part: Path, out_path: Path) -> float:
    try:
        duration = wav_duration(part)
    except (OSError, EOFError, wave.Error) as exc:
        raise SpeechError(f"engine wrote an unreadable WAV: {exc}") from exc
    if duration <= 0:
        raise SpeechError("engine wrote an empty WAV")
    os.replace(part, out_path)
    return duration


# ---------------------------------------------------------------------------- pyttsx3


def _reply_to(worker: WorkerHandle, job_id: int, deadline: float) -> dict[str, Any]:
    """Next message about job_id (skips leftovers of a job whose caller was interrupted)."""
    while True:
        message = worker.receive(deadline)
        if message.get("id") == job_id:
            return message


class _WorkerEngine:
    """A synthesiser in a worker process; thread-safe, one job at a time.

    ``timeout`` bounds a job once it reaches the worker; a job waiting behind others waits
    at most their timeouts. At most ``max_queue`` jobs may wait: more raise SpeechBusy.
    Background jobs (:func:`background_jobs`) wait while any other job waits.
    Starting the worker (first job, or after a restart) is bounded by ``start_timeout``.
    """

    name = "worker"
    #: Longest text given to one job; the service cuts longer text into pieces.
    max_piece_chars = 300
    #: Arguments of ``python -m kiosk.speech._worker``.
    _worker_args: tuple[str, ...] = ()
    _missing = "the speech engine is not installed"

    def __init__(self, max_queue: int = 32, start_timeout: float = 15.0) -> None:
        self.max_queue = max_queue
        self.start_timeout = start_timeout
        self._env = {k: v for k, v in os.environ.items() if k != HOOK_ENV}
        if os.environ.get(HOOK_ENV) == "1":  # test hooks are fixed when the engine is created
            self._env[HOOK_ENV] = "1"
        package_root = str(Path(__file__).resolve().parents[2])
        self._env["PYTHONPATH"] = os.pathsep.join(
            p for p in (package_root, os.environ.get("PYTHONPATH")) if p
        )
        self._job_lock = threading.Lock()
        self._count_lock = threading.Lock()
        self._waiting = 0
        self._foreground = 0  # foreground jobs waiting for the worker
        self._turn = threading.Condition()
        self._worker: WorkerHandle | None = None
        self._job_id = 0
        self._closed = False

    @property
    def version(self) -> str:
        raise NotImplementedError

    def available(self) -> bool:
        raise NotImplementedError

    @property
    def worker_pid(self) -> int | None:
        """Pid of the running worker process, if any."""
        worker = self._worker
        return worker.pid if worker is not None and worker.alive() else None

    @property
    def waiting(self) -> int:
        """Jobs waiting for the worker (not counting the one it is running)."""
        return self._waiting

    def voice_for(self, language: str, gender: str = DEFAULT_GENDER) -> str:
        return voice_for(language)

    def start(self) -> None:
        """Start the worker now instead of on the first job (warm-up)."""
        with self._job_lock:
            self._ensure_worker()

    def synthesize(self, text: str, voice: str, rate: int, out_path: Path, timeout: float) -> float:
        out_path = Path(out_path)
        _check_job(text, rate, out_path, timeout)
        if self._closed:
            raise SpeechUnavailable("engine is closed")
        with self._count_lock:
            if self._waiting >= self.max_queue:
                raise SpeechBusy(f"{self._waiting} speech jobs already waiting")
            self._waiting += 1
        try:
            self._take_turn(in_background())
        finally:
            with self._count_lock:
                self._waiting -= 1
        try:
            return self._run(text, voice, rate, out_path, timeout)
        finally:
            self._job_lock.release()

    def _take_turn(self, background: bool) -> None:
        """Acquire the job lock; a background job lets every waiting foreground job
        go first (and gives the lock back when one arrived while it was taking it)."""
        if not background:
            with self._turn:
                self._foreground += 1
            try:
                self._job_lock.acquire()
            finally:
                with self._turn:
                    self._foreground -= 1
                    self._turn.notify_all()
            return
        while True:
            with self._turn:
                self._turn.wait_for(lambda: self._foreground == 0)
            self._job_lock.acquire()
            with self._turn:
                if self._foreground == 0:
                    return
            self._job_lock.release()

    def _ensure_worker(self) -> WorkerHandle:
        if self._closed:
            raise SpeechUnavailable("engine is closed")
        if self._worker is not None and not self._worker.alive():
            self._discard_worker()  # died while idle: restart transparently
        if self._worker is None:
            if not self.available():
                raise SpeechUnavailable(self._missing)
            try:
                self._worker = WorkerHandle(self._env, self.start_timeout, self._worker_args)
            except WorkerStartFailed as exc:
                raise SpeechUnavailable(f"speech worker did not start: {exc}") from None
        return self._worker

    def _discard_worker(self) -> None:
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.stop(graceful=False)

    def _submit(self, job: dict[str, Any], deadline: float) -> WorkerHandle:
        """Send a job and wait for its ack. A worker that dies before the ack never started
        the job (e.g. killed while idle), so it is retried once on a fresh worker."""
        for attempt in (1, 2):
            worker = self._ensure_worker()
            try:
                worker.send(job)
                _reply_to(worker, job["id"], deadline)
                return worker
            except WorkerDied:
                self._discard_worker()
                if attempt == 2 or self._closed:
                    raise
        raise AssertionError("unreachable")

    def _run(self, text: str, voice: str, rate: int, out_path: Path, timeout: float) -> float:
        self._job_id += 1
        part = _part_path(out_path)
        job = {
            "id": self._job_id,
            "text": text,
            "voice": voice,
            "rate": rate,
            "path": str(part),
            "timeout": timeout,
        }
        self._ensure_worker()  # starting the worker is bounded by start_timeout, not timeout
        deadline = time.monotonic() + timeout
        try:
            try:
                worker = self._submit(job, deadline)
                reply = _reply_to(worker, self._job_id, deadline)
            except WorkerTimedOut:
                self._discard_worker()
                raise SpeechTimeout(f"speech job exceeded {timeout:g} s") from None
            except WorkerDied:
                self._discard_worker()
                if self._closed:
                    raise SpeechUnavailable("engine was closed during the job") from None
                raise SpeechError("speech worker died during the job") from None
            if not reply.get("ok"):
                if reply.get("fatal"):
                    self._discard_worker()
                raise SpeechError(str(reply.get("error", "speech job failed")))
            return _publish(part, out_path)
        finally:
            with suppress(FileNotFoundError):
                part.unlink()

    def close(self) -> None:
        """Stop the worker. Jobs still waiting fail with SpeechUnavailable. Idempotent."""
        self._closed = True
        if not self._job_lock.acquire(blocking=False):
            worker = self._worker
            if worker is not None:
                worker.kill()  # unblocks the running job at once
            self._job_lock.acquire()
        try:
            worker, self._worker = self._worker, None
            if worker is not None:
                worker.stop()
        finally:
            self._job_lock.release()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class Pyttsx3Engine(_WorkerEngine):
    """pyttsx3 (espeak driver) in a worker process."""

    name = "pyttsx3"
    _missing = "pyttsx3 or libespeak-ng is not installed"

    @property
    def version(self) -> str:
        return f"pyttsx3-{_pyttsx3_version()}/espeak-ng-{_libespeak_version()}"

    def available(self) -> bool:
        return (
            not self._closed
            and importlib.util.find_spec("pyttsx3") is not None
            and _libespeak_version() is not None
        )


# ---------------------------------------------------------------------------- Kokoro

#: 女声 / 男声 -> Kokoro voice, chosen by the recogniser's CER on report sentences
#: (``make bench``; TECH-NOTES §6 for the voices not measured there); the male voice is
#: the lower one. 女声 is the default: on the same 40 report sentences (2026-11-30)
#: zf_xiaobei had CER 0.119 and syllable error rate 0.023, zm_yunjian 0.128 and 0.036.
KOKORO_DEFAULT_VOICES = {"female": "zf_xiaobei", "male": "zm_yunjian"}
_KOKORO_PACKAGES = ("numpy", "onnxruntime", "misaki", "jieba", "pypinyin", "cn2an")


def _kokoro_front_version() -> str:
    source = Path(__file__).with_name("kokoro.py").read_bytes()
    return hashlib.sha256(source).hexdigest()[:8]


class KokoroEngine(_WorkerEngine):
    """Kokoro-82M v1.0 (int8 ONNX) for Mandarin in a worker process
    (:mod:`kiosk.speech.kokoro`); 24 kHz. ``model_dir`` is the folder of the checked
    ``kokoro`` model (:func:`kiosk.models.locate`); None means the model is missing."""

    name = "kokoro"
    # ≈ 13 s of speech: a piece stays well inside the timeout even on a busy machine.
    max_piece_chars = 60

    def __init__(
        self,
        model_dir: Path | None,
        voices: dict[str, str] | None = None,
        max_queue: int = 32,
        start_timeout: float = 120.0,
    ) -> None:
        super().__init__(max_queue=max_queue, start_timeout=start_timeout)
        self.model_dir = model_dir
        self.voices = dict(voices or KOKORO_DEFAULT_VOICES)
        self._worker_args = ("kokoro", str(model_dir))
        self._missing = (
            "the Kokoro model is not installed (kiosk models install kokoro)"
            if model_dir is None
            else "Python packages for Kokoro are missing (pip install 'kiosk[voice]')"
        )

    @property
    def version(self) -> str:
        return f"kokoro-v1.0-int8/misaki-{_dist('misaki')}/front-{_kokoro_front_version()}"

    def available(self) -> bool:
        return (
            not self._closed
            and self.model_dir is not None
            and all(importlib.util.find_spec(p) is not None for p in _KOKORO_PACKAGES)
        )

    def voice_for(self, language: str, gender: str = DEFAULT_GENDER) -> str:
        return self.voices.get(gender, self.voices[DEFAULT_GENDER])


def _dist(name: str) -> str | None:
    try:
        return dist_version(name)
    except PackageNotFoundError:
        return None


def is_kokoro_voice(voice: str) -> bool:
    return voice[:3] in ("zf_", "zm_")


class AutoEngine:
    """Kokoro for Mandarin when its model and packages are there, eSpeak NG (pyttsx3)
    for English and as the fallback; routes each job by its voice. ``fallback_reason``
    says why Kokoro is not used (None when it is)."""

    name = "auto"

    def __init__(self, kokoro: KokoroEngine, espeak: SpeechEngine, reason: str | None) -> None:
        self.espeak = espeak
        self.kokoro: KokoroEngine | None = kokoro if kokoro.available() else None
        self.fallback_reason: str | None = None
        if self.kokoro is None:
            self.fallback_reason = reason or kokoro._missing
            kokoro.close()

    @property
    def version(self) -> str:
        if self.kokoro is None:
            return self.espeak.version
        return f"{self.kokoro.version}+{self.espeak.version}"

    def available(self) -> bool:
        return self.espeak.available() or (self.kokoro is not None and self.kokoro.available())

    def engine_for(self, voice: str) -> SpeechEngine:
        return self.kokoro if self.kokoro is not None and is_kokoro_voice(voice) else self.espeak

    def voice_for(self, language: str, gender: str = DEFAULT_GENDER) -> str:
        primary = language.strip().lower().replace("_", "-").split("-")[0]
        if self.kokoro is not None and primary in ("zh", "cmn", ""):
            return self.kokoro.voice_for(language, gender)
        return voice_for(language)

    def synthesize(self, text: str, voice: str, rate: int, out_path: Path, timeout: float) -> float:
        return self.engine_for(voice).synthesize(text, voice, rate, out_path, timeout)

    def close(self) -> None:
        if self.kokoro is not None:
            self.kokoro.close()
        self.espeak.close()


def choose_voice(engine: SpeechEngine, language: str, gender: str = DEFAULT_GENDER) -> str:
    """The engine's voice for a language and 女声/男声 (engines without a choice: eSpeak's)."""
    pick = getattr(engine, "voice_for", None)
    return str(pick(language, gender)) if pick is not None else voice_for(language)


def piece_limit(engine: SpeechEngine, voice: str) -> int:
    """Longest text one job of this engine and voice should get."""
    route = getattr(engine, "engine_for", None)
    target = route(voice) if route is not None else engine
    return int(getattr(target, "max_piece_chars", 300))


def speaker(engine: SpeechEngine, voice: str) -> str:
    """Name of the engine that speaks this voice (for speech.json and audio headers)."""
    route = getattr(engine, "engine_for", None)
    return str((route(voice) if route is not None else engine).name)


# ---------------------------------------------------------------------------- others


class EspeakCliEngine:
    """``espeak-ng -v VOICE -s RATE -w FILE`` per job; stateless, so thread-safe."""

    name = "espeak-cli"

    def __init__(self, executable: str = "espeak-ng") -> None:
        self._exe = shutil.which(executable)
        self._version: str | None = None
        self._voices: frozenset[str] | None = None

    def _run(self, *args: str) -> str:
        assert self._exe is not None
        done = subprocess.run([self._exe, *args], capture_output=True, timeout=10)
        return done.stdout.decode(errors="replace")

    @property
    def version(self) -> str:
        if self._version is None:
            words = self._run("--version").split(":", 1)[-1].split() if self._exe else ["none"]
            self._version = words[0] if words else "unknown"
        return f"espeak-ng-cli-{self._version}"

    def _known_voice(self, voice: str) -> bool:
        """`espeak-ng -w` silently uses the default voice for an unknown one: check first."""
        if self._voices is None:  # columns: Pty Language Age/Gender VoiceName File ...
            rows = [line.split() for line in self._run("--voices").splitlines()[1:]]
            self._voices = frozenset(c.lower() for r in rows if len(r) > 4 for c in (r[1], r[4]))
        return voice.split("+")[0].lower() in self._voices

    def available(self) -> bool:
        return self._exe is not None

    def synthesize(self, text: str, voice: str, rate: int, out_path: Path, timeout: float) -> float:
        out_path = Path(out_path)
        _check_job(text, rate, out_path, timeout)
        if self._exe is None:
            raise SpeechUnavailable("espeak-ng is not installed")
        if not self._known_voice(voice):
            raise SpeechError(f"unknown voice {voice!r}")
        part = _part_path(out_path)
        cmd = [self._exe, "-v", voice, "-s", str(rate), "-w", str(part), "--stdin"]
        try:
            done = subprocess.run(cmd, input=text.encode(), capture_output=True, timeout=timeout)
            if done.returncode != 0:
                raise SpeechError(done.stderr.decode(errors="replace").strip() or "espeak failed")
            return _publish(part, out_path)
        except subprocess.TimeoutExpired:
            raise SpeechTimeout(f"espeak-ng exceeded {timeout:g} s") from None
        finally:
            with suppress(FileNotFoundError):
                part.unlink()

    def close(self) -> None:
        pass


class NullEngine:
    """No speech at all (degraded mode)."""

    name = "none"
    version = "none"

    def available(self) -> bool:
        return False

    def synthesize(self, text: str, voice: str, rate: int, out_path: Path, timeout: float) -> float:
        raise SpeechUnavailable("speech output is disabled")

    def close(self) -> None:
        pass


def create_engine(name: str = "pyttsx3", **options: Any) -> SpeechEngine:
    """Engine by name: "auto", "kokoro", "pyttsx3", "espeak-cli" or "none".

    ``options`` go to the constructor (e.g. ``max_queue`` for pyttsx3). "auto" and
    "kokoro" take ``models_dir`` (default: the ``models_dir`` setting)."""
    if name in ("auto", "kokoro"):
        root = options.pop("models_dir", None)
        folder = models.locate("kokoro", root)
        reason = models.problem("kokoro", root) if folder is None else None
        kokoro = KokoroEngine(folder, **options)
        if name == "kokoro":
            return kokoro
        return AutoEngine(kokoro, Pyttsx3Engine(**options), reason)
    if name == "pyttsx3":
        return Pyttsx3Engine(**options)
    if name == "espeak-cli":
        return EspeakCliEngine(**options)
    if name == "none":
        return NullEngine()
    raise ValueError(f"unknown speech engine {name!r} (auto, kokoro, pyttsx3, espeak-cli, none)")
