"""``/api/ime``: 拼音 candidates for the on-screen keyboard (see :mod:`kiosk.ime`)."""

from __future__ import annotations

import logging
import threading

import anyio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kiosk.content.library import ContentStore
from kiosk.ime import ImeService, parse_fuzzy
from kiosk.settings import Settings

log = logging.getLogger("kiosk.ime")

#: Longest query accepted, and the most candidates returned.
MAX_QUERY = 64
MAX_LIMIT = 100


def service(app: Starlette) -> ImeService:
    """The app's input method, made on first use from the settings."""
    existing = getattr(app.state, "ime", None)
    if isinstance(existing, ImeService):
        return existing
    settings: Settings = app.state.settings
    app.state.ime = ImeService(settings.cache_path, parse_fuzzy(settings.ime_fuzzy))
    app.state.ime_building = threading.Lock()
    return app.state.ime


def _refresh(app: Starlette) -> None:
    """Bring the lexicon in line with the content; one build at a time."""
    ime = service(app)
    store: ContentStore = app.state.store
    lock: threading.Lock = app.state.ime_building
    if not lock.acquire(blocking=False):
        return
    try:
        ime.ensure(store.library)
    except Exception:  # typing then waits for the next try; reading is unaffected
        log.exception("ime: building the lexicon failed")
    finally:
        lock.release()


async def warm_up(app: Starlette) -> None:
    """On a kiosk, build or load the lexicon at start-up, so the first key press
    has candidates (elsewhere the first request to /api/ime starts it)."""
    service(app)
    settings: Settings = app.state.settings
    if settings.kiosk_mode:
        await anyio.to_thread.run_sync(_refresh, app, abandon_on_cancel=True)


async def ime(request: Request) -> Response:
    """``?q=zhudonggongkai[&limit=N]`` → ``{"input", "candidates": [{word, consumed, pinyin}]}``."""
    app = request.app
    ime = service(app)
    store: ContentStore = app.state.store
    if ime.library is not store.library:  # new content: rebuild the reports' words aside
        threading.Thread(target=_refresh, args=(app,), daemon=True).start()
    query = request.query_params.get("q", "")[:MAX_QUERY]
    try:
        limit = max(1, min(MAX_LIMIT, int(request.query_params.get("limit", "60"))))
    except ValueError:
        return JSONResponse({"error": "limit must be a number", "status": 400}, 400)
    result = ime.candidates(query, limit)
    if result is None:
        return JSONResponse(
            {"error": "the input method is starting; try again shortly", "status": 503},
            503,
            headers={"Retry-After": "2", "Cache-Control": "no-store"},
        )
    return JSONResponse(result.to_json(), headers={"Cache-Control": "private, max-age=60"})
