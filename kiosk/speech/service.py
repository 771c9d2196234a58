"""Audio for the reports: which sentences to speak, how, and where the audio is cached.

Each sentence of a report becomes an :class:`Utterance`: its text, the spoken
form (numbers read as a person reads them, :mod:`kiosk.speech.normalize`), the
voice for the report's language and a speed. Audio is cached on disk under a
key of (spoken text, voice, rate, engine version, normaliser version): WAV for
the kiosk, MP3 (32 kbit/s mono, played everywhere including iOS Safari) for
phones. Missing audio is synthesised on demand; a bounded number of requests
may wait for the engine, the rest get :class:`~kiosk.speech.engine.SpeechBusy`.
Report sentences come from :meth:`SpeechService.utterances`; text from a host
page (the toolbar's ``/api/speak``) from :meth:`SpeechService.adhoc`, which the
caller has validated and limited in length.

Planning a report (normalising every sentence) costs time on long reports, so
:meth:`SpeechService.plan` runs it off the event loop; plans and durations are
kept in bounded in-memory caches (:class:`kiosk.caching.ByteCache`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import uuid
import wave
from collections.abc import AsyncIterator, Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import anyio

from kiosk.caching import ByteCache
from kiosk.content.model import Report
from kiosk.speech import normalize as normalize_module
from kiosk.speech.engine import (
    DEFAULT_GENDER,
    GENDERS,
    SpeechBusy,
    SpeechEngine,
    SpeechError,
    SpeechTimeout,
    SpeechUnavailable,
    background_jobs,
    choose_voice,
    piece_limit,
    speaker,
    wav_duration,
)
from kiosk.speech.normalize import normalize
from kiosk.speech.pieces import opening, pieces

log = logging.getLogger("kiosk.speech")

#: 慢 / 中 / 快 in words per minute (eSpeak NG's default is 175).
SPEEDS: dict[str, int] = {"slow": 120, "normal": 160, "fast": 210}
FORMATS = ("wav", "mp3")
MEDIA_TYPES = {"wav": "audio/wav", "mp3": "audio/mpeg"}
MP3_KBPS = 32
#: Folder of ad-hoc audio (the toolbar's /api/speak) inside the audio cache.
ADHOC_DIR = "adhoc"
#: Longest spoken form of ad-hoc text (about three minutes of speech; the toolbar sends
#: at most 500 characters, which numbers and ‰ can double when read out).
MAX_ADHOC_SPOKEN = 800
_NORMALISER_VERSION = hashlib.sha256(Path(normalize_module.__file__).read_bytes()).hexdigest()[:8]


@dataclass(frozen=True)
class Utterance:
    sentence_id: str
    text: str
    spoken: str
    voice: str
    rate: int
    key: str
    #: the engine that speaks it ("kokoro", "pyttsx3"...)
    engine: str = ""


class SpeechService:
    def __init__(
        self,
        engine: SpeechEngine,
        cache_dir: Path,
        timeout: float = 10.0,
        max_waiting: int = 16,
        adhoc_budget_mb: float = 200,
    ) -> None:
        self.engine = engine
        self.adhoc_budget = int(adhoc_budget_mb * 1e6)
        self.timeout = timeout
        self.version = f"{engine.version}/normalize-{_NORMALISER_VERSION}"
        self.tag = hashlib.sha256(self.version.encode()).hexdigest()[:8]
        self.cache_dir = cache_dir / "audio"
        self.degraded_reason = _probe(self.cache_dir)
        self._limiter = anyio.CapacityLimiter(max(1, max_waiting))
        self._durations: ByteCache[float] = ByteCache(2 * 1024 * 1024, name="durations")
        #: Counts the sentences synthesised so far (answers that list durations use it).
        self.generation = 0
        self._fallback: Path | None = None
        self._runtime_degraded = self.degraded_reason is not None
        self._locks = [threading.Lock() for _ in range(64)]
        self._plans: ByteCache[list[Utterance]] = ByteCache(32 * 1024 * 1024, name="plans")

    # -- what to say -----------------------------------------------------------------

    def voice(self, language: str, gender: str = DEFAULT_GENDER) -> str:
        """The voice that reads this language in 女声 (female) or 男声 (male)."""
        return choose_voice(self.engine, language, gender if gender in GENDERS else DEFAULT_GENDER)

    @property
    def fallback_reason(self) -> str | None:
        """Why the natural voice is not used (None when it is, or was not asked for)."""
        return getattr(self.engine, "fallback_reason", None)

    def utterances(
        self, report: Report, speed: str = "normal", gender: str = DEFAULT_GENDER
    ) -> list[Utterance]:
        """The report's sentences in reading order, ready to synthesise (memoised)."""
        found = self.planned(report, speed, gender)
        if found is not None:
            return found
        voice, rate = self.voice(report.meta.language, gender), SPEEDS[speed]
        who = speaker(self.engine, voice)
        plan = []
        for sentence in report.sentences:
            spoken = normalize(sentence.text, report.meta.language).strip()
            key = self._key(spoken, voice, rate)
            plan.append(Utterance(sentence.id, sentence.text, spoken, voice, rate, key, who))
        return self._plans.put((report.slug, speed, gender), plan, tag=report)

    def planned(
        self, report: Report, speed: str = "normal", gender: str = DEFAULT_GENDER
    ) -> list[Utterance] | None:
        """The kept plan of this very report (not one with the same slug), or None."""
        return self._plans.get((report.slug, speed, gender), tag=report)

    async def plan(
        self, report: Report, speed: str = "normal", gender: str = DEFAULT_GENDER
    ) -> list[Utterance]:
        """:meth:`utterances`, computed off the event loop when not kept yet."""
        found = self.planned(report, speed, gender)
        if found is not None:
            return found
        return await anyio.to_thread.run_sync(self.utterances, report, speed, gender)

    def utterance(
        self, report: Report, sentence_id: str, speed: str, gender: str = DEFAULT_GENDER
    ) -> Utterance | None:
        return next(
            (u for u in self.utterances(report, speed, gender) if u.sentence_id == sentence_id),
            None,
        )

    async def find(
        self, report: Report, sentence_id: str, speed: str, gender: str = DEFAULT_GENDER
    ) -> Utterance | None:
        """:meth:`utterance`, planning off the event loop."""
        return next(
            (u for u in await self.plan(report, speed, gender) if u.sentence_id == sentence_id),
            None,
        )

    def adhoc(
        self, text: str, language: str, speed: str = "normal", gender: str = DEFAULT_GENDER
    ) -> Utterance:
        """An utterance for text from a host page (the toolbar's /api/speak): the
        caller has validated and limited it; it is normalised like report text."""
        voice, rate = self.voice(language, gender), SPEEDS[speed]
        spoken = normalize(text, language).strip()
        if len(spoken) > MAX_ADHOC_SPOKEN:  # digits and ‰ multiply the length when spoken
            raise ValueError(f"the text is longer than {MAX_ADHOC_SPOKEN} characters when spoken")
        key = self._key(spoken, voice, rate)
        return Utterance("", text, spoken, voice, rate, key, speaker(self.engine, voice))

    def _key(self, spoken: str, voice: str, rate: int) -> str:
        raw = "\x1f".join((spoken, voice, str(rate), self.version))
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]

    # -- the cache -------------------------------------------------------------------

    def path(self, utt: Utterance, fmt: str, root: Path | None = None) -> Path:
        """Where the audio lives: report sentences under their key, ad-hoc text (the
        toolbar's) in a folder of its own with a size budget (:meth:`_evict_adhoc`)."""
        folder = (root or self.cache_dir) / (ADHOC_DIR if not utt.sentence_id else "")
        return folder / utt.key[:2] / f"{utt.key}.{fmt}"

    def cached(self, utt: Utterance, fmt: str = "wav") -> Path | None:
        """The cached audio, if it is there and whole. A damaged file (truncated, not
        audio) is removed, so it is made again instead of being served forever."""
        for root in (self.cache_dir, self._fallback):
            if root is not None and (path := self.path(utt, fmt, root)).exists():
                if audio_is_whole(path, fmt):
                    if not utt.sentence_id:
                        with suppress(OSError):
                            os.utime(path)  # recently used: evicted last
                    return path
                log.warning("speech: removing a damaged audio file %s", path.name)
                with suppress(OSError):
                    path.unlink()
                self._durations.discard(utt.key)
        return None

    def duration(self, utt: Utterance) -> float | None:
        """Seconds of audio, once it exists (remembered: cached audio never changes)."""
        known = self._durations.get(utt.key)
        if known is not None:
            return known
        path = self.cached(utt, "wav")
        try:
            seconds = round(wav_duration(path), 3) if path else None
        except (OSError, EOFError, ValueError, wave.Error):
            return None
        if seconds is not None:
            self._durations.put(utt.key, seconds, size=96)
        return seconds

    # -- making audio ------------------------------------------------------------------

    def synthesize(
        self, utt: Utterance, fmt: str = "wav", on_piece: Callable[[Path], None] | None = None
    ) -> Path:
        """Make sure the audio exists (blocking). Raises SpeechError subclasses.

        ``on_piece`` is called with each piece's WAV as soon as the engine has said it
        (the opening words on their own), before the pieces are joined: :meth:`stream`.

        One thread makes a given sentence at a time. When the cache folder cannot
        be written (disk full, read-only, gone), this job's audio is made in a
        temporary folder and health says why; the cache folder is tried again
        next time, so recovery needs no hand."""
        with self._locks[int(utt.key[:8], 16) % len(self._locks)]:
            try:
                path = self._make(self.cache_dir, utt, fmt, on_piece)
                if self.degraded_reason and self._runtime_degraded:
                    self.degraded_reason, self._runtime_degraded = None, False
                return path
            except OSError as exc:
                fallback = self._fallback_dir()
                self.degraded_reason = (
                    f"audio cache {self.cache_dir} is not writable ({exc.strerror or exc}); "
                    f"audio is made in {fallback} meanwhile"
                )
                self._runtime_degraded = True
                log.warning("speech: %s", self.degraded_reason)
                try:
                    return self._make(fallback, utt, fmt, on_piece)
                except OSError as again:
                    raise SpeechError(f"cannot write audio anywhere: {again}") from again

    def _make(
        self,
        root: Path,
        utt: Utterance,
        fmt: str,
        on_piece: Callable[[Path], None] | None = None,
    ) -> Path:
        wav = self.cached(utt, "wav") or self.path(utt, "wav", root)
        if not wav.exists():
            wav.parent.mkdir(parents=True, exist_ok=True)
            if not os.access(wav.parent, os.W_OK):
                raise PermissionError(13, "not writable", str(wav.parent))
            self._speak(utt, wav, on_piece)
            self.generation += 1  # new audio: lists of durations are out of date
        out = wav
        if fmt != "wav":
            out = self.cached(utt, fmt) or self.path(utt, fmt, root)
            if not out.exists():
                out.parent.mkdir(parents=True, exist_ok=True)
                _encode_mp3(wav, out, self.timeout)
        if not utt.sentence_id:
            self._evict_adhoc(root, keep=utt.key)
        return out

    def _evict_adhoc(self, root: Path, keep: str) -> None:
        """Keep ad-hoc audio under its budget: least recently used files go first, never
        the ones just made (``keep``). Report audio lives elsewhere and is never touched."""
        files = []
        total = 0
        with suppress(OSError):
            for sub in os.scandir(root / ADHOC_DIR):
                if sub.is_dir():
                    for entry in os.scandir(sub.path):
                        if entry.is_file() and not entry.name.startswith("."):
                            st = entry.stat()
                            total += st.st_size
                            if keep not in entry.name:
                                files.append((st.st_mtime, st.st_size, entry.path))
        for _, size, path in sorted(files):
            if total <= self.adhoc_budget:
                break
            with suppress(OSError):
                os.unlink(path)
                total -= size

    def _speak(
        self, utt: Utterance, wav: Path, on_piece: Callable[[Path], None] | None = None
    ) -> None:
        """Synthesise utt into wav; long text piece by piece (each piece its own job and
        timeout, :mod:`kiosk.speech.pieces`), joined into one file. With ``on_piece``
        (someone is waiting to hear it) the opening words are a piece of their own."""
        parts = pieces(utt.spoken, piece_limit(self.engine, utt.voice))
        if on_piece is not None:
            parts = opening(parts)
        if len(parts) == 1:
            self.engine.synthesize(
                utt.spoken, utt.voice, utt.rate, wav, self.timeout_for(utt.spoken)
            )
            if on_piece is not None:
                on_piece(wav)
            return
        tag = uuid.uuid4().hex[:12]
        made: list[Path] = []
        try:
            for i, text in enumerate(parts):
                if not any(ch.isalnum() for ch in text):
                    continue  # punctuation only: nothing to say
                piece = wav.with_name(f".{wav.name}.{tag}.{i}.wav")
                made.append(piece)
                self.engine.synthesize(text, utt.voice, utt.rate, piece, self.timeout_for(text))
                if on_piece is not None:
                    on_piece(piece)
            if not made:
                raise SpeechError("nothing to say")
            joined = wav.with_name(f".{wav.name}.{tag}.part")
            made.append(joined)
            _join_wavs([p for p in made if p != joined], joined)
            os.replace(joined, wav)
        finally:
            for p in made:
                p.unlink(missing_ok=True)

    def timeout_for(self, text: str) -> float:
        """Seconds one job may take: ``timeout`` for up to 30 characters, in proportion
        beyond (a long piece by a neural voice on a busy machine is slow, not hung)."""
        return self.timeout * max(1.0, len(text) / 30)

    def _fallback_dir(self) -> Path:
        if self._fallback is None:
            self._fallback = Path(tempfile.mkdtemp(prefix="kiosk-audio-"))
        return self._fallback

    async def ensure(self, utt: Utterance, fmt: str = "wav") -> Path:
        """Audio for one sentence, synthesised on demand without blocking the event loop."""
        cached = self.cached(utt, fmt)
        if cached is not None:
            return cached
        return await self._bounded(self.synthesize, utt, fmt)

    async def stream(self, utt: Utterance) -> AsyncIterator[bytes]:
        """One sentence's MP3 while it is being made, for a listener who is waiting:
        the opening words are said and sent on their own (:func:`.pieces.opening`), the
        rest follows piece by piece (MP3 frames without a LAME tag, so the pieces are
        one stream). The whole file
        lands in the cache as usual. Raises SpeechError before the first bytes when
        nothing can be said; SpeechBusy when too many sentences wait."""
        if self._limiter.borrowed_tokens >= self._limiter.total_tokens:
            raise SpeechBusy("too many sentences are waiting for the speech engine")
        chunks: queue.SimpleQueue[bytes | SpeechError | None] = queue.SimpleQueue()

        def piece(wav: Path) -> None:
            try:
                chunks.put(mp3_frames(wav, self.timeout))
            except SpeechError as exc:
                chunks.put(exc)

        def job() -> None:
            try:
                self.synthesize(utt, "mp3", on_piece=piece)
                chunks.put(None)
            except SpeechError as exc:
                chunks.put(exc)
            except Exception as exc:  # a broken engine must not leave the listener hanging
                chunks.put(SpeechError(f"speech failed: {exc}"))

        sent = False
        # The listener's request takes the token and the response's task gives it back:
        # borrowed on behalf of this stream, not of a task.
        borrower = object()
        await self._limiter.acquire_on_behalf_of(borrower)
        try:
            threading.Thread(target=job, name="speech-stream", daemon=True).start()
            while (item := await anyio.to_thread.run_sync(chunks.get)) is not None:
                if isinstance(item, SpeechError):
                    raise item
                sent = True
                yield item
        finally:
            self._limiter.release_on_behalf_of(borrower)
        if not sent:  # another request made it meanwhile: the cached file
            path = self.cached(utt, "mp3")
            if path is None:
                raise SpeechError("the audio went missing")
            yield path.read_bytes()

    async def make_missing(
        self, utterances: Iterable[Utterance], fmt: str = "wav"
    ) -> tuple[int, SpeechError | None]:
        """Synthesise those not yet cached, in order. One sentence that fails is
        logged and skipped (the rest still matter); an engine that is gone stops it.

        Returns how many were made and the first error met (None when all are made).
        Its jobs are background jobs: a listener waiting for a sentence goes first.
        """
        made = 0
        first: SpeechError | None = None
        for utt in utterances:
            if self.cached(utt, fmt) is None:
                try:
                    await self._bounded(self._synthesize_in_background, utt, fmt)
                except SpeechUnavailable as exc:
                    return made, first or exc
                except SpeechError as exc:
                    log.warning("speech: %s not made: %s", utt.sentence_id or utt.text[:20], exc)
                    first = first or exc
                    continue
                made += 1
        return made, first

    def _synthesize_in_background(self, utt: Utterance, fmt: str) -> Path:
        with background_jobs():
            return self.synthesize(utt, fmt)

    async def _bounded(self, job: Callable[..., Path], *args: object) -> Path:
        if self._limiter.borrowed_tokens >= self._limiter.total_tokens:
            raise SpeechBusy("too many sentences are waiting for the speech engine")
        async with self._limiter:
            return await anyio.to_thread.run_sync(job, *args)

    async def ensure_whole(self, report: Report, speed: str = "normal") -> Path:
        return await self._bounded(self.whole, report, speed)

    def whole(self, report: Report, speed: str = "normal") -> Path:
        """The whole report as one MP3, for listening offline (blocking; cached)."""
        plan = self.utterances(report, speed)
        key = hashlib.sha256("".join(u.key for u in plan).encode()).hexdigest()[:32]
        out = self.cache_dir / "whole" / f"{key}.mp3"
        if out.exists():
            return out
        parts = [self.synthesize(utt) for utt in plan]  # raises before anything is written
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            out = self._fallback_dir() / "whole" / f"{key}.mp3"
            out.parent.mkdir(parents=True, exist_ok=True)
        joined = out.with_name(f".{key}.{uuid.uuid4().hex}.wav")
        try:
            _join_wavs(parts, joined)
            _encode_mp3(joined, out, self.timeout * 10)
        except (OSError, wave.Error) as exc:
            raise SpeechError(f"cannot join the report's audio: {exc}") from exc
        finally:
            joined.unlink(missing_ok=True)
        return out

    def available(self) -> bool:
        try:
            return bool(self.engine.available())
        except SpeechError:
            return False

    def close(self) -> None:
        self.engine.close()


def _probe(path: Path) -> str | None:
    """Why the cache folder cannot be written, or None when it can."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".probe-{uuid.uuid4().hex}"
        probe.write_bytes(b"")
        probe.unlink()
        return None
    except OSError as exc:
        reason = f"audio cache {path} is not writable ({exc.strerror or exc}); audio is made in a temporary folder meanwhile"
        log.warning("speech: %s", reason)
        return reason


def audio_is_whole(path: Path, fmt: str) -> bool:
    """A cheap check that a cached file is complete audio: a WAV whose header matches
    its size, an MP3 that starts with an ID3 tag or a frame."""
    try:
        size = path.stat().st_size
        if fmt == "wav":
            with wave.open(str(path), "rb") as w:
                frames, width, channels = w.getnframes(), w.getsampwidth(), w.getnchannels()
            return frames > 0 and size >= 44 + frames * width * channels
        with open(path, "rb") as f:
            head = f.read(3)
        return size > 128 and (
            head == b"ID3" or (len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0)
        )
    except (OSError, EOFError, wave.Error):
        return False


def _join_wavs(parts: list[Path], out: Path) -> None:
    """Concatenate WAV files of the same format into out."""
    with wave.open(str(out), "wb") as dst:
        for i, part in enumerate(parts):
            with wave.open(str(part), "rb") as src:
                if i == 0:
                    dst.setparams(src.getparams())
                dst.writeframes(src.readframes(src.getnframes()))


def _lame(wav: Path, out: str, timeout: float, *options: str) -> bytes:
    """Run lame (mono, constant 32 kbit/s) on wav; its standard output."""
    lame = shutil.which("lame")
    if lame is None:
        raise SpeechError("MP3 encoder 'lame' is not installed")
    args = [lame, "--quiet", *options, "-m", "m", "--cbr", "-b", str(MP3_KBPS), str(wav), out]
    try:
        done = subprocess.run(args, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise SpeechTimeout(f"MP3 encoding took longer than {timeout:.0f} s") from None
    if done.returncode != 0:
        raise SpeechError(f"MP3 encoding failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


def _encode_mp3(wav: Path, out: Path, timeout: float) -> None:
    part = out.with_name(f".{out.name}.{uuid.uuid4().hex}.part")  # unique per job
    try:
        _lame(wav, str(part), timeout)
        if not part.exists():
            raise SpeechError("MP3 encoding failed: no output")
        os.replace(part, out)
    finally:
        part.unlink(missing_ok=True)


def mp3_frames(wav: Path, timeout: float) -> bytes:
    """wav as bare MP3 frames (no LAME/Xing tag, which would give a player the length
    of this piece alone): pieces encoded so play as one stream, one after another."""
    return _lame(wav, "-", timeout, "-t")
