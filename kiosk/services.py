"""Everything a request may use, built in one place: :func:`build_services`.

:class:`Services` holds the settings, the content store, the speech service,
the search index, the 拼音 input method, the speech recogniser (说出问题), the
rate limiters, the caches, the templates and the CSS/JS bundles. The web app keeps one (``kiosk.web.deps.services(request)``
returns it, typed); the CLI and the export build their own. Its background
jobs (content reloads, audio prebuild, the first index, the kiosk's 拼音
lexicon) run in :meth:`Services.run`; :meth:`Services.close` ends them all.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import anyio
from markupsafe import Markup
from starlette.templating import Jinja2Templates

from kiosk import bundle, guide, offline
from kiosk.asr import AsrService
from kiosk.caching import ByteCache
from kiosk.config import Settings, SettingsError
from kiosk.content.library import ContentStore, Library
from kiosk.ime import ImeService, parse_fuzzy
from kiosk.limits import RateLimiter
from kiosk.resources import ASSETS, WIDGETS
from kiosk.search import homophones
from kiosk.search.index import SearchIndex
from kiosk.speech.engine import create_engine
from kiosk.speech.service import SpeechService
from kiosk.templating import make_environment

log = logging.getLogger("kiosk")

MB = 1024 * 1024
LimitKind = Literal["expensive", "speak", "light", "guide"]


@dataclass(frozen=True)
class Limiters:
    """Per-client rate limits: the expensive kiosk routes (``rate_limit``), the
    toolbar's speech API (``speak_rate_limit``), its cheap API (pinyin, QR
    codes: four times the speech limit) and 语音导览's new prompts
    (``guide_rate_limit``, a budget of its own). None means no limit."""

    expensive: RateLimiter | None
    speak: RateLimiter | None
    light: RateLimiter | None
    guide: RateLimiter | None

    def of(self, kind: LimitKind) -> RateLimiter | None:
        return {
            "expensive": self.expensive,
            "speak": self.speak,
            "light": self.light,
            "guide": self.guide,
        }[kind]

    @classmethod
    def from_settings(cls, settings: Settings) -> Limiters:
        """Raises SettingsError for a limit that is not N/SECONDS[/BURST] or off."""
        expensive = _limiter("rate_limit", settings.rate_limit, burst=30)
        speak = _limiter("speak_rate_limit", settings.speak_rate_limit, burst=10)
        guide = _limiter("guide_rate_limit", settings.guide_rate_limit, burst=120)
        return cls(expensive, speak, speak.scaled(4) if speak is not None else None, guide)


def _limiter(name: str, spec: str, burst: int) -> RateLimiter | None:
    try:
        return RateLimiter.from_setting(spec, burst=burst)
    except ValueError as exc:
        raise SettingsError(f"setting {name}: {exc}") from None


def _fuzzy(settings: Settings) -> frozenset[str]:
    try:
        return parse_fuzzy(settings.ime_fuzzy)
    except ValueError as exc:
        raise SettingsError(f"setting ime_fuzzy: {exc}") from None


@dataclass(frozen=True)
class Caches:
    """The in-memory caches of the web layer (each bounded in bytes)."""

    #: Whole responses (both twins, compressed too), keyed by validated request values.
    pages: ByteCache[Any] = field(default_factory=lambda: ByteCache(48 * MB, name="pages"))
    #: A report's table of contents and text per language: the same for every visitor.
    bodies: ByteCache[Markup] = field(default_factory=lambda: ByteCache(24 * MB, name="bodies"))
    #: The closed settings panel per settings and page.
    panels: ByteCache[Markup] = field(default_factory=lambda: ByteCache(4 * MB, name="panels"))
    #: What the offline kiosk keeps (one per library).
    offline: ByteCache[offline.Manifest] = field(
        default_factory=lambda: ByteCache(16 * MB, name="offline")
    )

    def clear_content(self) -> None:
        """Forget everything made from a library that was replaced."""
        for cache in (self.pages, self.bodies, self.offline):
            cache.clear()


@dataclass(frozen=True)
class Services:
    settings: Settings
    store: ContentStore
    speech: SpeechService
    search: SearchIndex
    #: 拼音 candidates for the on-screen keyboard (/api/ime).
    ime: ImeService
    #: 说出问题: Whisper base in a worker process, started by the first question (/api/asr)
    #: or, on a kiosk, when a page finds a microphone.
    asr: AsrService
    limiters: Limiters
    caches: Caches
    templates: Jinja2Templates
    bundles: dict[str, bundle.Bundle]
    #: What background jobs tell /-/health ("prebuild": why it stopped).
    background: dict[str, str] = field(default_factory=dict)
    #: The library the caches were made from (compared by identity).
    _seen: list[Library] = field(default_factory=list, repr=False)

    def library(self) -> Library:
        """The library being served (one read: a consistent set). When it was
        replaced since the last call, the caches made from the old one go."""
        library = self.store.library
        if not self._seen or self._seen[0] is not library:
            self.caches.clear_content()
            self._seen[:] = [library]
        return library

    async def manifest(self) -> offline.Manifest:
        """The offline manifest of the current library; rebuilt only when it is
        replaced (in a thread: hashing a thousand reports takes a moment)."""
        library = self.library()
        kept = self.caches.offline.get("manifest", tag=library)
        if kept is not None:
            return kept
        made = await anyio.to_thread.run_sync(
            offline.build_manifest, library, self.speech, self.bundles, self.settings
        )
        return self.caches.offline.put("manifest", made, tag=library)

    async def run(self) -> None:
        """The background jobs, until cancelled."""
        async with anyio.create_task_group() as tg:
            if self.settings.reload_interval > 0:
                tg.start_soon(
                    _watch_content, self.store, self.search, self.settings.reload_interval
                )
            if self.settings.speech_prebuild:
                tg.start_soon(_prebuild_audio, self.store, self.speech, self.background)
                if self.settings.kiosk_mode:  # 语音导览's fixed prompts
                    tg.start_soon(guide.prebuild_prompts, self.speech)
            tg.start_soon(_build_index, self.store, self.search, HOMOPHONE_WARM_DELAY)
            if self.settings.kiosk_mode:  # the first key press has candidates
                tg.start_soon(_build_lexicon, self.store, self.ime)

    async def close(self) -> None:
        await anyio.to_thread.run_sync(self.speech.close)
        self.search.close()
        await anyio.to_thread.run_sync(self.asr.close)


def make_speech(settings: Settings) -> SpeechService:
    options = {}
    if settings.speech_engine in ("auto", "kokoro"):
        options["models_dir"] = Path(settings.models_dir)
    engine = create_engine(settings.speech_engine, **options)
    return SpeechService(
        engine,
        settings.cache_path,
        settings.speech_timeout,
        settings.speech_max_waiting,
        settings.speech_adhoc_budget_mb,
    )


def build_services(
    settings: Settings, context_processors: Sequence[Callable[..., dict[str, Any]]] = ()
) -> Services:
    """Everything, from the settings. Raises SettingsError for a bad setting."""
    limiters = Limiters.from_settings(settings)
    caches = Caches()
    templates = Jinja2Templates(
        env=make_environment(caches.panels), context_processors=list(context_processors)
    )
    return Services(
        settings=settings,
        store=ContentStore(settings.content_path, settings.max_content_bytes),
        speech=make_speech(settings),
        search=SearchIndex(settings.cache_path),
        ime=ImeService(settings.cache_path, _fuzzy(settings)),
        asr=AsrService(Path(settings.models_dir), settings.asr_timeout, settings.kiosk_mode),
        limiters=limiters,
        caches=caches,
        templates=templates,
        bundles={kind: bundle.build(kind, ASSETS, WIDGETS) for kind in ("css", "js")},
    )


#: Sentences of each report the prebuild makes before any report's rest.
PREBUILD_FIRST = 2


async def _prebuild_audio(
    store: ContentStore, speech: SpeechService, status: dict[str, str] | None = None
) -> None:
    """Synthesise every report's audio in the background; serving never waits for it.

    The opening sentences of every report come first, so pressing 朗读 anywhere finds
    its first audio ready (warm) long before the whole library is built."""
    if not speech.available():
        log.warning("speech: engine unavailable; reports are served as text only")
        return
    if speech.fallback_reason:
        log.warning("speech: %s; reading with eSpeak NG", speech.fallback_reason)
    plans = [await speech.plan(report) for report in list(store.library.reports.values())]
    # The first sentences of every report first: 朗读 starts at once on any of them.
    order = [u for plan in plans for u in plan[:PREBUILD_FIRST]]
    order += [u for plan in plans for u in plan[PREBUILD_FIRST:]]
    made, error = await speech.make_missing(order, "mp3")  # what the players fetch
    if error is not None:
        log.warning("speech: prebuild: %s", error)
        if status is not None:  # health says so
            status["prebuild"] = "some sentences could not be made, see the log"
    log.info("speech: prebuilt %d sentences", made)


#: Seconds after start-up before the homophone map is made (loading pypinyin's
#: phrases costs ≈ 1.5 s of CPU): the start-up's own work (index, audio prebuild,
#: 拼音 lexicon) goes first, and a server stopped sooner never pays for it. A
#: misheard question before then makes the map itself.
HOMOPHONE_WARM_DELAY = 20.0


async def _build_index(store: ContentStore, search: SearchIndex, warm_after: float = 0) -> None:
    """Index the content, then (``warm_after`` seconds later) its homophone map, so the
    first question (even a misheard one) is answered at once."""
    try:
        await anyio.to_thread.run_sync(search.ensure, store.library)
        await anyio.sleep(warm_after)
        # Not abandoned on shutdown: the map is read from the index, which is closed
        # next (a connection closed under a reader crashes the process).
        await anyio.to_thread.run_sync(homophones, search)
    except Exception:  # searching is then built on the first query, or reports why
        log.exception("search: building the index or its homophone map at start-up failed")


async def _build_lexicon(store: ContentStore, ime: ImeService) -> None:
    """On a kiosk, load or build the 拼音 lexicon at start-up (elsewhere the first
    request to /api/ime starts it)."""
    await anyio.to_thread.run_sync(ime.refresh, store.library, abandon_on_cancel=True)


async def _watch_content(store: ContentStore, search: SearchIndex, interval: float) -> None:
    """Reload the content every ``interval`` seconds; a new set is indexed (with its
    homophone map) at once, not by the next visitor's question."""
    while True:
        await anyio.sleep(interval)
        try:
            await anyio.to_thread.run_sync(store.refresh)
        except Exception:  # never let a broken file stop the watcher
            log.exception("content: reload failed; still serving the previous set")
            continue
        if store.library is not search.library:
            await _build_index(store, search)
