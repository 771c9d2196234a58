"""Search and 智能问答 over HTTP: ``/search``, ``/search.json``, ``/ask``, ``/ask.json``.

The index (``app.state.search``) is refreshed lazily by :func:`_index`: whenever
``app.state.store.library`` is another object than the one last indexed, it
syncs — incrementally, off the event loop; while a sync runs, other requests
keep answering from the previous index. Hit snippets are HTML built by
:mod:`kiosk.search.query` from escaped text with ``<mark>``.
"""

from __future__ import annotations

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from kiosk.app import rate_limited, reader_prefs, template
from kiosk.content.library import Library
from kiosk.content.parse import is_slug
from kiosk.search.ask import ask
from kiosk.search.index import SearchIndex
from kiosk.search.query import search
from kiosk.search.results import Answer, SearchResults
from kiosk.search.suggest import suggest, topics

MAX_LIMIT = 50


async def _index(request: Request) -> SearchIndex:
    """The app's index, synced with the current library (by identity) first."""
    index: SearchIndex = request.app.state.search
    library: Library = request.app.state.store.library  # one read: a consistent set
    if library is not index.library:
        await anyio.to_thread.run_sync(index.ensure, library)
    return index


def _lang(request: Request) -> str:
    return reader_prefs(request).lang


def _q(request: Request) -> str:
    return request.query_params.get("q", "")[:10_000]  # search() cuts to 200 itself


def _slug(request: Request) -> str | None:
    slug = request.query_params.get("report") or None
    return slug if slug and is_slug(slug) else None


def _limit(request: Request) -> int:
    try:
        return max(1, min(int(request.query_params.get("limit", "20")), MAX_LIMIT))
    except ValueError:
        return 20


async def _search(request: Request) -> tuple[SearchIndex, SearchResults]:
    index = await _index(request)
    results = await anyio.to_thread.run_sync(
        lambda: search(index, _q(request), _limit(request), slug=_slug(request))
    )
    return index, results


async def _ask(request: Request) -> tuple[SearchIndex, Answer]:
    index = await _index(request)
    answer = await anyio.to_thread.run_sync(lambda: ask(index, _q(request), slug=_slug(request)))
    return index, answer


def _search_json(results: SearchResults, lang: str) -> dict[str, object]:
    return {
        "query": results.query.raw,
        "reason": results.reason,
        "message": results.message(lang),
        "truncated": results.query.truncated,
        "hits": [h.to_json() for h in results],
    }


async def search_page(request: Request) -> Response:
    """GET /search?q=…[&report=slug][&limit=n] — hits with highlighted snippets."""
    if refused := rate_limited(request):
        return refused
    index, results = await _search(request)
    lang = _lang(request)
    slug = _slug(request)
    context = {
        "q": results.query.raw,
        "results": results,  # list of Hit; .reason / .message(lang) when empty or unusable
        "message": results.message(lang) if results.query.raw else None,
        "topics": topics(index, slug) if slug else [],
        "report_slug": slug,
    }
    return template(request, "search.html", context)


async def search_json(request: Request) -> Response:
    """GET /search.json?q=… — the same, as JSON (snippets are HTML strings)."""
    if refused := rate_limited(request):
        return refused
    _, results = await _search(request)
    return JSONResponse(_search_json(results, _lang(request)))


async def ask_page(request: Request) -> Response:
    """GET /ask?q=…[&report=slug] — the answering sentence, its source, the next
    three candidates, or 报告中没有找到答案 with related sections; without ``q``
    the suggested questions (tap to ask) for visitors who cannot type."""
    if refused := rate_limited(request):
        return refused
    index, answer = await _ask(request)
    lang = _lang(request)
    slug = _slug(request)
    context = {
        "q": answer.question,
        "answer": answer,
        "suggestions": await anyio.to_thread.run_sync(lambda: suggest(index, slug, language=lang)),
        "report_slug": slug,
    }
    return template(request, "ask.html", context)


async def ask_json(request: Request) -> Response:
    """GET /ask.json?q=… — the answer as JSON, plus the suggested questions."""
    if refused := rate_limited(request):
        return refused
    index, answer = await _ask(request)
    lang = _lang(request)
    slug = _slug(request)
    suggestions = await anyio.to_thread.run_sync(lambda: suggest(index, slug, language=lang))
    data = answer.to_json()
    data["suggestions"] = [s.to_json() for s in suggestions]
    return JSONResponse(data)
