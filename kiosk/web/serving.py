"""uvicorn's HTTP/1.1 protocol with a deadline for request headers.

uvicorn bounds idle keep-alive connections but not a client that opens a
connection and sends its request head a byte at a time: 500 such clients held
500 connections for as long as they liked, and 1,100 ran the server out of file
handles. :func:`guarded_h11` returns the protocol class ``kiosk serve`` uses:
a client must finish each request head within ``timeout`` seconds of its first
byte (or of connecting), else the connection is closed with one log line.
Bodies are bounded by the security middleware (``request_timeout`` too).
"""

from __future__ import annotations

import asyncio
import logging

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger(__name__)


class HeaderDeadlineH11(H11Protocol):
    header_timeout: float = 10.0
    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)  # type: ignore[arg-type]
        self._start_header_timer()

    def data_received(self, data: bytes) -> None:
        if self.conn.their_state is h11.IDLE:
            self._start_header_timer()
        super().data_received(data)
        if self.conn.their_state is not h11.IDLE:
            self._stop_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_header_timer()
        super().connection_lost(exc)

    def _start_header_timer(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _stop_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            log.info(
                "closed a connection from %s: no request head within %g s",
                self.client[0] if self.client else "-",
                self.header_timeout,
            )
            self.transport.close()


def guarded_h11(timeout: float) -> type[H11Protocol]:
    """The protocol class with ``timeout`` seconds for each request head."""
    return type("GuardedH11Protocol", (HeaderDeadlineH11,), {"header_timeout": float(timeout)})
