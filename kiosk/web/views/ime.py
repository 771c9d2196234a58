"""``GET /api/ime?q=zhudonggongkai[&limit=N]``: 拼音 candidates for the on-screen
keyboard (see :mod:`kiosk.ime`); ``{"input", "candidates": [{word, consumed, pinyin}]}``.

The lexicon is :attr:`Services.ime`: built at start-up on a kiosk
(:meth:`Services.run`), elsewhere by the first request (503 until it is ready),
and again aside when the content changes.
"""

from __future__ import annotations

import threading

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kiosk.web import deps

#: Longest query accepted, and the most candidates returned.
MAX_QUERY = 64
MAX_LIMIT = 100


async def ime(request: Request) -> Response:
    found = deps.services(request)
    library = found.library()
    if found.ime.library is not library:  # new content: rebuild the reports' words aside
        threading.Thread(target=found.ime.refresh, args=(library,), daemon=True).start()
    query = request.query_params.get("q", "")[:MAX_QUERY]
    try:
        limit = max(1, min(MAX_LIMIT, int(request.query_params.get("limit", "60"))))
    except ValueError:
        return deps.json_error(400, "limit must be a number")
    result = found.ime.candidates(query, limit)
    if result is None:
        return deps.json_error(
            503,
            "the input method is starting; try again shortly",
            {"Retry-After": "2", "Cache-Control": "no-store"},
        )
    return JSONResponse(result.to_json(), headers={"Cache-Control": "private, max-age=60"})
