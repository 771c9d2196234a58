"""What every view needs from a request, written once.

- :func:`services`: the app's :class:`~kiosk.services.Services`, typed.
- :func:`reader_prefs`: the visitor's reading settings, decoded once per request.
- :func:`is_kiosk`: the kiosk layout, or a phone's.
- :func:`render`: a page from a template (``page_context`` adds what every page has).
- :func:`json_error`: the one error shape, ``{"error": message, "status": code}``.
- :func:`client_ip` and :func:`rate_limited`: the one rate-limit path.
- :func:`speech_failed`: SpeechBusy / SpeechError → 503, with Retry-After when busy.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kiosk import i18n, prefs
from kiosk.content.library import Library
from kiosk.content.model import Report
from kiosk.content.parse import is_slug
from kiosk.limits import client_key, retry_after
from kiosk.services import LimitKind, Services
from kiosk.speech.engine import SpeechBusy, SpeechError

log = logging.getLogger("kiosk.web")

#: Pages carry the visitor's reading settings (a cookie): no shared caching.
PAGE_CACHE_CONTROL = "private, no-cache"
#: Files whose URL changes with their content.
IMMUTABLE = "public, max-age=31536000, immutable"


def services_of(app: Starlette) -> Services:
    """The app's services (set once, by :func:`kiosk.web.app.create_app`)."""
    found: Services = app.state.services
    return found


def services(request: Request) -> Services:
    return services_of(request.app)


def library(request: Request) -> Library:
    return services(request).library()


def report_or_404(request: Request, slug: str | None = None) -> Report:
    slug = request.path_params["slug"] if slug is None else slug
    report = library(request).reports.get(slug) if is_slug(slug) else None
    if report is None:
        raise HTTPException(404)
    return report


def reader_prefs(request: Request) -> prefs.Prefs:
    """The visitor's reading settings: the cookie, then ``?lang=`` for this page
    (decoded once per request, or as just changed by :func:`use_prefs`)."""
    chosen = getattr(request.state, "prefs", None)
    if isinstance(chosen, prefs.Prefs):
        return chosen
    current = prefs.decode(
        request.cookies.get(prefs.COOKIE), services(request).settings.default_language
    )
    if request.scope.get("query_string"):  # parsed only when there is one
        lang = request.query_params.get("lang")
        if lang in i18n.LANGUAGES:
            current = current.updated({"lang": lang})
    request.state.prefs = current
    return current


def use_prefs(request: Request, chosen: prefs.Prefs, next_url: str) -> None:
    """Render the rest of this request with ``chosen`` settings, returning to ``next_url``."""
    request.state.prefs, request.state.next_url = chosen, next_url


def is_kiosk(request: Request) -> bool:
    """The kiosk layout: the server is a kiosk's, and this browser is not a phone
    that came from one by QR code."""
    return (
        services(request).settings.kiosk_mode
        and request.cookies.get(prefs.DEVICE_COOKIE) != "phone"
    )


def local_url(value: str | None, default: str = "/") -> str:
    """A same-site path to return to; anything else (other hosts, schemes) → default."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return default
    if any(ord(c) < 32 for c in value):
        return default
    return value


def here(request: Request) -> str:
    """This page's path and query, for the settings to return to."""
    explicit = getattr(request.state, "here", None)
    if isinstance(explicit, str):
        return explicit
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


def page_context(request: Request) -> dict[str, Any]:
    """What every page's template gets (a Jinja2Templates context processor)."""
    p = reader_prefs(request)
    next_url = getattr(request.state, "next_url", None)
    if next_url is None:
        is_settings = request.url.path == "/settings"
        next_url = local_url(request.query_params.get("next")) if is_settings else here(request)
    return {
        "lang": p.lang,
        "prefs": p,
        "settings": services(request).settings,
        "kiosk": is_kiosk(request),
        "languages": i18n.LANGUAGES,
        "bundles": services(request).bundles,
        "next_url": next_url,
    }


def render(request: Request, name: str, context: Mapping[str, Any], status: int = 200) -> Response:
    response = services(request).templates.TemplateResponse(
        request, name, dict(context), status_code=status
    )
    response.headers["Cache-Control"] = PAGE_CACHE_CONTROL
    response.headers["Vary"] = "Cookie"
    return response


def json_error(status: int, message: str, headers: Mapping[str, str] | None = None) -> Response:
    """The one error shape of every JSON answer; ``message`` is always ours, never input."""
    return JSONResponse({"error": message, "status": status}, status, headers=dict(headers or {}))


def client_ip(request: Request) -> str:
    """Who the client is for rate limits: its address, an IPv6 one as its /64
    (:func:`kiosk.limits.client_key`). Behind ``trusted_proxies`` uvicorn has
    already put the forwarded address here; otherwise headers are not believed."""
    return client_key(request.client.host) if request.client else "-"


def rate_limited(
    request: Request, kind: LimitKind = "expensive", headers: Mapping[str, str] | None = None
) -> Response | None:
    """429 with Retry-After when this client has used up its ``kind`` of requests
    (``expensive``, ``speak``, ``light`` or ``guide``, :class:`~kiosk.services.Limiters`)."""
    limiter = services(request).limiters.of(kind)
    wait = limiter.check(client_ip(request)) if limiter is not None else None
    if wait is None:
        return None
    seconds = retry_after(wait)
    return json_error(
        429,
        f"too many requests from this address: try again in {seconds} s",
        {**(headers or {}), "Retry-After": seconds},
    )


def speech_failed(
    exc: SpeechError, retry_after: int = 2, headers: Mapping[str, str] | None = None
) -> Response:
    """503 for a speech failure: busy (try again in ``retry_after`` s) or unavailable."""
    if isinstance(exc, SpeechBusy):
        return json_error(
            503,
            "the speech engine is busy; try again shortly",
            {**(headers or {}), "Retry-After": str(retry_after)},
        )
    log.warning("speech: %s", exc)
    return json_error(503, "speech is unavailable on this server", headers)
