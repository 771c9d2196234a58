"""Request handlers. Every HTML page has a JSON twin."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kiosk import __version__
from kiosk.app import template
from kiosk.content.library import Library
from kiosk.content.model import Report
from kiosk.content.parse import is_slug
from kiosk.i18n import gettext, pick_language


def _library(request: Request) -> Library:
    library: Library = request.app.state.store.library  # one read: a consistent set
    return library


def _report(request: Request) -> Report:
    slug = request.path_params["slug"]
    report = _library(request).reports.get(slug) if is_slug(slug) else None
    if report is None:
        raise HTTPException(404)
    return report


def _report_summary(report: Report) -> dict[str, object]:
    return {
        "slug": report.slug,
        **report.meta.to_json(),
        "url": f"/reports/{report.slug}",
        "json": f"/reports/{report.slug}.json",
    }


async def home(request: Request) -> Response:
    library = _library(request)
    return template(request, "home.html", {"groups": library.by_year()})


async def home_json(request: Request) -> Response:
    library = _library(request)
    return JSONResponse({"reports": [_report_summary(r) for r in library.newest_first()]})


async def report_page(request: Request) -> Response:
    report = _report(request)
    return template(request, "report.html", {"report": report})


async def report_json(request: Request) -> Response:
    return JSONResponse(_report(request).to_json())


async def health(request: Request) -> Response:
    library = _library(request)
    return JSONResponse(
        {
            "status": "ok",
            "version": __version__,
            "reports": len(library.reports),
            "rejected": library.rejected,
            "problems": [str(p) for p in library.problems],
        }
    )


async def settings_json(request: Request) -> Response:
    return JSONResponse({"settings": request.app.state.settings.to_json()})


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if request.url.path.endswith(".json") or request.url.path.startswith("/api/"):
        return JSONResponse({"error": exc.detail, "status": exc.status_code}, exc.status_code)
    if exc.status_code == 404:
        return template(request, "404.html", {}, status=404)
    lang = pick_language(request.cookies.get("lang"))
    return Response(
        gettext(lang, "Something went wrong: %(detail)s", detail=exc.detail),
        exc.status_code,
        media_type="text/plain; charset=utf-8",
    )
