"""The offline kiosk: its service worker (``/sw.js``) and what it keeps
(``/-/offline-manifest.json``); built by :mod:`kiosk.offline`, kept per library."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from kiosk.offline import VERSION_PLACEHOLDER, worker_source
from kiosk.web import deps


async def service_worker(request: Request) -> Response:
    """``/sw.js``: the worker, carrying the version of the content it caches."""
    manifest = await deps.services(request).manifest()
    return Response(
        worker_source().replace(VERSION_PLACEHOLDER, manifest.version),
        media_type="text/javascript; charset=utf-8",
        headers={"Service-Worker-Allowed": "/", "Cache-Control": "no-cache"},
    )


async def offline_manifest(request: Request) -> Response:
    """``/-/offline-manifest.json``: what a kiosk keeps, and its version."""
    manifest = await deps.services(request).manifest()
    return Response(
        manifest.body, media_type="application/json", headers={"Cache-Control": "no-cache"}
    )
