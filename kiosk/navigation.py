"""Where 返回 goes: the level above a page, never the browser's history (on a
shared kiosk the history may hold the previous visitor's pages)."""

from __future__ import annotations

import re
from collections.abc import Mapping

_REPORT = re.compile(r"^/reports/([A-Za-z0-9_-]+)$")
_SLUG = re.compile(r"^[A-Za-z0-9_-]+$")


def parent_url(path: str, query: Mapping[str, str]) -> str | None:
    """The page one level up from `path` (with its query), or None at the top.

    /reports/x → /library → /; /settings → the page it was opened from;
    /ask?report=x → that report; any other page → /library.
    """
    if path == "/":
        return None
    if path == "/library":
        return "/"
    if _REPORT.match(path):
        return "/library"
    if path == "/settings":
        nxt = query.get("next", "")
        if nxt.startswith("/") and not nxt.startswith("//") and nxt != "/settings":
            return nxt
        return "/library"
    if path in ("/ask", "/search"):
        slug = query.get("report", "")
        if _SLUG.match(slug):
            return f"/reports/{slug}"
    return "/library"
