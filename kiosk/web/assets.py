"""``/assets/``: the files under ``kiosk/assets/``, cached and compressed well.

A URL made by the templates' ``asset(path)`` carries ``?v=<content hash>``: it
never changes, so it is served with a year's immutable caching; without it,
browsers revalidate (ETag). Text files (CSS, JS, SVG) are read once, gzipped
once and kept in the page cache, so they are served compressed without
compressing again; other files stream from disk.
"""

from __future__ import annotations

import os

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from kiosk.web import deps
from kiosk.web.compression import TEXT_TYPES
from kiosk.web.pages import Kept

#: Text files larger than this stream from disk instead of being kept.
MAX_KEPT_BYTES = 1024 * 1024


class Assets(StaticFiles):
    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        versioned = b"v=" in scope.get("query_string", b"")
        response.headers["Cache-Control"] = deps.IMMUTABLE if versioned else "no-cache"
        media = response.headers.get("content-type", "")
        if (
            not isinstance(response, FileResponse)
            or status_code != 200
            or not media.startswith(TEXT_TYPES)
            or stat_result.st_size > MAX_KEPT_BYTES
            or scope["method"] != "GET"
        ):
            return response
        request = Request(scope)
        pages = deps.services(request).caches.pages
        key = ("asset", os.fspath(full_path), stat_result.st_mtime_ns, versioned)
        kept = pages.get(key)
        if not isinstance(kept, Kept):
            with open(full_path, "rb") as fh:
                body = fh.read()
            headers = {k: v for k, v in response.headers.items() if k != "content-length"}
            kept = pages.put(key, Kept.of(Response(body, headers=headers), vary=""))
        return kept.response(request)
