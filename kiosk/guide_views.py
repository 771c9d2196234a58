"""``GET /guide/prompt.wav?lang=&text=``: the audio of one 语音导览 prompt.

With ``&ready=1`` (the guide preloading a screen's clips) only audio that is
already made is sent; otherwise 204, and nothing is synthesised.

Kiosk mode only (phones use their own screen reader), and only for the kiosk's
own pages: a request another site's page makes (``Sec-Fetch-Site`` cross-site)
is refused. Fixed prompts (``kiosk.guide``) are already on disk and served at
once; any other text is synthesised once, within the per-client rate limit of
the expensive routes, and cached.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from kiosk import guide
from kiosk.i18n import LANGUAGES
from kiosk.limits import RateLimiter, retry_after
from kiosk.speech.engine import SpeechBusy, SpeechError
from kiosk.speech.service import MEDIA_TYPES, SpeechService
from kiosk.widget_views import clean_text

log = logging.getLogger("kiosk.guide")

#: Prompts never change for a given text, voice and engine.
CACHE = "public, max-age=86400"
DEFAULT_RATE_LIMIT = "600/60/120"


def _error(status: int, message: str, **headers: str) -> Response:
    return JSONResponse({"error": message, "status": status}, status, headers=headers)


def _check_limit(request: Request) -> float | None:
    """Seconds to wait, or None. The guide has its own budget: a visitor exploring
    the screen must not use up the one 智能问答 and search share."""
    state = request.app.state
    if not hasattr(state, "guide_limiter"):
        spec = str(state.settings.guide_rate_limit)
        try:
            state.guide_limiter = RateLimiter.from_setting(spec)
        except ValueError:
            log.warning("guide: guide_rate_limit %r is invalid; using %s", spec, DEFAULT_RATE_LIMIT)
            state.guide_limiter = RateLimiter.from_setting(DEFAULT_RATE_LIMIT)
    limiter: RateLimiter | None = state.guide_limiter
    return limiter.check(request.client.host if request.client else "-") if limiter else None


async def prompt(request: Request) -> Response:
    if not request.app.state.settings.kiosk_mode:
        return _error(404, "the spoken guide is a kiosk feature")
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return _error(403, "prompts are for the kiosk's own pages")
    lang = request.query_params.get("lang", "zh-CN")
    if lang not in LANGUAGES:
        return _error(422, f"lang must be one of {', '.join(LANGUAGES)}")
    try:
        text = clean_text(request.query_params.get("text"))
    except ValueError as exc:
        return _error(422, str(exc))
    if len(text) > guide.MAX_PROMPT_CHARS or not any(c.isalnum() for c in text):
        return _error(422, f"a prompt is 1 to {guide.MAX_PROMPT_CHARS} characters of words")
    speech: SpeechService = request.app.state.speech
    utterance = guide.prompt(speech, text, lang)
    path = speech.cached(utterance)
    if path is None and request.query_params.get("ready") == "1":
        # Preloading: only what is made already; never keep the engine busy for it.
        return Response(status_code=204, headers={"Cache-Control": "no-store"})
    if path is None:
        wait = _check_limit(request)
        if wait is not None:
            seconds = retry_after(wait)
            return _error(
                429, f"too many new prompts: try again in {seconds} s", **{"Retry-After": seconds}
            )
        try:
            path = await speech.ensure(utterance)
        except SpeechBusy:
            return _error(503, "the speech engine is busy", **{"Retry-After": "2"})
        except SpeechError:
            return _error(503, "speech is unavailable on this server")
    return FileResponse(path, media_type=MEDIA_TYPES["wav"], headers={"Cache-Control": CACHE})
