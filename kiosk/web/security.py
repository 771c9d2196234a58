"""Security middleware: response headers on everything, and a request body limit.

* A strict Content-Security-Policy: scripts, styles, fonts and media only from
  our own origin, no inline script or style, no plugins; ``frame-ancestors
  'self'`` for the kiosk's pages. The embeddable toolbar's files and API are
  meant for other origins, so they are not framing-restricted (CORS for the
  API is handled by its views, for allowlisted origins only).
* ``X-Content-Type-Options: nosniff``, ``Referrer-Policy``, ``Permissions-Policy``.
* Request bodies over ``max_body`` bytes are refused with 413 before they reach
  a view, whether announced by Content-Length or streamed; a body that takes
  longer than ``body_timeout`` seconds to arrive gets 408, and a client that
  goes away mid-body is logged in one line.
* State-changing requests (POST...) to our own pages from another site are
  refused with 403: ``Sec-Fetch-Site``, else ``Origin`` (see kiosk.origins).
  The toolbar's API (``/api/``) checks origins itself (CORS allowlist);
  ``/api/asr`` (说出问题, our pages only) is checked like our pages.
* When ``public_base_url`` is https: ``Strict-Transport-Security`` and every
  cookie ``Secure``.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import anyio
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kiosk import origins

log = logging.getLogger(__name__)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self' blob:; connect-src 'self'; font-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
)
#: Paths served to other sites (the toolbar and its API): no framing rules apply.
CROSS_SITE_PREFIXES = ("/widget/v1/", "/api/")
#: API paths for our own pages only (说出问题's recording): checked as cross-site requests too.
OWN_API = ("/api/asr",)
COMMON = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"permissions-policy", b"camera=(), microphone=(self), geolocation=(), payment=(), usb=()"),
]


HSTS = (b"strict-transport-security", b"max-age=31536000")


class SecurityMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        max_body: int = 64 * 1024,
        settings: Any = None,
        body_timeout: float = 10.0,
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.settings = settings
        self.body_timeout = body_timeout
        self.https = origins.is_https(settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        cross_site = path.startswith(CROSS_SITE_PREFIXES)
        if self._declared_length(scope) > self.max_body:
            await self._too_large(send)
            return
        own_only = not cross_site or path.startswith(OWN_API)
        refused = self._csrf_refusal(scope) if own_only else None
        if refused is not None:
            log.info("refused %s %s: %s", scope["method"], path, refused)
            await self._error(send, 403, refused)
            return
        deadline = anyio.current_time() + self.body_timeout

        received = 0
        too_large = False

        body_done = False
        started = False

        async def limited_receive() -> Message:
            nonlocal received, too_large, body_done
            if body_done:  # waiting for a disconnect while the response streams: no deadline
                return await receive()
            try:
                with anyio.fail_after(max(0.0, deadline - anyio.current_time())):
                    message = await receive()
            except TimeoutError:
                raise _BodyTimeout from None
            body_done = message["type"] != "http.request" or not message.get("more_body", False)
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    too_large = True
                    raise _BodyTooLarge
            return message

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = [h for h in message.get("headers", []) if h[0].lower() not in _OURS]
                headers += COMMON
                if not cross_site:
                    headers.append((b"content-security-policy", CSP.encode()))
                    headers.append((b"x-frame-options", b"SAMEORIGIN"))
                else:
                    headers.append(
                        (b"content-security-policy", b"default-src 'none'; frame-ancestors *")
                    )
                if self.https:
                    headers = [_secure_cookie(h) for h in headers]
                    headers.append(HSTS)
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, limited_receive, send_with_headers)
        except _BodyTooLarge:
            if too_large:
                await self._too_large(send)
        except _BodyTimeout:
            if started:  # too late for a status: just end the exchange
                return
            log.info(
                "request body of %s %s took over %s s: 408",
                scope["method"],
                path,
                self.body_timeout,
            )
            await self._error(
                send, 408, f"request body not received within {self.body_timeout:g} s"
            )
        except ClientDisconnect:
            log.info(
                "client went away before sending the whole body of %s %s", scope["method"], path
            )

    def _csrf_refusal(self, scope: Scope) -> str | None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        scheme = scope.get("scheme", "http")
        request_origin = origins.origin_of(f"{scheme}://{headers.get('host', '')}") or ""
        return origins.csrf_refusal(
            scope["method"],
            headers,
            origins.own_origins(self.settings, request_origin),
            request_origin,
            host_check=origins.allowed_hosts(self.settings) != ["*"],
        )

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
        await self._error(send, 413, f"request body is larger than {self.max_body} bytes")

    async def _error(self, send: Send, status: int, error: str) -> None:
        body = json.dumps({"error": error, "status": status}).encode()
        headers = [(b"content-type", b"application/json"), *COMMON]
        if self.https:
            headers.append(HSTS)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


_OURS = {name for name, _ in COMMON} | {b"content-security-policy", b"x-frame-options"}


class _BodyTooLarge(Exception):
    pass


class _BodyTimeout(Exception):
    pass


def _secure_cookie(header: tuple[bytes, bytes]) -> tuple[bytes, bytes]:
    name, value = header
    if name.lower() == b"set-cookie" and b"secure" not in value.lower():
        return name, value + b"; Secure"
    return header
