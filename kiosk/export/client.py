"""GET requests straight into the ASGI app, in-process: no sockets, no HTTP library."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import anyio


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    #: Set instead of ``body`` when the app answered with a file (ASGI pathsend).
    path: Path | None = None

    def data(self) -> bytes:
        return self.path.read_bytes() if self.path is not None else self.body


class AppClient:
    """GET requests straight into an ASGI app, no sockets, no HTTP library."""

    def __init__(self, app: Any, base_url: str) -> None:
        self.app = app
        parts = urlsplit(base_url or "http://localhost")
        self.scheme = parts.scheme or "http"
        self.host = parts.netloc or "localhost"

    async def get(self, url: str) -> Reply:
        path, _, query = url.partition("?")
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.4"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": self.scheme,
            "server": (self.host.split(":")[0], 443 if self.scheme == "https" else 80),
            "client": ("127.0.0.1", 0),
            "root_path": "",
            "path": path,
            "raw_path": path.encode(),
            "query_string": query.encode(),
            "headers": [(b"host", self.host.encode()), (b"user-agent", b"kiosk-export")],
            "extensions": {"http.response.pathsend": {}},
            "state": {},
        }
        done = anyio.Event()
        sent = False
        status = 500
        headers: dict[str, str] = {}
        chunks: list[bytes] = []
        file: Path | None = None

        async def receive() -> dict[str, Any]:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await done.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status, file
            if message["type"] == "http.response.start":
                status = message["status"]
                for k, v in message.get("headers", []):
                    headers[k.decode("latin-1").lower()] = v.decode("latin-1")
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    done.set()
            elif message["type"] == "http.response.pathsend":
                file = Path(message["path"])
                done.set()

        await self.app(scope, receive, send)
        return Reply(status, headers, b"".join(chunks), file)
