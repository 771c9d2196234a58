"""Pages with twins, and the page cache.

A *resource* is one async function of the request that returns a :class:`Page`:
the template and its context for the HTML twin, and the data of the JSON twin
(each made only when asked for). :func:`html` and :func:`json` turn it into the
two endpoints, so the twins cannot drift apart (as datasette does)::

    async def report(request: Request) -> Page: ...
    Route("/reports/{slug}", html(report)), Route("/reports/{slug}.json", json(report))

With ``cache=True`` the finished response is kept in the page cache
(``Services.caches.pages``): its bytes, and the same bytes gzipped once, so
both twins are served compressed without compressing again. The key is made
only from validated values (:func:`page_key`): the route, the twin, the path,
``?lang=`` when it is a language, ``?from=kiosk`` and ``?speak=1``, the
visitor's reading settings and the layout. Any other value of those parameters
is the same page as none; a request with other parameters is answered but not
kept. The cache is emptied when the library is replaced.
"""

from __future__ import annotations

import gzip
from collections.abc import Awaitable, Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kiosk import i18n
from kiosk.web import deps

#: Bodies shorter than this are sent as they are (gzip would save nothing).
MIN_GZIP_BYTES = 500
#: Query parameters that change a page, and the values that do.
PAGE_PARAMS: dict[str, Callable[[str], bool]] = {
    "lang": lambda v: v in i18n.LANGUAGES,
    "from": lambda v: v == "kiosk",
    "speak": lambda v: v == "1",
}


@dataclass(frozen=True)
class Page:
    """One resource for both twins: ``context()`` for the template, ``data()`` for JSON."""

    template: str
    context: Callable[[], Mapping[str, Any]] = dict
    data: Callable[[], Any] = dict
    headers: Mapping[str, str] = field(default_factory=dict)


Resource = Callable[[Request], Awaitable[Page]]
Endpoint = Callable[[Request], Awaitable[Response]]


class KeptResponse(Response):
    """A response whose bytes and raw headers were made once, when it was kept."""

    def __init__(self, status: int, body: bytes, raw_headers: list[tuple[bytes, bytes]]) -> None:
        self.status_code, self.body, self.background = status, body, None
        self.raw_headers = list(raw_headers)  # the middleware may add to the list


@dataclass(frozen=True)
class Kept:
    """A response as kept in the cache: its bytes, plain and gzipped, with their
    headers ready to send (so a hit costs no header building and no compression)."""

    status: int
    body: bytes
    gzipped: bytes | None
    plain_headers: tuple[tuple[bytes, bytes], ...]
    gzip_headers: tuple[tuple[bytes, bytes], ...]

    @classmethod
    def of(cls, response: Response, vary: str = "Cookie") -> Kept:
        body = bytes(response.body)
        base = [
            (k.encode("latin-1"), v.encode("latin-1"))
            for k, v in response.headers.items()
            if k not in ("content-length", "vary", "content-encoding")
        ]
        gzipped = None if len(body) < MIN_GZIP_BYTES else gzip.compress(body, 6, mtime=0)
        plain = [*base, (b"content-length", str(len(body)).encode())]
        if vary:
            plain.append((b"vary", vary.encode()))
        zipped: list[tuple[bytes, bytes]] = []
        if gzipped is not None:
            plain = [h for h in plain if h[0] != b"vary"]
            varies = f"{vary}, Accept-Encoding" if vary else "Accept-Encoding"
            plain.append((b"vary", varies.encode()))
            zipped = [*base, (b"content-length", str(len(gzipped)).encode())]
            zipped += [(b"content-encoding", b"gzip"), (b"vary", varies.encode())]
        return cls(response.status_code, body, gzipped, tuple(plain), tuple(zipped))

    def response(self, request: Request) -> Response:
        """The kept response; gzipped when the client takes gzip."""
        if self.gzipped is not None and "gzip" in request.headers.get("accept-encoding", ""):
            return KeptResponse(self.status, self.gzipped, list(self.gzip_headers))
        return KeptResponse(self.status, self.body, list(self.plain_headers))


def page_key(request: Request, *parts: Hashable) -> tuple[Hashable, ...] | None:
    """The page cache's key for this request, from validated values only; None
    when the request has parameters that are not page parameters (not kept).
    Sets the page's own address (for the settings to return to) to match."""
    path: str = request.scope["path"]
    valid: tuple[tuple[str, str], ...] = ()
    if request.scope.get("query_string"):
        params = request.query_params
        if set(params) - set(PAGE_PARAMS):
            return None
        valid = tuple(
            (name, params[name])
            for name, ok in PAGE_PARAMS.items()
            if name in params and ok(params[name])
        )
    request.state.here = path + ("?" + "&".join(f"{k}={v}" for k, v in valid) if valid else "")
    return (*parts, path, valid, deps.reader_prefs(request).encode(), deps.is_kiosk(request))


async def cached(
    request: Request, key: tuple[Hashable, ...] | None, make: Endpoint, vary: str = "Cookie"
) -> Response:
    """The kept response under ``key``, or ``make(request)`` kept when it is a 200."""
    if key is None:
        return await make(request)
    pages = deps.services(request).caches.pages
    deps.library(request)  # empties the cache when the library was replaced
    kept = pages.get(key)
    if isinstance(kept, Kept):
        return kept.response(request)
    response = await make(request)
    if response.status_code == 200 and "content-encoding" not in response.headers:
        pages.put(key, Kept.of(response, vary))
    return response  # as made (the gzip middleware compresses it this once)


def html(resource: Resource, *, cache: bool = False, limited: bool = False) -> Endpoint:
    """The HTML twin of ``resource`` (rate-limited as expensive when ``limited``)."""

    async def make(request: Request) -> Response:
        page = await resource(request)
        response = deps.render(request, page.template, page.context())
        response.headers.update(page.headers)
        return response

    async def endpoint(request: Request) -> Response:
        if limited and (refused := deps.rate_limited(request)):
            return refused
        key = page_key(request, resource.__name__, "html") if cache else None
        return await cached(request, key, make)

    endpoint.__name__ = resource.__name__
    return endpoint


def json(resource: Resource, *, cache: bool = False, limited: bool = False) -> Endpoint:
    """The JSON twin of ``resource``."""

    async def make(request: Request) -> Response:
        page = await resource(request)
        return JSONResponse(page.data())

    async def endpoint(request: Request) -> Response:
        if limited and (refused := deps.rate_limited(request)):
            return refused
        key = page_key(request, resource.__name__, "json") if cache else None
        return await cached(request, key, make, vary="")

    endpoint.__name__ = resource.__name__ + "_json"
    return endpoint
