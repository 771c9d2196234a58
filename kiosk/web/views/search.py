"""Search and 智能问答: ``/search`` and ``/search.json``, ``/ask`` and ``/ask.json``.

The index (``Services.search``) is refreshed lazily by :func:`_index`: whenever
the library is another object than the one last indexed, it syncs —
incrementally, off the event loop; while a sync runs, other requests keep
answering from the previous index. Hit snippets are HTML built by
:mod:`kiosk.search.query` from escaped text with ``<mark>``.
"""

from __future__ import annotations

import anyio
from starlette.requests import Request

from kiosk.content.parse import is_slug
from kiosk.search.ask import ask as answer_question
from kiosk.search.index import SearchIndex
from kiosk.search.query import search as search_index
from kiosk.search.suggest import suggest, topics
from kiosk.web import deps
from kiosk.web.pages import Page

MAX_LIMIT = 50


async def _index(request: Request) -> SearchIndex:
    """The app's index, synced with the current library (by identity) first."""
    services = deps.services(request)
    index, library = services.search, services.library()
    if library is not index.library:
        await anyio.to_thread.run_sync(index.ensure, library)
    return index


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


async def search(request: Request) -> Page:
    """``/search?q=…[&report=slug][&limit=n]``: hits with highlighted snippets."""
    index = await _index(request)
    q, limit, slug = _q(request), _limit(request), _slug(request)
    results = await anyio.to_thread.run_sync(lambda: search_index(index, q, limit, slug=slug))
    lang = deps.reader_prefs(request).lang

    def context() -> dict[str, object]:
        return {
            "q": results.query.raw,
            "results": results,  # list of Hit; .reason / .message(lang) when empty or unusable
            "message": results.message(lang) if results.query.raw else None,
            "topics": topics(index, slug) if slug else [],
            "report_slug": slug,
        }

    def data() -> dict[str, object]:
        return {
            "query": results.query.raw,
            "reason": results.reason,
            "message": results.message(lang),
            "truncated": results.query.truncated,
            "hits": [h.to_json() for h in results],
        }

    return Page("search.html", context, data)


async def ask(request: Request) -> Page:
    """``/ask?q=…[&report=slug]``: the answering sentence, its source, the next
    three candidates, or 报告中没有找到答案 with related sections; without ``q``
    the suggested questions (tap to ask) for visitors who cannot type."""
    index = await _index(request)
    q, slug = _q(request), _slug(request)
    lang = deps.reader_prefs(request).lang
    answer = await anyio.to_thread.run_sync(lambda: answer_question(index, q, slug=slug))
    suggestions = await anyio.to_thread.run_sync(lambda: suggest(index, slug, language=lang))

    def context() -> dict[str, object]:
        return {
            "q": answer.question,
            "answer": answer,
            "suggestions": suggestions,
            "report_slug": slug,
        }

    def data() -> dict[str, object]:
        found = answer.to_json()
        found["suggestions"] = [s.to_json() for s in suggestions]
        return found

    return Page("ask.html", context, data)
