"""The route table: every URL the kiosk serves, in one place."""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from kiosk import views
from kiosk.app import ASSETS


def routes() -> list[BaseRoute]:
    return [
        Route("/", views.home, name="home"),
        Route("/index.json", views.home_json, name="home_json"),
        Route("/reports/{slug}.json", views.report_json, name="report_json"),
        Route("/reports/{slug}", views.report_page, name="report"),
        Route("/-/health", views.health, name="health"),
        Route("/-/settings.json", views.settings_json, name="settings_json"),
        Mount("/assets", StaticFiles(directory=ASSETS), name="assets"),
    ]
