"""Security middleware: response headers on everything, and a request body limit.

* A strict Content-Security-Policy: scripts, styles, fonts and media only from
  our own origin, no inline script or style, no plugins; ``frame-ancestors
  'self'`` for the kiosk's pages. The embeddable toolbar's files and API are
  meant for other origins, so they are not framing-restricted (CORS for the
  API is handled by its views, for allowlisted origins only).
* ``X-Content-Type-Options: nosniff``, ``Referrer-Policy``, ``Permissions-Policy``.
* Request bodies over ``max_body`` bytes are refused with 413 before they reach
  a view, whether announced by Content-Length or streamed.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self' blob:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
)
#: Paths served to other sites (the toolbar and its API): no framing rules apply.
CROSS_SITE_PREFIXES = ("/widget/v1/", "/api/")
COMMON = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"permissions-policy", b"camera=(), microphone=(self), geolocation=(), payment=(), usb=()"),
]


class SecurityMiddleware:
    def __init__(self, app: ASGIApp, max_body: int = 64 * 1024) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        cross_site = path.startswith(CROSS_SITE_PREFIXES)
        if self._declared_length(scope) > self.max_body:
            await self._too_large(send)
            return

        received = 0
        too_large = False

        async def limited_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    too_large = True
                    raise _BodyTooLarge
            return message

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0].lower() not in _OURS]
                headers += COMMON
                if not cross_site:
                    headers.append((b"content-security-policy", CSP.encode()))
                    headers.append((b"x-frame-options", b"SAMEORIGIN"))
                else:
                    headers.append(
                        (b"content-security-policy", b"default-src 'none'; frame-ancestors *")
                    )
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except _BodyTooLarge:
            if too_large:
                await self._too_large(send)

    @staticmethod
    def _declared_length(scope: Scope) -> int:
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    return int(value)
                except ValueError:
                    return 0
        return 0

    async def _too_large(self, send: Send) -> None:
        body = json.dumps(
            {"error": f"request body is larger than {self.max_body} bytes", "status": 413}
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json"), *COMMON],
            }
        )
        await send({"type": "http.response.body", "body": body})


_OURS = {name for name, _ in COMMON} | {b"content-security-policy", b"x-frame-options"}


class _BodyTooLarge(Exception):
    pass
