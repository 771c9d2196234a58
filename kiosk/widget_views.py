"""The embeddable accessibility toolbar (无障碍浏览工具条): its files, its API, its demo.

A portal's webmaster adds one tag::

    <script src="https://<our-host>/widget/v1/toolbar.js" defer></script>

- ``/widget/v1/toolbar.js`` (:func:`toolbar_js`): ``widgets/toolbar/toolbar.js``
  with ``toolbar.css`` inlined (the toolbar puts it into its shadow root),
  comment lines and indentation dropped and every non-ASCII character escaped,
  so the file works on GBK-encoded host pages too. ``/widget/v1/toolbar.css``
  (:func:`toolbar_css`) serves the stylesheet alone. Both: one hour of caching
  and an ETag.
- ``POST /api/speak`` (:func:`speak`): ``{"text", "lang", "speed"}`` → audio
  (MP3, or WAV with ``?format=wav``) of at most 500 characters of host-page
  text, normalised like report text (``SpeechService.adhoc``) and cached by the
  speech service.
- ``POST /api/pinyin`` (:func:`pinyin`): ``{"text"}`` → the pinyin of every
  character (pypinyin), for the caption bar's ruby text.
- ``GET /api/qr.svg?url=`` (:func:`qr_svg`): the QR code of a page on an
  allowlisted site (``kiosk.qr``).
- ``/widget/demo`` (:func:`demo`): a district portal's article page (a foreign
  page, written by us) with the toolbar embedded by the one tag.

The API answers browsers only from allowlisted origins: the
``widget_allowed_origins`` setting (comma-separated origins) and our own
origin. Their CORS preflight is answered (:func:`options_preflight`) and the
``Access-Control-Allow-Origin`` header echoes the origin — never ``*``;
requests from any other origin are refused with 403. The API is rate-limited
per client IP (``speak_rate_limit``, default 30 a minute with bursts of 10;
pinyin and QR codes, which are cheap, four times that). Input is never
reflected: error messages are fixed strings, audio and JSON are the only
outputs.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import yaml
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from kiosk import qr
from kiosk.app import WIDGETS, template
from kiosk.limits import RateLimiter, retry_after
from kiosk.origins import origin_of, own_origins
from kiosk.speech.engine import SpeechBusy, SpeechError
from kiosk.speech.service import FORMATS, MEDIA_TYPES, SPEEDS, SpeechService

log = logging.getLogger("kiosk.widget")

TOOLBAR = WIDGETS / "toolbar"
#: Longest text the API takes, in characters, after trimming.
MAX_CHARS = 500
#: Largest JSON body the API reads (500 characters as \\uXXXX escapes fit easily).
MAX_BODY_BYTES = 16 * 1024
DEFAULT_RATE_LIMIT = "30/60"
#: The toolbar's JS + CSS, gzipped, must stay within this.
BUDGET_GZIP_BYTES = 20 * 1024
#: The report the demo page shows (the seed), when it is loaded.
DEMO_SLUG = "kundulun-2013-report"
ASSET_CACHE = "public, max-age=3600"
API_CACHE = "public, max-age=86400"
_CSS_PLACEHOLDER = '"/*@inline toolbar.css*/"'
_LANGUAGES = {"zh": "zh-CN", "cmn": "zh-CN", "en": "en"}
_HANZI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
#: pypinyin's readings that are wrong in government texts (TECH-NOTES §4).
_PHRASES = {"还款": [["huán"], ["kuǎn"]], "还贷": [["huán"], ["dài"]]}


# -- the toolbar's files ---------------------------------------------------------------


@dataclass(frozen=True)
class Built:
    """One served file: its bytes and the ETag derived from them."""

    body: bytes
    etag: str


def _compact_js(source: str) -> str:
    """Drop whole-line comments, indentation and blank lines; keep every code line.

    Lines are never joined, so automatic semicolon insertion cannot change; a
    comment is only dropped when it fills its lines (``//``, or ``/*`` … ``*/``
    with nothing after the closing ``*/``).
    """
    out: list[str] = []
    in_block = False
    for raw in source.splitlines():
        line = raw.strip()
        if in_block:
            if "*/" in line:
                in_block = False
                rest = line.split("*/", 1)[1].strip()
                if rest:
                    out.append(rest)
            continue
        if not line or line.startswith("//"):
            continue
        if line.startswith("/*"):
            end = line.find("*/", 2)
            if end == -1:
                in_block = True
                continue
            if end == len(line) - 2:
                continue  # a one-line comment
        out.append(line)
    return "\n".join(out) + "\n"


def _compact_css(source: str) -> str:
    css = re.sub(r"/\*.*?\*/", "", source, flags=re.S)
    css = re.sub(r"\s+", " ", css)
    css = re.sub(r"\s*([{};,>])\s*", r"\1", css)
    return css.replace(";}", "}").strip()


def _ascii(text: str) -> str:
    """Every non-ASCII character as a JS escape (\\uXXXX, surrogate pairs above U+FFFF)."""

    def escape(match: re.Match[str]) -> str:
        data = match.group(0).encode("utf-16-be")
        return "".join(
            f"\\u{int.from_bytes(data[i : i + 2], 'big'):04x}" for i in range(0, len(data), 2)
        )

    return re.sub(r"[^\x00-\x7f]", escape, text)


def _stamp(*paths: Path) -> tuple[int, ...]:
    return tuple(p.stat().st_mtime_ns for p in paths)


@lru_cache(maxsize=4)
def _build_js(stamp: tuple[int, ...]) -> Built:
    js = (TOOLBAR / "toolbar.js").read_text(encoding="utf-8")
    css = _compact_css((TOOLBAR / "toolbar.css").read_text(encoding="utf-8"))
    if _CSS_PLACEHOLDER not in js:
        raise RuntimeError(f"toolbar.js lacks the CSS placeholder {_CSS_PLACEHOLDER}")
    body = _ascii(_compact_js(js).replace(_CSS_PLACEHOLDER, json.dumps(css))).encode("ascii")
    return Built(body, '"' + hashlib.sha256(body).hexdigest()[:16] + '"')


@lru_cache(maxsize=4)
def _build_css(stamp: tuple[int, ...]) -> Built:
    body = (TOOLBAR / "toolbar.css").read_bytes()
    return Built(body, '"' + hashlib.sha256(body).hexdigest()[:16] + '"')


def build_toolbar_js() -> Built:
    """The toolbar as served (rebuilt when either source file changes)."""
    return _build_js(_stamp(TOOLBAR / "toolbar.js", TOOLBAR / "toolbar.css"))


def build_toolbar_css() -> Built:
    return _build_css(_stamp(TOOLBAR / "toolbar.css"))


def gzipped_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def _serve(request: Request, built: Built, media_type: str) -> Response:
    headers = {"Cache-Control": ASSET_CACHE, "ETag": built.etag, **cors_headers(request)}
    if built.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(built.body, media_type=media_type, headers=headers)


async def toolbar_js(request: Request) -> Response:
    """``/widget/v1/toolbar.js``: the toolbar, its CSS inlined."""
    return _serve(request, build_toolbar_js(), "text/javascript; charset=utf-8")


async def toolbar_css(request: Request) -> Response:
    """``/widget/v1/toolbar.css``: the toolbar's own styles (also inlined in the JS)."""
    return _serve(request, build_toolbar_css(), "text/css; charset=utf-8")


# -- origins and CORS ------------------------------------------------------------------


def _setting(request: Request, name: str, default: Any) -> Any:
    return getattr(request.app.state.settings, name, default)


def allowed_origins(request: Request) -> frozenset[str]:
    """The ``widget_allowed_origins`` setting, our own origin and ``public_base_url``'s."""
    raw = str(_setting(request, "widget_allowed_origins", "") or "")
    found = {origin_of(item) for item in re.split(r"[\s,]+", raw) if item and item != "*"}
    # Our own origin comes from the settings, never from the Host header alone.
    found |= own_origins(request.app.state.settings, str(request.base_url))
    return frozenset(o for o in found if o)


def _request_origin(request: Request) -> str | None:
    """The ``Origin`` header, or None when the request has none."""
    return request.headers.get("origin")


def origin_allowed(request: Request) -> bool:
    origin = _request_origin(request)
    return origin is not None and origin in allowed_origins(request)


def cors_headers(request: Request) -> dict[str, str]:
    """CORS headers for an allowlisted ``Origin`` (echoed, never ``*``); else just Vary."""
    if origin_allowed(request):
        return {
            "Access-Control-Allow-Origin": str(_request_origin(request)),
            "Access-Control-Expose-Headers": "Retry-After",
            "Vary": "Origin",
        }
    return {"Vary": "Origin"}


def _error(request: Request, status: int, message: str, **headers: str) -> Response:
    """A JSON error; ``message`` is always one of ours, never the input."""
    return JSONResponse(
        {"error": message, "status": status},
        status,
        headers={**cors_headers(request), **headers, "Cache-Control": "no-store"},
    )


_FOREIGN = (
    "this site may not use the toolbar's API: add its origin to the "
    "widget_allowed_origins setting (KIOSK_WIDGET_ALLOWED_ORIGINS)"
)


async def options_preflight(request: Request) -> Response:
    """The CORS preflight of ``/api/speak`` and ``/api/pinyin``."""
    if _request_origin(request) is None:
        return Response(status_code=204, headers={"Allow": "POST, OPTIONS"})
    if not origin_allowed(request):
        return _error(request, 403, _FOREIGN)
    return Response(
        status_code=204,
        headers={
            **cors_headers(request),
            "Access-Control-Allow-Methods": "POST, OPTIONS",
            "Access-Control-Allow-Headers": "Content-Type",
            "Access-Control-Max-Age": "600",
        },
    )


def _refuse_foreign(request: Request) -> Response | None:
    """403 for a browser request from a site that is not allowlisted."""
    if _request_origin(request) is not None and not origin_allowed(request):
        return _error(request, 403, _FOREIGN)
    return None


# -- rate limits -----------------------------------------------------------------------


def _limiter(request: Request, kind: str) -> RateLimiter | None:
    state = request.app.state
    limiters: dict[str, RateLimiter | None] | None = getattr(state, "widget_limiters", None)
    if limiters is None:
        spec = str(_setting(request, "speak_rate_limit", DEFAULT_RATE_LIMIT))
        try:
            speak_limit = RateLimiter.from_setting(spec, burst=10)
        except ValueError:
            log.warning(
                "widget: speak_rate_limit %r is invalid; using %s", spec, DEFAULT_RATE_LIMIT
            )
            speak_limit = RateLimiter.from_setting(DEFAULT_RATE_LIMIT, burst=10)
        light = speak_limit.scaled(4) if speak_limit is not None else None
        limiters = {"speak": speak_limit, "light": light}
        state.widget_limiters = limiters
    return limiters[kind]


def _client(request: Request) -> str:
    return request.client.host if request.client else "-"


def _limited(request: Request, kind: str) -> Response | None:
    limiter = _limiter(request, kind)
    wait = limiter.check(_client(request)) if limiter is not None else None
    if wait is None:
        return None
    seconds = retry_after(wait)
    return _error(
        request, 429, f"too many requests: try again in {seconds} s", **{"Retry-After": seconds}
    )


# -- reading the input -----------------------------------------------------------------


async def _json_object(request: Request) -> dict[str, Any] | Response:
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media != "application/json":
        return _error(request, 415, "send the text as JSON (Content-Type: application/json)")
    body = await request.body()  # the security middleware caps bodies (max_body_bytes)
    if len(body) > MAX_BODY_BYTES:
        return _error(request, 413, f"the request body is larger than {MAX_BODY_BYTES} bytes")
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return _error(request, 400, "the body is not valid JSON")
    if not isinstance(data, dict):
        return _error(request, 400, 'the body must be a JSON object such as {"text": "…"}')
    return data


def _is_junk(char: str) -> bool:
    """Control characters (except tab and line breaks), surrogates, private-use and
    unassigned code points, and U+FFFD (what undecodable bytes become)."""
    if char in "\t\n\r":
        return False
    return unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn") or char == "\ufffd"


def clean_text(value: object) -> str:
    """The text to work on, whitespace collapsed; raises ValueError with the reason."""
    if not isinstance(value, str):
        raise ValueError("text must be a string")
    text = value.strip()
    if not text:
        raise ValueError("text is empty")
    if len(text) > MAX_CHARS:
        raise ValueError(f"text is longer than {MAX_CHARS} characters")
    if any(_is_junk(c) for c in text):
        raise ValueError("text contains control characters or binary data")
    return " ".join(text.split())


def _language(value: object) -> str | None:
    if value is None:
        return "zh-CN"
    if not isinstance(value, str) or len(value) > 35:
        return None
    primary = value.strip().lower().replace("_", "-").split("-")[0]
    return _LANGUAGES.get(primary)


# -- the API ---------------------------------------------------------------------------


async def speak(request: Request) -> Response:
    """``POST /api/speak``: audio of ``{"text", "lang", "speed"}`` (``?format=mp3|wav``)."""
    if request.method == "OPTIONS":
        return await options_preflight(request)
    refused = _refuse_foreign(request) or _limited(request, "speak")
    if refused is not None:
        return refused
    fmt = request.query_params.get("format", "mp3")
    if fmt not in FORMATS:
        return _error(request, 400, f"format must be one of {', '.join(FORMATS)}")
    data = await _json_object(request)
    if isinstance(data, Response):
        return data
    try:
        text = clean_text(data.get("text"))
    except ValueError as exc:
        return _error(request, 422, str(exc))
    lang = _language(data.get("lang"))
    if lang is None:
        return _error(request, 422, "lang must be zh-CN or en")
    speed = data.get("speed", "normal")
    if not isinstance(speed, str) or speed not in SPEEDS:
        return _error(request, 422, f"speed must be one of {', '.join(SPEEDS)}")
    if not any(c.isalnum() for c in text):
        return _error(request, 422, "text has nothing to speak")
    service: SpeechService = request.app.state.speech
    utterance = service.adhoc(text, lang, speed)
    try:
        path = await service.ensure(utterance, fmt)
    except SpeechBusy:
        return _error(
            request, 503, "the speech engine is busy: try again shortly", **{"Retry-After": "2"}
        )
    except SpeechError:
        return _error(request, 503, "speech is unavailable on this server")
    return FileResponse(
        path,
        media_type=MEDIA_TYPES[fmt],
        headers={"Cache-Control": API_CACHE, **cors_headers(request)},
    )


@lru_cache(maxsize=1)
def _pypinyin() -> Any:
    import pypinyin  # 60 MB and a quarter of a second: only when first asked

    pypinyin.load_phrases_dict(_PHRASES)
    return pypinyin


def pinyin_items(text: str) -> list[dict[str, str | None]]:
    """One item per character: ``{"char": "政", "pinyin": "zhèng"}``; None for non-hanzi."""
    module = _pypinyin()
    chars = list(text)
    readings = module.pinyin(text, style=module.Style.TONE, errors=lambda s: [[""] for _ in s])
    if len(readings) != len(chars):  # never seen, but alignment is what the caption needs
        readings = [module.pinyin(c, style=module.Style.TONE)[0] for c in chars]
    items: list[dict[str, str | None]] = []
    for char, reading in zip(chars, readings, strict=True):
        value = reading[0] if reading and _HANZI.match(char) else ""
        items.append({"char": char, "pinyin": value or None})
    return items


async def pinyin(request: Request) -> Response:
    """``POST /api/pinyin``: ``{"text"}`` → ``{"text", "items": [{"char", "pinyin"}]}``."""
    if request.method == "OPTIONS":
        return await options_preflight(request)
    refused = _refuse_foreign(request) or _limited(request, "light")
    if refused is not None:
        return refused
    data = await _json_object(request)
    if isinstance(data, Response):
        return data
    try:
        text = clean_text(data.get("text"))
    except ValueError as exc:
        return _error(request, 422, str(exc))
    return JSONResponse(
        {"text": text, "items": pinyin_items(text)},
        headers={"Cache-Control": API_CACHE, **cors_headers(request)},
    )


_QR_LABELS = {
    "zh-CN": "本页二维码：用手机扫码打开本页",
    "en": "QR code: open this page on your phone",
}


async def qr_svg(request: Request) -> Response:
    """``GET /api/qr.svg?url=<page>``: the QR code of a page on an allowlisted site."""
    refused = _limited(request, "light")
    if refused is not None:
        return refused
    url = request.query_params.get("url", "")
    if not url:
        return _error(request, 400, "url is missing")
    origin = origin_of(url) if len(url) <= 2048 else None
    if origin is None:
        return _error(request, 400, "url must be an http(s) address")
    if origin not in allowed_origins(request):
        return _error(request, 403, "url is not on a site allowed in widget_allowed_origins")
    lang = _language(request.query_params.get("lang")) or "zh-CN"
    parts = urlsplit(url)
    try:
        image = qr.qr_svg(url, _QR_LABELS[lang], [f"{parts.scheme}://{parts.netloc}"])
    except ValueError:
        return _error(
            request, 400, "this address cannot be encoded (too long, or with a #fragment)"
        )
    return Response(
        image.svg,
        media_type="image/svg+xml",
        headers={
            "Cache-Control": API_CACHE,
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
            **cors_headers(request),
        },
    )


# -- the demo host page ----------------------------------------------------------------

_ATTRIBUTE = re.compile(r"data-[a-z][a-z-]*")


def _svg_data_url(svg: str) -> str:
    return "data:image/svg+xml," + quote(" ".join(svg.split()), safe=" =:/'\",.()")


#: The portal's placeholder QR box (a picture of a code, not a code) and its emblem.
DEMO_QR_IMAGE = _svg_data_url(
    "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 21 21' shape-rendering='crispEdges'>"
    "<rect width='21' height='21' fill='#fff'/><g fill='#000'>"
    "<path d='M0 0h7v7H0zM14 0h7v7h-7zM0 14h7v7H0z'/>"
    "<path fill='#fff' d='M1 1h5v5H1zM15 1h5v5h-5zM1 15h5v5H1z'/>"
    "<path d='M2 2h3v3H2zM16 2h3v3h-3zM2 16h3v3H2zM9 1h2v2H9zM8 4h3v2H8zM9 8h4v2H9zM14 9h2v3h-2z"
    "M8 12h2v3H8zM11 14h3v2h-3zM17 12h3v2h-3zM15 16h2v4h-2zM10 17h3v3h-3zM18 17h2v3h-2z'/></g></svg>"
)
DEMO_EMBLEM = _svg_data_url(
    "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 64 64'>"
    "<circle cx='32' cy='32' r='30' fill='#ffd200' stroke='#fff' stroke-width='3'/>"
    "<path d='M32 12l5 15h16l-13 9 5 16-13-10-13 10 5-16-13-9h16z' fill='#a4161a'/></svg>"
)
DEMO_PHOTO = _svg_data_url(
    "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 320 160'>"
    "<rect width='320' height='160' fill='#dfe8f2'/><rect x='40' y='50' width='240' height='90' fill='#8aa4c0'/>"
    "<path d='M30 55L160 12l130 43z' fill='#a4161a'/><g fill='#fff'><rect x='70' y='80' width='30' height='60'/>"
    "<rect x='145' y='80' width='30' height='60'/><rect x='220' y='80' width='30' height='60'/></g></svg>"
)


def toolbar_examples() -> list[dict[str, Any]]:
    """The named embeddings in ``widgets/toolbar/examples.yaml``."""
    path = TOOLBAR / "examples.yaml"
    return list(yaml.safe_load(path.read_text(encoding="utf-8")) or [])


def _example_attributes(name: str | None) -> dict[str, str]:
    for example in toolbar_examples():
        if example.get("name") == (name or "default"):
            attributes = (example.get("params") or {}).get("attributes") or {}
            return {str(k): str(v) for k, v in attributes.items() if _ATTRIBUTE.fullmatch(str(k))}
    return {}


async def demo(request: Request) -> Response:
    """``/widget/demo[?example=<name>]``: a portal article page with the toolbar embedded."""
    library = request.app.state.store.library
    report = library.reports.get(DEMO_SLUG)
    if report is None:
        newest = library.newest_first()
        report = newest[0] if newest else None
    if report is None:
        raise HTTPException(404)
    # The script URL names our origin from the settings; an untrusted Host gives a relative URL.
    ours = own_origins(request.app.state.settings, str(request.base_url))
    public = origin_of(str(_setting(request, "public_base_url", "") or ""))
    request_origin = origin_of(str(request.base_url))
    base = public or (request_origin if request_origin in ours else "")
    return template(
        request,
        "widget_demo.html",
        {
            "report": report,
            "toolbar_src": f"{base}/widget/v1/toolbar.js",
            "toolbar_attributes": _example_attributes(request.query_params.get("example")),
            "qr_image": DEMO_QR_IMAGE,
            "emblem": DEMO_EMBLEM,
            "photo": DEMO_PHOTO,
        },
    )


def routes() -> list[BaseRoute]:
    """The toolbar's routes, as they go into ``kiosk/routes.py``."""
    return [
        Route("/widget/v1/toolbar.js", toolbar_js, name="toolbar_js"),
        Route("/widget/v1/toolbar.css", toolbar_css, name="toolbar_css"),
        Route("/widget/demo", demo, name="widget_demo"),
        Route("/api/speak", speak, methods=["POST", "OPTIONS"], name="api_speak"),
        Route("/api/pinyin", pinyin, methods=["POST", "OPTIONS"], name="api_pinyin"),
        Route("/api/qr.svg", qr_svg, name="api_qr"),
    ]
