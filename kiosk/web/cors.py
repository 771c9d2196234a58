"""CORS for the toolbar's API: only allowlisted origins, echoed, never ``*``.

Allowed: the ``widget_allowed_origins`` setting (comma-separated origins), our
own origin and ``public_base_url``'s. Preflights are answered
(:func:`preflight`); a browser request from any other origin is refused with
403 (:func:`refuse_foreign`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import Response

from kiosk.origins import origin_of, own_origins
from kiosk.web import deps

FOREIGN = (
    "this site may not use the toolbar's API: add its origin to the "
    "widget_allowed_origins setting (KIOSK_WIDGET_ALLOWED_ORIGINS)"
)


def allowed_origins(request: Request) -> frozenset[str]:
    """The ``widget_allowed_origins`` setting, our own origin and ``public_base_url``'s."""
    settings = deps.services(request).settings
    raw = settings.widget_allowed_origins
    found = {origin_of(item) for item in re.split(r"[\s,]+", raw) if item and item != "*"}
    # Our own origin comes from the settings, never from the Host header alone.
    found |= own_origins(settings, str(request.base_url))
    return frozenset(o for o in found if o)


def origin_allowed(request: Request) -> bool:
    origin = request.headers.get("origin")
    return origin is not None and origin in allowed_origins(request)


def cors_headers(request: Request) -> dict[str, str]:
    """CORS headers for an allowlisted ``Origin`` (echoed, never ``*``); else just Vary."""
    if origin_allowed(request):
        return {
            "Access-Control-Allow-Origin": request.headers["origin"],
            "Access-Control-Expose-Headers": "Retry-After",
            "Vary": "Origin",
        }
    return {"Vary": "Origin"}


def api_error(
    request: Request, status: int, message: str, headers: Mapping[str, str] | None = None
) -> Response:
    """:func:`kiosk.web.deps.json_error` with the CORS headers, never cached."""
    return deps.json_error(
        status, message, {**cors_headers(request), **(headers or {}), "Cache-Control": "no-store"}
    )


async def preflight(request: Request) -> Response:
    """The CORS preflight of the API's POST routes."""
    if request.headers.get("origin") is None:
        return Response(status_code=204, headers={"Allow": "POST, OPTIONS"})
    if not origin_allowed(request):
        return api_error(request, 403, FOREIGN)
    return Response(
        status_code=204,
        headers={
            **cors_headers(request),
            "Access-Control-Allow-Methods": "POST, OPTIONS",
            "Access-Control-Allow-Headers": "Content-Type",
            "Access-Control-Max-Age": "600",
        },
    )


def refuse_foreign(request: Request) -> Response | None:
    """403 for a browser request from a site that is not allowlisted."""
    if request.headers.get("origin") is not None and not origin_allowed(request):
        return api_error(request, 403, FOREIGN)
    return None
