"""``/api/asr``: 说出问题 — a recorded question, transcribed offline (see :mod:`kiosk.asr`).

``GET`` says whether the recogniser is available (the page asks once it has found a
microphone, and shows its button only then; on a kiosk this also starts loading the
model); ``POST`` takes the recording (≤ 15 s, WebM/Opus or WAV, in the body) and
returns its text, with where the time went in a ``Server-Timing`` header, within the
client's ``expensive`` budget, with a word the
reports do not have replaced by the one report word that sounds the same
(市长信象 → 市长信箱; :func:`kiosk.search.correct_transcript`). The audio is held in
memory only and never logged.
"""

from __future__ import annotations

import logging
import sqlite3
import time

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kiosk import i18n
from kiosk.asr import AsrError, AsrTimeout, no_question
from kiosk.content.library import Library
from kiosk.search import correct_transcript
from kiosk.search.index import SearchIndex
from kiosk.web import deps

NO_STORE = {"Cache-Control": "no-store"}
log = logging.getLogger("kiosk.asr")


def _corrected(index: SearchIndex, library: Library, text: str) -> str:
    """The transcript with the reports' words for those that sound the same, or as
    heard when the index cannot say (a broken index never loses what was heard)."""
    try:
        index.ensure(library)
        return correct_transcript(index, text)
    except sqlite3.Error:
        log.exception("asr: the transcript is shown as heard (the index failed)")
        return text


def _timing(ms: dict[str, float]) -> dict[str, str]:
    """A Server-Timing header: where a question's time went on the server (the
    benchmark reads it in the browser)."""
    if not ms:
        return {}
    return {"Server-Timing": ", ".join(f"{name};dur={value:.1f}" for name, value in ms.items())}


def _not_heard(message: str, ms: dict[str, float] | None = None) -> Response:
    return JSONResponse(
        {"text": "", "heard": False, "message": message}, headers={**NO_STORE, **_timing(ms or {})}
    )


async def asr(request: Request) -> Response:
    found = deps.services(request)
    rec = await anyio.to_thread.run_sync(found.asr.recognizer)
    if request.method == "GET":  # a page offering 说出问题: on a kiosk, load the model
        await anyio.to_thread.run_sync(found.asr.warm)
        return JSONResponse({"available": rec is not None}, headers=NO_STORE)
    if rec is None:
        return deps.json_error(503, "speech recognition is not installed")
    limited = deps.rate_limited(request)
    if limited is not None:
        return limited
    began = time.perf_counter()
    audio = await request.body()
    again = i18n.gettext(
        deps.reader_prefs(request).lang, "Sorry, I did not catch that. Please say it again."
    )
    if not audio:
        return _not_heard(again)
    prompt = await anyio.to_thread.run_sync(found.asr.prompt, found.library())
    try:
        heard = await anyio.to_thread.run_sync(rec.hear, audio, prompt)
    except AsrTimeout:
        return deps.json_error(503, "recognition took too long", {"Retry-After": "2"})
    except AsrError:
        return _not_heard(again)
    if no_question(heard.text, prompt):
        return _not_heard(again, {**heard.ms, "total": 1000 * (time.perf_counter() - began)})
    start = time.perf_counter()
    text = await anyio.to_thread.run_sync(_corrected, found.search, found.library(), heard.text)
    now = time.perf_counter()
    ms = {**heard.ms, "correct": 1000 * (now - start), "total": 1000 * (now - began)}
    return JSONResponse(
        {"text": text, "heard": True, "message": ""}, headers={**NO_STORE, **_timing(ms)}
    )
