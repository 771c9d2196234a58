"""返回 goes one level up, never to the browser's history."""

from __future__ import annotations

import pytest

from kiosk.navigation import parent_url


@pytest.mark.parametrize(
    ("path", "query", "up"),
    [
        ("/", {}, None),
        ("/library", {}, "/"),
        ("/reports/kundulun-2013-report", {}, "/library"),
        ("/settings", {"next": "/reports/x"}, "/reports/x"),
        ("/settings", {"next": "//evil.example/"}, "/library"),
        ("/settings", {"next": "https://evil.example/"}, "/library"),
        ("/settings", {}, "/library"),
        ("/ask", {"report": "kundulun-2013-report"}, "/reports/kundulun-2013-report"),
        ("/ask", {"report": "../x"}, "/library"),
        ("/search", {}, "/library"),
        ("/help", {}, "/library"),
        ("/reports/nope/extra", {}, "/library"),
    ],
)
def test_parent_url(path: str, query: dict[str, str], up: str | None) -> None:
    assert parent_url(path, query) == up
