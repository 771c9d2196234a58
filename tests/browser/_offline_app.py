"""An app factory for the offline tests until the lead wires the routes:
``kiosk.app.create_app()`` plus ``/sw.js`` and ``/-/offline-manifest.json``.

Run with ``python -m uvicorn --factory tests.browser._offline_app:create``.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Route

from kiosk import offline
from kiosk.app import create_app


def create() -> Starlette:
    app = create_app()
    paths = {getattr(r, "path", None) for r in app.router.routes}
    extra = [
        Route("/sw.js", offline.service_worker, name="service_worker"),
        Route("/-/offline-manifest.json", offline.offline_manifest, name="offline_manifest"),
    ]
    app.router.routes[:0] = [r for r in extra if r.path not in paths]
    return app
