"""``GET /guide/prompt.wav?lang=&text=``: the audio of one 语音导览 prompt.

With ``&ready=1`` (the guide preloading a screen's clips) only audio that is
already made is sent; otherwise 204, and nothing is synthesised.

Kiosk mode only (phones use their own screen reader), and only for the kiosk's
own pages: a request another site's page makes (``Sec-Fetch-Site`` cross-site)
is refused. Fixed prompts (:mod:`kiosk.guide`) are already on disk and served
at once; any other text is synthesised once and cached, within the client's
``guide`` budget (``guide_rate_limit``): a visitor exploring the screen must
not use up the one 智能问答 and search share.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from kiosk import guide
from kiosk.i18n import LANGUAGES
from kiosk.speech.engine import SpeechError
from kiosk.speech.service import MEDIA_TYPES
from kiosk.toolbar import clean_text
from kiosk.web import deps

#: Prompts never change for a given text, voice and engine.
CACHE = "public, max-age=86400"


async def prompt(request: Request) -> Response:
    found = deps.services(request)
    if not found.settings.kiosk_mode:
        return deps.json_error(404, "the spoken guide is a kiosk feature")
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        return deps.json_error(403, "prompts are for the kiosk's own pages")
    lang = request.query_params.get("lang", "zh-CN")
    if lang not in LANGUAGES:
        return deps.json_error(422, f"lang must be one of {', '.join(LANGUAGES)}")
    try:
        text = clean_text(request.query_params.get("text"))
    except ValueError as exc:
        return deps.json_error(422, str(exc))
    if len(text) > guide.MAX_PROMPT_CHARS or not any(c.isalnum() for c in text):
        return deps.json_error(
            422, f"a prompt is 1 to {guide.MAX_PROMPT_CHARS} characters of words"
        )
    utterance = guide.prompt(found.speech, text, lang)
    path = found.speech.cached(utterance)
    if path is None and request.query_params.get("ready") == "1":
        # Preloading: only what is made already; never keep the engine busy for it.
        return Response(status_code=204, headers={"Cache-Control": "no-store"})
    if path is None:
        limited = deps.rate_limited(request, "guide")
        if limited is not None:
            return limited
        try:
            path = await found.speech.ensure(utterance)
        except SpeechError as exc:
            return deps.speech_failed(exc)
    return FileResponse(path, media_type=MEDIA_TYPES["wav"], headers={"Cache-Control": CACHE})
