"""Request handlers. Every HTML page has a JSON twin."""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import yaml
from markupsafe import Markup
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response

from kiosk import __version__, prefs
from kiosk.app import WIDGETS, is_kiosk, local_url, rate_limited, reader_prefs, template
from kiosk.content.library import Library
from kiosk.content.model import Report
from kiosk.content.parse import is_slug
from kiosk.health import Facts as HealthFacts
from kiosk.health import assess, mp3_encoder_installed, public_problem
from kiosk.i18n import gettext
from kiosk.qr_views import handoff_qr
from kiosk.speech.engine import SpeechBusy, SpeechError
from kiosk.speech.service import FORMATS, MEDIA_TYPES, SPEEDS, SpeechService


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


Handler = Callable[[Request], Awaitable[Response]]
#: The query parameters that change a page; other parameters are not cached.
_PAGE_PARAMS = {"lang", "from", "speak"}


def cached_page(handler: Handler) -> Handler:
    """Keep rendered pages: a page depends only on its URL, the visitor's reading
    settings and the content, so the same three give the same bytes. The cache is
    dropped whenever the content library is replaced."""

    async def wrapper(request: Request) -> Response:
        library = _library(request)
        cache: OrderedDict[tuple[object, ...], tuple[Library, Response]] = (
            request.app.state.page_cache
        )
        params = request.query_params
        if set(params) - _PAGE_PARAMS:
            return await handler(request)  # unknown parameters: render, but do not keep
        query = tuple(sorted(params.items()))
        key = (
            handler.__name__,
            request.url.path,
            query,
            reader_prefs(request).encode(),
            is_kiosk(request),
        )
        hit = cache.get(key)
        if hit is not None and hit[0] is library:
            cache.move_to_end(key)
            return hit[1]
        response = await handler(request)
        if response.status_code == 200:
            # Keep the bytes and headers only, not the template context and request.
            kept = Response(response.body, 200, headers=dict(response.headers))
            cache[key] = (library, kept)
            while len(cache) > 512:
                cache.popitem(last=False)
        return response

    wrapper.__name__ = handler.__name__
    return wrapper


@cached_page
async def home(request: Request) -> Response:
    """The kiosk's start screen; elsewhere the list of reports."""
    library = _library(request)
    if is_kiosk(request):
        return template(request, "start.html", {"reports": library.newest_first()[:4]})
    return template(request, "home.html", {"groups": library.by_year()})


@cached_page
async def library_page(request: Request) -> Response:
    return template(request, "home.html", {"groups": _library(request).by_year()})


async def home_json(request: Request) -> Response:
    library = _library(request)
    return JSONResponse({"reports": [_report_summary(r) for r in library.newest_first()]})


def _report_body(request: Request, report: Report, lang: str) -> Markup:
    """The table of contents and the text: the same for every visitor, so rendered
    once per report and language and kept (the page around it is per visitor)."""
    cache: OrderedDict[tuple[int, str], tuple[Report, Markup]] = request.app.state.body_cache
    key = (id(report), lang)
    hit = cache.get(key)
    if hit is not None and hit[0] is report:
        cache.move_to_end(key)
        return hit[1]
    env = request.app.state.templates.env
    body = Markup(env.get_template("_report_body.html").render(report=report, lang=lang))
    cache[key] = (report, body)
    while len(cache) > 128:
        cache.popitem(last=False)
    return body


@cached_page
async def report_page(request: Request) -> Response:
    report = _report(request)
    lang = reader_prefs(request).lang
    context = {
        "report": report,
        "body": _report_body(request, report, lang),
        "handoff": handoff_qr(request, report),
        "from_kiosk": request.query_params.get("from") == "kiosk",
        "speak": request.query_params.get("speak") == "1",
    }
    return template(request, "report.html", context)


async def report_json(request: Request) -> Response:
    return JSONResponse(_report(request).to_json())


async def settings_page(request: Request) -> Response:
    return template(request, "settings.html", {})


async def settings_update(request: Request) -> Response:
    """Apply the settings form: set the cookie, then go back (or swap the panel)."""
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    old = reader_prefs(request)
    new = old.updated(fields)
    next_url = local_url(fields.get("next"))
    if request.headers.get("HX-Request") == "true":
        request.state.prefs, request.state.next_url = new, next_url
        response = template(request, "_settings_panel.html", {})
        if new.lang != old.lang:
            response.headers["HX-Refresh"] = "true"  # every string on the page changes
        response.headers["HX-Trigger"] = json.dumps(
            {"kiosk:prefs": {"htmlClass": new.html_class, "target": "body"}}
        )
    else:
        response = RedirectResponse(next_url, status_code=303)
    response.set_cookie(
        prefs.COOKIE, new.encode(), max_age=60 * 60 * 24 * 365, httponly=True, samesite="lax"
    )
    return response


async def reset(request: Request) -> Response:
    """Forget the visitor: cookies and site data, then the start screen."""
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(prefs.COOKIE)
    # Not "storage": that would also drop the offline kiosk's service worker; the
    # page clears local and session storage itself before it comes here.
    response.headers["Clear-Site-Data"] = '"cache", "cookies"'
    return response


async def help_page(request: Request) -> Response:
    return template(request, "help.html", {})


def _examples() -> list[dict[str, Any]]:
    """Every component's named examples, from widgets/<name>/examples.yaml."""
    out = []
    for path in sorted(Path(WIDGETS).glob("*/examples.yaml")):
        name = path.parent.name
        macro = name.replace("-", "_")
        for example in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            out.append({"component": name, "macro": macro, **example})
    return out


async def patterns(request: Request) -> Response:
    return template(
        request,
        "patterns.html",
        {"examples": _examples(), "make_prefs": lambda values: prefs.Prefs(**values)},
    )


def _speed(request: Request) -> str:
    speed = request.path_params.get("speed") or request.query_params.get("speed", "normal")
    if speed not in SPEEDS:
        raise HTTPException(400, f"speed must be one of {', '.join(SPEEDS)}")
    return speed


async def speech_json(request: Request) -> Response:
    """What the player reads, sentence by sentence: text, spoken form, duration, audio."""
    report = _report(request)
    speed = _speed(request)
    speech: SpeechService = request.app.state.speech
    done: dict[tuple[int, str], tuple[Report, Response, int]] = request.app.state.speech_json_cache
    hit = done.get((id(report), speed))
    # The answer changes only when new audio is made (its duration appears).
    if hit is not None and hit[0] is report and hit[2] == speech.generation:
        return hit[1]
    items = []
    for u in speech.utterances(report, speed):
        base = f"/audio/{report.slug}/{speed}/{u.sentence_id}"
        items.append(
            {
                "id": u.sentence_id,
                "text": u.text,
                "spoken": u.spoken,
                "duration": speech.duration(u),
                "audio": {fmt: f"{base}.{fmt}?v={speech.tag}" for fmt in FORMATS},
            }
        )
    response = JSONResponse(
        {
            "slug": report.slug,
            "language": report.meta.language,
            "speed": speed,
            "available": speech.available(),
            "engine": speech.version,
            "sentences": items,
        }
    )
    if len(done) > 3 * len(_library(request).reports) + 16:
        done.clear()  # reports replaced by reloads: drop what they left behind
    done[(id(report), speed)] = (report, response, speech.generation)
    return response


def _unavailable(message: str, retry_after: int | None = None) -> Response:
    headers = {"Retry-After": str(retry_after)} if retry_after else None
    return JSONResponse({"error": message, "status": 503}, 503, headers=headers)


async def audio(request: Request) -> Response:
    """One sentence's audio; synthesised on demand, then served from the cache."""
    report = _report(request)
    speed, fmt = request.path_params["speed"], request.path_params["fmt"]
    if speed not in SPEEDS or fmt not in FORMATS:
        raise HTTPException(404)
    speech: SpeechService = request.app.state.speech
    utt = speech.utterance(report, request.path_params["sentence"], speed)
    if utt is None:
        raise HTTPException(404)
    if speech.cached(utt, fmt) is None and (refused := rate_limited(request)):
        return refused  # only making audio costs: cached files are served freely
    try:
        path = await speech.ensure(utt, fmt)
    except SpeechBusy:
        return _unavailable("the speech engine is busy; try again shortly", retry_after=2)
    except SpeechError as exc:
        return _unavailable(f"speech is unavailable: {exc}")
    return FileResponse(
        path,
        media_type=MEDIA_TYPES[fmt],
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )


async def download_html(request: Request) -> Response:
    """The report as one HTML file that reads offline: styles inside, no scripts."""
    report = _report(request)
    lang = reader_prefs(request).lang
    css = request.app.state.bundles["css"].body.decode("utf-8")
    response = template(
        request,
        "download.html",
        {"report": report, "body": _report_body(request, report, lang), "css": css},
    )
    response.headers["Content-Disposition"] = f'attachment; filename="{report.slug}.html"'
    return response


async def download_audio(request: Request) -> Response:
    """The whole report read aloud, as one MP3 file."""
    report = _report(request)
    if refused := rate_limited(request):
        return refused
    speech: SpeechService = request.app.state.speech
    try:
        path = await speech.ensure_whole(report)
    except SpeechBusy:
        return _unavailable("the speech engine is busy; try again shortly", retry_after=5)
    except SpeechError as exc:
        return _unavailable(f"speech is unavailable: {exc}")
    return FileResponse(
        path,
        media_type="audio/mpeg",
        filename=f"{report.slug}.mp3",
        headers={"Cache-Control": "public, max-age=86400"},
    )


async def health(request: Request) -> Response:
    """``/-/health``: 200 while serving (ok or degraded, with reasons), 503 when not."""
    library = _library(request)
    speech: SpeechService = request.app.state.speech
    settings = request.app.state.settings
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
        prebuild_error=getattr(request.app.state, "background", {}).get("prebuild"),
        search_reason=request.app.state.search.degraded_reason,
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
    return JSONResponse({"settings": request.app.state.settings.to_json()})


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if request.url.path.endswith(".json") or request.url.path.startswith("/api/"):
        return JSONResponse({"error": exc.detail, "status": exc.status_code}, exc.status_code)
    if exc.status_code == 404:
        return template(request, "404.html", {}, status=404)
    lang = reader_prefs(request).lang
    return Response(
        gettext(lang, "Something went wrong: %(detail)s", detail=exc.detail),
        exc.status_code,
        media_type="text/plain; charset=utf-8",
    )
