"""The reports: the start screen and library (``/``, ``/library``, ``/index.json``),
a report (``/reports/{slug}`` and ``.json``) and its one-file download."""

from __future__ import annotations

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from kiosk.content.model import Report
from kiosk.web import deps
from kiosk.web.pages import Page
from kiosk.web.views.handoff import handoff_qr


def _summary(report: Report) -> dict[str, object]:
    return {
        "slug": report.slug,
        **report.meta.to_json(),
        "url": f"/reports/{report.slug}",
        "json": f"/reports/{report.slug}.json",
    }


async def home(request: Request) -> Page:
    """The kiosk's start screen; elsewhere the list of reports. JSON: every report."""
    library = deps.library(request)

    def data() -> dict[str, object]:
        return {"reports": [_summary(r) for r in library.newest_first()]}

    if deps.is_kiosk(request):
        return Page("start.html", lambda: {"reports": library.newest_first()[:4]}, data)
    return Page("home.html", lambda: {"groups": library.by_year()}, data)


async def library_page(request: Request) -> Page:
    library = deps.library(request)
    return Page("home.html", lambda: {"groups": library.by_year()})


def report_body(request: Request, report: Report, lang: str) -> Markup:
    """The table of contents and the text: the same for every visitor, so rendered
    once per report and language and kept (the page around it is per visitor)."""
    services = deps.services(request)

    def render() -> Markup:
        template = services.templates.env.get_template("_report_body.html")
        return Markup(template.render(report=report, lang=lang))

    return services.caches.bodies.get_or_make((report.slug, lang), render, tag=report)


async def report(request: Request) -> Page:
    """A report: the page around its text, or its document model as JSON."""
    found = deps.report_or_404(request)

    def context() -> dict[str, object]:
        return {
            "report": found,
            "body": report_body(request, found, deps.reader_prefs(request).lang),
            "handoff": handoff_qr(request, found),
            "from_kiosk": request.query_params.get("from") == "kiosk",
            "speak": request.query_params.get("speak") == "1",
        }

    return Page("report.html", context, found.to_json)


async def download_html(request: Request) -> Response:
    """The report as one HTML file that reads offline: styles inside, no scripts."""
    found = deps.report_or_404(request)
    css = deps.services(request).bundles["css"].body.decode("utf-8")
    body = report_body(request, found, deps.reader_prefs(request).lang)
    response = deps.render(request, "download.html", {"report": found, "body": body, "css": css})
    response.headers["Content-Disposition"] = f'attachment; filename="{found.slug}.html"'
    return response
