"""Build the Starlette application."""

from __future__ import annotations

import hashlib
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import anyio
import jinja2
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.templating import Jinja2Templates

from kiosk import bundle, i18n, prefs
from kiosk.content.library import ContentStore
from kiosk.limits import RateLimiter, retry_after
from kiosk.search.index import SearchIndex
from kiosk.security import SecurityMiddleware
from kiosk.settings import Settings
from kiosk.speech.engine import SpeechError, create_engine
from kiosk.speech.service import SpeechService

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = Path(__file__).parent / "templates"
WIDGETS = ROOT / "widgets"
ASSETS = ROOT / "assets"

log = logging.getLogger("kiosk")


@cache
def _asset_version(path: str) -> str:
    try:
        return hashlib.sha256((ASSETS / path).read_bytes()).hexdigest()[:10]
    except OSError:
        return "0"


def asset_url(path: str) -> str:
    """URL of a file under assets/, with a content hash so it can be cached forever."""
    return f"/assets/{path}?v={_asset_version(path)}"


def reader_prefs(request: Request) -> prefs.Prefs:
    """The visitor's reading settings: the cookie, then ``?lang=`` for this page."""
    settings: Settings = request.app.state.settings
    chosen = getattr(request.state, "prefs", None)  # just changed by this request
    if isinstance(chosen, prefs.Prefs):
        return chosen
    current = prefs.decode(request.cookies.get(prefs.COOKIE), settings.default_language)
    lang = request.query_params.get("lang")
    if lang in i18n.LANGUAGES:
        current = current.updated({"lang": lang})
    return current


def is_kiosk(request: Request) -> bool:
    """The kiosk layout: the server is a kiosk's, and this browser is not a phone
    that came from one by QR code."""
    settings: Settings = request.app.state.settings
    return bool(settings.kiosk_mode) and request.cookies.get(prefs.DEVICE_COOKIE) != "phone"


def local_url(value: str | None, default: str = "/") -> str:
    """A same-site path to return to; anything else (other hosts, schemes) → default."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    if any(ord(c) < 32 for c in value):
        return default
    return value


def _context(request: Request) -> dict[str, Any]:
    settings: Settings = request.app.state.settings
    p = reader_prefs(request)
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return {
        "lang": p.lang,
        "prefs": p,
        "settings": settings,
        "kiosk": is_kiosk(request),
        "languages": i18n.LANGUAGES,
        "bundles": request.app.state.bundles,
        # Where the settings return to: set by the view, or ?next= on /settings, or here.
        "next_url": getattr(request.state, "next_url", None)
        or (
            local_url(request.query_params.get("next")) if request.url.path == "/settings" else here
        ),
    }


def make_templates() -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([TEMPLATES, WIDGETS]),
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.jinja_gettext, i18n.jinja_ngettext, newstyle=True
    )
    env.globals["asset"] = asset_url

    @lru_cache(maxsize=512)
    def closed_settings_panel(p: prefs.Prefs, next_url: str) -> Markup:
        """The settings panel is on every page and the same for the same settings
        and page: render it once (it is the largest part of a page's template)."""
        panel = env.get_template("_settings_panel.html")
        return Markup(panel.render(prefs=p, lang=p.lang, next_url=next_url, open=False))

    env.globals["closed_settings_panel"] = closed_settings_panel
    env.globals["asset_path"] = lambda path: f"/assets/{path}"
    return Jinja2Templates(env=env, context_processors=[_context])


async def _prebuild_audio(store: ContentStore, speech: SpeechService) -> None:
    """Synthesise every report's audio in the background; serving never waits for it."""
    if not speech.available():
        log.warning("speech: engine unavailable; reports are served as text only")
        return
    made = 0
    for report in list(store.library.reports.values()):
        for utt in speech.utterances(report):
            if speech.cached(utt) is None:
                try:
                    await speech.ensure(utt)
                    made += 1
                except SpeechError as exc:
                    log.warning("speech: prebuild stopped: %s", exc)
                    return
    log.info("speech: prebuilt %d sentences", made)


async def _build_index(store: ContentStore, search: SearchIndex) -> None:
    """Index the content at start-up, so the first question is answered at once."""
    try:
        await anyio.to_thread.run_sync(search.ensure, store.library)
    except Exception:  # searching is then built on the first query, or reports why
        log.exception("search: building the index at start-up failed")


def make_speech(settings: Settings) -> SpeechService:
    engine = create_engine(settings.speech_engine)
    return SpeechService(
        engine, settings.cache_path, settings.speech_timeout, settings.speech_max_waiting
    )


async def _watch_content(store: ContentStore, interval: float) -> None:
    while True:
        await anyio.sleep(interval)
        try:
            await anyio.to_thread.run_sync(store.refresh)
        except Exception:  # never let a broken file stop the watcher
            log.exception("content: reload failed; still serving the previous set")


def create_app(settings: Settings | None = None) -> Starlette:
    from kiosk.routes import routes  # the route table imports the views

    settings = settings or Settings()
    store = ContentStore(settings.content_path, settings.max_content_bytes)
    speech = make_speech(settings)
    search = SearchIndex(settings.cache_path)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            async with anyio.create_task_group() as tg:
                if settings.reload_interval > 0:
                    tg.start_soon(_watch_content, store, settings.reload_interval)
                if settings.speech_prebuild:
                    tg.start_soon(_prebuild_audio, store, speech)
                tg.start_soon(_build_index, store, search)
                tg.start_soon(ime_views.warm_up, app)
                yield
                tg.cancel_scope.cancel()
        finally:
            await anyio.to_thread.run_sync(speech.close)
            search.close()
            asr_views.close(app)

    from kiosk import asr_views, ime_views, views

    app = Starlette(
        routes=routes(),
        lifespan=lifespan,
        exception_handlers={HTTPException: views.http_error},
        middleware=[Middleware(SecurityMiddleware, max_body=settings.max_body_bytes)],
    )
    app.state.settings = settings
    app.state.store = store
    app.state.speech = speech
    app.state.search = search
    app.state.rate_limiter = RateLimiter.from_setting(settings.rate_limit, burst=30)
    app.state.body_cache = OrderedDict()
    app.state.page_cache = OrderedDict()
    app.state.speech_json_cache = {}
    app.state.templates = make_templates()
    app.state.bundles = {kind: bundle.build(kind, ASSETS, WIDGETS) for kind in ("css", "js")}
    return app


def rate_limited(request: Request) -> Response | None:
    """429 with Retry-After when this client has used up the expensive routes."""
    limiter: RateLimiter | None = request.app.state.rate_limiter
    wait = limiter.check(request.client.host if request.client else "-") if limiter else None
    if wait is None:
        return None
    return JSONResponse(
        {"error": "too many requests from this address; try again shortly", "status": 429},
        429,
        headers={"Retry-After": retry_after(wait)},
    )


def template(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    templates: Jinja2Templates = request.app.state.templates
    response = templates.TemplateResponse(request, name, context, status_code=status)
    # Pages carry the visitor's reading settings (a cookie): no shared caching.
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["Vary"] = "Cookie"
    return response
