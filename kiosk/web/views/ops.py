"""For operators and developers: ``/-/health``, ``/-/settings.json``, ``/-/patterns``,
the CSS/JS bundles, and the error pages."""

from __future__ import annotations

from typing import Any

import anyio
import yaml
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kiosk import __version__, prefs
from kiosk.health import Facts as HealthFacts
from kiosk.health import assess, mp3_encoder_installed, public_problem
from kiosk.i18n import gettext
from kiosk.resources import WIDGETS
from kiosk.web import deps
from kiosk.web.pages import Kept

BUNDLE_MEDIA_TYPES = {"css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8"}


async def health(request: Request) -> Response:
    """``/-/health``: 200 while serving (ok or degraded, with reasons), 503 when not."""
    services = deps.services(request)
    library, speech, settings = services.library(), services.speech, services.settings
    available = speech.available()
    encoder = mp3_encoder_installed()
    facts = HealthFacts(
        content_dir=settings.content_path,
        reports=len(library.reports),
        rejected=library.rejected,
        cache_dir=settings.cache_path,
        speech_enabled=settings.speech_engine != "none",
        speech_available=available,
        speech_reason=speech.degraded_reason,
        mp3_encoder=encoder,
        prebuild_error=services.background.get("prebuild"),
        search_reason=services.search.degraded_reason,
        extra=(
            ("public_base_url is not set: QR codes are hidden (phones cannot reach 127.0.0.1)",)
            if settings.kiosk_mode and not settings.public_base_url
            else ()
        ),
    )
    found = await anyio.to_thread.run_sync(assess, facts)
    problems = [
        public_problem(p.path, p.line, p.reason, settings.content_path)
        + ("" if p.severity == "error" else f" ({p.severity})")
        for p in library.problems
    ]
    return JSONResponse(
        {
            "status": found.status,
            "version": __version__,
            "reports": len(library.reports),
            "rejected": library.rejected,
            "problems": problems,
            "speech": {
                "available": available and encoder,
                "engine": speech.version,
                "mp3": encoder,
            },
            "warnings": list(found.reasons),
        },
        found.http_status,
        headers={"Cache-Control": "no-store"},
    )


async def settings_json(request: Request) -> Response:
    return JSONResponse({"settings": deps.services(request).settings.to_json()})


def _examples() -> list[dict[str, Any]]:
    """Every component's named examples, from kiosk/widgets/<name>/examples.yaml."""
    out = []
    for path in sorted(WIDGETS.glob("*/examples.yaml")):
        name = path.parent.name
        macro = name.replace("-", "_")
        for example in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            out.append({"component": name, "macro": macro, **example})
    return out


async def patterns(request: Request) -> Response:
    return deps.render(
        request,
        "patterns.html",
        {"examples": _examples(), "make_prefs": lambda values: prefs.Prefs(**values)},
    )


async def bundle(request: Request) -> Response:
    """``/assets/bundle/kiosk-<digest>.<kind>``: every page's CSS or JS, kept forever."""
    services = deps.services(request)
    found = services.bundles.get(request.path_params["kind"])
    if found is None or request.path_params["digest"] != found.digest:
        return Response("Not Found", 404, media_type="text/plain")
    key = ("bundle", found.kind, found.digest)
    kept = services.caches.pages.get(key)
    if not isinstance(kept, Kept):  # gzipped once, then served as kept
        response = Response(
            found.body,
            media_type=BUNDLE_MEDIA_TYPES[found.kind],
            headers={"Cache-Control": deps.IMMUTABLE},
        )
        kept = services.caches.pages.put(key, Kept.of(response, vary=""))
    return kept.response(request)


async def http_error(request: Request, exc: Exception) -> Response:
    """Errors: JSON for JSON and API paths, the friendly 404 page, else plain text."""
    assert isinstance(exc, HTTPException)
    if request.url.path.endswith(".json") or request.url.path.startswith("/api/"):
        return deps.json_error(exc.status_code, exc.detail)
    if exc.status_code == 404:
        return deps.render(request, "404.html", {}, status=404)
    lang = deps.reader_prefs(request).lang
    return Response(
        gettext(lang, "Something went wrong: %(detail)s", detail=exc.detail),
        exc.status_code,
        media_type="text/plain; charset=utf-8",
    )
