"""``/api/asr``: 说出问题 — a recorded question, transcribed offline (see :mod:`kiosk.asr`).

``GET`` says whether the recogniser is available (the page shows its button only
then); ``POST`` takes the recording (≤ 15 s, WebM/Opus or WAV, in the body) and
returns its text. The audio is held in memory only and never logged.
"""

from __future__ import annotations

import anyio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kiosk import i18n
from kiosk.app import rate_limited, reader_prefs
from kiosk.asr import (
    AsrError,
    AsrTimeout,
    Recognizer,
    echoes_prompt,
    library_prompt,
    locate_whisper_base,
)
from kiosk.content.library import ContentStore
from kiosk.settings import Settings

_MISSING = object()


def recognizer(app: Starlette) -> Recognizer | None:
    """The app's recogniser (its worker starts with the first question), or None
    when the model is not installed."""
    found = getattr(app.state, "asr", _MISSING)
    if found is None or isinstance(found, Recognizer):
        return found
    settings: Settings = app.state.settings
    model = locate_whisper_base(settings.cache_path)
    made = Recognizer(model, timeout=settings.asr_timeout) if model else None
    app.state.asr = made
    return made


def _prompt(app: Starlette) -> str:
    """The prompt for the loaded reports: their most used words (made once per content)."""
    store: ContentStore = app.state.store
    library = store.library
    made = getattr(app.state, "asr_prompt", None)
    if made is not None and made[0] is library:
        return str(made[1])
    prompt = library_prompt(library)
    app.state.asr_prompt = (library, prompt)
    return prompt


def close(app: Starlette) -> None:
    found = getattr(app.state, "asr", None)
    if isinstance(found, Recognizer):
        found.close()


async def asr(request: Request) -> Response:
    app = request.app
    rec = await anyio.to_thread.run_sync(recognizer, app)
    if request.method == "GET":
        return JSONResponse({"available": rec is not None}, headers={"Cache-Control": "no-store"})
    if rec is None:
        return JSONResponse({"error": "speech recognition is not installed", "status": 503}, 503)
    limited = rate_limited(request)
    if limited is not None:
        return limited
    audio = await request.body()
    lang = reader_prefs(request).lang
    again = i18n.gettext(lang, "Sorry, I did not catch that. Please say it again.")
    if not audio:
        return JSONResponse({"text": "", "heard": False, "message": again})
    prompt = await anyio.to_thread.run_sync(_prompt, app)
    try:
        text = await anyio.to_thread.run_sync(rec.transcribe, audio, prompt)
    except AsrTimeout:
        return JSONResponse(
            {"error": "recognition took too long", "status": 503, "message": again},
            503,
            headers={"Retry-After": "2"},
        )
    except AsrError:
        return JSONResponse({"text": "", "heard": False, "message": again})
    heard = any(c.isalnum() for c in text) and not echoes_prompt(text, prompt)
    return JSONResponse(
        {"text": text if heard else "", "heard": heard, "message": "" if heard else again},
        headers={"Cache-Control": "no-store"},
    )
