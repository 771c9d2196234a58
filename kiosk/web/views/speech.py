"""Audio: what the player reads (``speech.json``), one sentence's audio, the whole report.

Planning a report's speech (normalising every sentence) runs off the event
loop (:meth:`SpeechService.plan`) and is kept per report. ``speech.json`` is
kept in the page cache until new audio is made (its durations change then).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse

from kiosk.speech.engine import DEFAULT_GENDER, GENDERS, SpeechError
from kiosk.speech.service import FORMATS, MEDIA_TYPES, SPEEDS
from kiosk.web import deps
from kiosk.web.pages import Kept


def _speed(request: Request) -> str:
    speed = request.path_params.get("speed") or request.query_params.get("speed", "normal")
    if speed not in SPEEDS:
        raise HTTPException(400, f"speed must be one of {', '.join(SPEEDS)}")
    return speed


def _gender(request: Request) -> str:
    """女声/男声 from ?voice= (female, male); anything else is the default."""
    gender = request.query_params.get("voice", DEFAULT_GENDER)
    return gender if gender in GENDERS else DEFAULT_GENDER


async def speech_json(request: Request) -> Response:
    """What the player reads, sentence by sentence: text, spoken form, duration, audio."""
    report = deps.report_or_404(request)
    speed = _speed(request)
    gender = _gender(request)
    services = deps.services(request)
    speech = services.speech
    # The answer changes only when new audio is made (its duration appears).
    key = ("speech.json", report.slug, speed, gender, speech.generation)
    kept = services.caches.pages.get(key, tag=report)
    if kept is None:
        items = []
        plan = await speech.plan(report, speed, gender)
        # The default voice keeps the URLs it always had (kiosks keep them offline).
        query = f"?v={speech.tag}" + ("" if gender == DEFAULT_GENDER else f"&voice={gender}")
        for u in plan:
            base = f"/audio/{report.slug}/{speed}/{u.sentence_id}"
            items.append(
                {
                    "id": u.sentence_id,
                    "text": u.text,
                    "spoken": u.spoken,
                    "duration": speech.duration(u),
                    "audio": {fmt: f"{base}.{fmt}{query}" for fmt in FORMATS},
                }
            )
        response = JSONResponse(
            {
                "slug": report.slug,
                "language": report.meta.language,
                "speed": speed,
                "available": speech.available(),
                "engine": speech.version,
                "speaker": plan[0].engine if plan else speech.engine.name,
                "voice": plan[0].voice if plan else speech.voice(report.meta.language, gender),
                "gender": gender,
                "sentences": items,
            }
        )
        kept = services.caches.pages.put(key, Kept.of(response, vary=""), tag=report)
    assert isinstance(kept, Kept)
    return kept.response(request)


async def audio(request: Request) -> Response:
    """One sentence's audio; synthesised on demand, then served from the cache."""
    report = deps.report_or_404(request)
    speed, fmt = request.path_params["speed"], request.path_params["fmt"]
    if speed not in SPEEDS or fmt not in FORMATS:
        raise HTTPException(404)
    speech = deps.services(request).speech
    utt = await speech.find(report, request.path_params["sentence"], speed, _gender(request))
    if utt is None:
        raise HTTPException(404)
    headers = {
        "Cache-Control": deps.IMMUTABLE,
        "X-Speech-Engine": utt.engine,
        "X-Speech-Voice": utt.voice,
    }
    cached = speech.cached(utt, fmt)
    if cached is not None:
        return FileResponse(cached, media_type=MEDIA_TYPES[fmt], headers=headers)
    if refused := deps.rate_limited(request):
        return refused  # only making audio costs: cached files are served freely
    try:
        if fmt == "mp3":  # the players: sound as soon as the first clause is said
            chunks = speech.stream(utt)
            first = await anext(chunks)
            return StreamingResponse(_then(first, chunks), media_type="audio/mpeg", headers=headers)
        path = await speech.ensure(utt, fmt)
    except SpeechError as exc:
        return deps.speech_failed(exc, retry_after=2)
    return FileResponse(path, media_type=MEDIA_TYPES[fmt], headers=headers)


async def _then(first: bytes, rest: AsyncIterator[bytes]) -> AsyncIterator[bytes]:
    yield first
    async for chunk in rest:
        yield chunk


async def download_audio(request: Request) -> Response:
    """The whole report read aloud, as one MP3 file."""
    report = deps.report_or_404(request)
    if refused := deps.rate_limited(request):
        return refused
    speech = deps.services(request).speech
    try:
        await speech.plan(report)
        path = await speech.ensure_whole(report)
    except SpeechError as exc:
        return deps.speech_failed(exc, retry_after=5)
    return FileResponse(
        path,
        media_type="audio/mpeg",
        filename=f"{report.slug}.mp3",
        headers={"Cache-Control": "public, max-age=86400"},
    )
