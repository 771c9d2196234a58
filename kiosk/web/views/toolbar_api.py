"""The embeddable accessibility toolbar (无障碍浏览工具条): its files, its API, its demo.

A portal's webmaster adds one tag::

    <script src="https://<our-host>/widget/v1/toolbar.js" defer></script>

- ``/widget/v1/toolbar.js`` and ``/widget/v1/toolbar.css``: the toolbar as built
  by :mod:`kiosk.toolbar`; one hour of caching and an ETag.
- ``POST /api/speak`` (:func:`speak`): ``{"text", "lang", "speed"}`` → audio
  (MP3, or WAV with ``?format=wav``) of at most 500 characters of host-page
  text, normalised like report text (``SpeechService.adhoc``) and cached by the
  speech service.
- ``POST /api/pinyin`` (:func:`pinyin`): ``{"text"}`` → the pinyin of every
  character, for the caption bar's ruby text.
- ``GET /api/qr.svg?url=`` (:func:`qr_svg`): the QR code of a page on an
  allowlisted site (``kiosk.qr``).
- ``/widget/demo`` (:func:`demo`): a district portal's article page (a foreign
  page, written by us) with the toolbar embedded by the one tag.

The API answers browsers only from allowlisted origins (:mod:`kiosk.web.cors`).
It is rate-limited per client (``speak_rate_limit``, default 30 a minute with
bursts of 10; pinyin and QR codes, which are cheap, four times that). Input is
never reflected: error messages are fixed strings, audio and JSON are the only
outputs.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from kiosk import qr, toolbar
from kiosk.origins import origin_of, own_origins
from kiosk.services import LimitKind
from kiosk.speech.engine import GENDERS, SpeechError
from kiosk.speech.service import FORMATS, MEDIA_TYPES, SPEEDS
from kiosk.web import cors, deps

#: Largest JSON body the API reads (500 characters as \\uXXXX escapes fit easily).
MAX_BODY_BYTES = 16 * 1024
#: The report the demo page shows (the seed), when it is loaded.
DEMO_SLUG = "kundulun-2013-report"
ASSET_CACHE = "public, max-age=3600"
API_CACHE = "public, max-age=86400"
_QR_LABELS = {
    "zh-CN": "本页二维码：用手机扫码打开本页",
    "en": "QR code: open this page on your phone",
}


# -- the toolbar's files ---------------------------------------------------------------


def _serve(request: Request, built: toolbar.Built, media_type: str) -> Response:
    headers = {"Cache-Control": ASSET_CACHE, "ETag": built.etag, **cors.cors_headers(request)}
    if built.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(built.body, media_type=media_type, headers=headers)


async def toolbar_js(request: Request) -> Response:
    """``/widget/v1/toolbar.js``: the toolbar, its CSS inlined."""
    return _serve(request, toolbar.build_toolbar_js(), "text/javascript; charset=utf-8")


async def toolbar_css(request: Request) -> Response:
    """``/widget/v1/toolbar.css``: the toolbar's own styles (also inlined in the JS)."""
    return _serve(request, toolbar.build_toolbar_css(), "text/css; charset=utf-8")


# -- the API ---------------------------------------------------------------------------


def _refused(request: Request, kind: LimitKind) -> Response | None:
    """403 for a foreign site, 429 when this client has used up its ``kind`` of requests."""
    return cors.refuse_foreign(request) or deps.rate_limited(
        request, kind, {**cors.cors_headers(request), "Cache-Control": "no-store"}
    )


async def _json_object(request: Request) -> dict[str, Any] | Response:
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media != "application/json":
        return cors.api_error(
            request, 415, "send the text as JSON (Content-Type: application/json)"
        )
    body = await request.body()  # the security middleware caps bodies (max_body_bytes)
    if len(body) > MAX_BODY_BYTES:
        return cors.api_error(
            request, 413, f"the request body is larger than {MAX_BODY_BYTES} bytes"
        )
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return cors.api_error(request, 400, "the body is not valid JSON")
    if not isinstance(data, dict):
        return cors.api_error(request, 400, 'the body must be a JSON object such as {"text": "…"}')
    return data


async def _text_body(request: Request, kind: LimitKind) -> tuple[dict[str, Any], str] | Response:
    """What the text APIs share: the CORS preflight, the rate limit, a JSON object whose
    ``text`` is clean (:func:`kiosk.toolbar.clean_text`). The object and the text, or
    the response that refuses the request."""
    if request.method == "OPTIONS":
        return await cors.preflight(request)
    if refused := _refused(request, kind):
        return refused
    data = await _json_object(request)
    if isinstance(data, Response):
        return data
    try:
        return data, toolbar.clean_text(data.get("text"))
    except ValueError as exc:
        return cors.api_error(request, 422, str(exc))


async def speak(request: Request) -> Response:
    """``POST /api/speak``: audio of ``{"text", "lang", "speed", "voice"}`` (``?format=mp3|wav``).

    ``voice`` is female or male (女声/男声); without it, the reading settings' voice."""
    body = await _text_body(request, "speak")
    if isinstance(body, Response):
        return body
    data, text = body
    fmt = request.query_params.get("format", "mp3")
    if fmt not in FORMATS:
        return cors.api_error(request, 400, f"format must be one of {', '.join(FORMATS)}")
    lang = toolbar.language_of(data.get("lang"))
    if lang is None:
        return cors.api_error(request, 422, "lang must be zh-CN or en")
    speed = data.get("speed", "normal")
    if not isinstance(speed, str) or speed not in SPEEDS:
        return cors.api_error(request, 422, f"speed must be one of {', '.join(SPEEDS)}")
    if not any(c.isalnum() for c in text):
        return cors.api_error(request, 422, "text has nothing to speak")
    voice = data.get("voice")
    if voice is not None and voice not in GENDERS:
        return cors.api_error(request, 422, f"voice must be one of {', '.join(GENDERS)}")
    service = deps.services(request).speech
    # 指读 speaks in the reader's voice: the body's, else the reading settings'.
    try:
        utterance = service.adhoc(text, lang, speed, voice or deps.reader_prefs(request).voice)
    except ValueError as exc:  # too long once numbers are read out
        return cors.api_error(request, 422, str(exc))
    try:
        path = await service.ensure(utterance, fmt)
    except SpeechError as exc:
        return deps.speech_failed(
            exc, 2, {**cors.cors_headers(request), "Cache-Control": "no-store"}
        )
    return FileResponse(
        path,
        media_type=MEDIA_TYPES[fmt],
        headers={
            "Cache-Control": API_CACHE,
            "X-Speech-Engine": utterance.engine,
            "X-Speech-Voice": utterance.voice,
            **cors.cors_headers(request),
        },
    )


async def pinyin(request: Request) -> Response:
    """``POST /api/pinyin``: ``{"text"}`` → ``{"text", "items": [{"char", "pinyin"}]}``."""
    body = await _text_body(request, "light")
    if isinstance(body, Response):
        return body
    _, text = body
    return JSONResponse(
        {"text": text, "items": toolbar.pinyin_items(text)},
        headers={"Cache-Control": API_CACHE, **cors.cors_headers(request)},
    )


async def qr_svg(request: Request) -> Response:
    """``GET /api/qr.svg?url=<page>``: the QR code of a page on an allowlisted site."""
    if refused := deps.rate_limited(
        request, "light", {**cors.cors_headers(request), "Cache-Control": "no-store"}
    ):
        return refused
    url = request.query_params.get("url", "")
    if not url:
        return cors.api_error(request, 400, "url is missing")
    origin = origin_of(url) if len(url) <= 2048 else None
    if origin is None:
        return cors.api_error(request, 400, "url must be an http(s) address")
    if origin not in cors.allowed_origins(request):
        return cors.api_error(
            request, 403, "url is not on a site allowed in widget_allowed_origins"
        )
    lang = toolbar.language_of(request.query_params.get("lang")) or "zh-CN"
    parts = urlsplit(url)
    try:
        image = qr.qr_svg(url, _QR_LABELS[lang], [f"{parts.scheme}://{parts.netloc}"])
    except ValueError:
        return cors.api_error(
            request, 400, "this address cannot be encoded (too long, or with a #fragment)"
        )
    return Response(
        image.svg,
        media_type="image/svg+xml",
        headers={
            "Cache-Control": API_CACHE,
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
            **cors.cors_headers(request),
        },
    )


# -- the demo host page ----------------------------------------------------------------


async def demo(request: Request) -> Response:
    """``/widget/demo[?example=<name>]``: a portal article page with the toolbar embedded."""
    library = deps.library(request)
    report = library.reports.get(DEMO_SLUG)
    if report is None:
        newest = library.newest_first()
        report = newest[0] if newest else None
    if report is None:
        raise HTTPException(404)
    # The script URL names our origin from the settings; an untrusted Host gives a relative URL.
    settings = deps.services(request).settings
    request_origin = origin_of(str(request.base_url))
    own = own_origins(settings, str(request.base_url))
    base = origin_of(settings.public_base_url) or (request_origin if request_origin in own else "")
    return deps.render(
        request,
        "widget_demo.html",
        {
            "report": report,
            "toolbar_src": f"{base}/widget/v1/toolbar.js",
            "toolbar_attributes": toolbar.example_attributes(request.query_params.get("example")),
        },
    )
