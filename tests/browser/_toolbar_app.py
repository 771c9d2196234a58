"""The kiosk app with the toolbar's routes, for the toolbar's browser tests.

Until the routes are in ``kiosk/routes.py`` (and the ``widget_allowed_origins``
and ``speak_rate_limit`` settings in ``kiosk/settings.py``) this adds them:
the routes missing from the table, and the settings from the environment
(``KIOSK_WIDGET_ALLOWED_ORIGINS``, ``KIOSK_SPEAK_RATE_LIMIT``). Once they are
there it adds nothing and serves the real route table.

Run: ``python -m uvicorn --factory tests.browser._toolbar_app:create``.
"""

from __future__ import annotations

import os
from typing import Any

from starlette.applications import Starlette
from starlette.routing import Route

from kiosk import widget_views
from kiosk.app import create_app
from kiosk.settings import Settings

#: Settings the toolbar reads, with their defaults, until kiosk/settings.py has them.
TOOLBAR_SETTINGS = {"widget_allowed_origins": "", "speak_rate_limit": "30/60"}


class WithToolbarSettings:
    """Settings plus the toolbar's, for as long as Settings does not know them."""

    def __init__(self, settings: Settings, **values: Any) -> None:
        self._settings = settings
        self._values = values

    def __getattr__(self, name: str) -> Any:
        if name in self._values:  # the test's values win over the defaults
            return self._values[name]
        return getattr(self._settings, name)

    def to_json(self) -> list[dict[str, Any]]:
        return self._settings.to_json()


def with_toolbar(app: Starlette, **values: Any) -> Starlette:
    """Add the toolbar's routes and settings to ``app`` where they are missing."""
    have = {(r.path, tuple(sorted(r.methods or ()))) for r in app.routes if isinstance(r, Route)}
    for route in widget_views.routes():
        assert isinstance(route, Route)
        if (route.path, tuple(sorted(route.methods or ()))) not in have:
            app.router.routes.append(route)
    extra = {
        name: values.get(name, os.environ.get(f"KIOSK_{name.upper()}", default))
        for name, default in TOOLBAR_SETTINGS.items()
    }
    app.state.settings = WithToolbarSettings(app.state.settings, **extra)
    return app


def create() -> Starlette:
    return with_toolbar(create_app(Settings()))
