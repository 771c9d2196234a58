"""Gzip for text responses, in one place.

Starlette's GZipMiddleware drops the ``http.response.debug`` message the test
client uses to show a response's template and context, so this small
middleware does the same job for what the kiosk sends: a text response (HTML,
CSS, JS, JSON, SVG) of at least ``minimum_size`` bytes, sent in one piece,
to a client that accepts gzip, not already encoded and not a range. Streamed
files (audio) pass untouched. Responses kept by the page cache arrive already
gzipped (``Content-Encoding`` set) and pass untouched too.
"""

from __future__ import annotations

import gzip

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

TEXT_TYPES = (
    "text/",
    "application/json",
    "application/javascript",
    "application/manifest+json",
    "image/svg+xml",
)


class GzipMiddleware:
    def __init__(self, app: ASGIApp, minimum_size: int = 500, level: int = 6) -> None:
        self.app = app
        self.minimum_size = minimum_size
        self.level = level

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or "gzip" not in Headers(scope=scope).get("accept-encoding", ""):
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        passthrough = False

        async def send_maybe_gzipped(message: Message) -> None:
            nonlocal start, passthrough
            kind = message["type"]
            if kind == "http.response.start":
                raw = dict(message.get("headers", []))  # names are lower case in ASGI
                media = raw.get(b"content-type", b"").decode("latin-1")
                passthrough = (
                    b"content-encoding" in raw
                    or message["status"] in (204, 206, 304)
                    or not media.startswith(TEXT_TYPES)
                )
                if passthrough:
                    await send(message)
                else:
                    start = message  # sent with the body, once its size is known
                return
            if kind != "http.response.body" or passthrough or start is None:
                await send(message)
                return
            body = message.get("body", b"")
            headers = MutableHeaders(raw=start["headers"])
            if message.get("more_body", False) or len(body) < self.minimum_size:
                passthrough = True  # streamed or small: as it is
            else:
                body = gzip.compress(body, self.level, mtime=0)
                headers["Content-Encoding"] = "gzip"
                headers["Content-Length"] = str(len(body))
                headers.add_vary_header("Accept-Encoding")
                message = {**message, "body": body}
            await send(start)
            start = None
            await send(message)

        await self.app(scope, receive, send_maybe_gzipped)
