"""Build the Starlette application."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache
from pathlib import Path
from typing import Any

import anyio
import jinja2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from kiosk import i18n
from kiosk.content.library import ContentStore
from kiosk.settings import Settings

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


def _context(request: Request) -> dict[str, Any]:
    settings: Settings = request.app.state.settings
    lang = i18n.pick_language(
        request.query_params.get("lang"), request.cookies.get("lang"), settings.default_language
    )
    return {"lang": lang, "settings": settings, "languages": i18n.LANGUAGES}


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
    return Jinja2Templates(env=env, context_processors=[_context])


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

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with anyio.create_task_group() as tg:
            if settings.reload_interval > 0:
                tg.start_soon(_watch_content, store, settings.reload_interval)
            yield
            tg.cancel_scope.cancel()

    from kiosk import views

    app = Starlette(
        routes=routes(),
        lifespan=lifespan,
        exception_handlers={HTTPException: views.http_error},
    )
    app.state.settings = settings
    app.state.store = store
    app.state.templates = make_templates()
    return app


def template(request: Request, name: str, context: dict[str, Any], status: int = 200) -> Response:
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(request, name, context, status_code=status)
