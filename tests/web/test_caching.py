"""What the app caches through the one cache class: pages keyed on validated
values, gzipped twins, versioned assets (the class itself: tests/unit/test_caching.py)."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

SLUG = "kundulun-2013-report"


def test_page_cache_keys_only_on_validated_values(client: TestClient) -> None:
    """Issue 14 item 2: unknown values of ?from=, ?speak=, ?lang= are the same page
    as none, so a flood of distinct values cannot grow the cache."""
    pages = client.app.state.services.caches.pages  # type: ignore[attr-defined]
    plain = client.get(f"/reports/{SLUG}")
    assert plain.status_code == 200
    entries = len(pages)
    for n in range(50):
        for param in ("from", "speak", "lang"):
            response = client.get(f"/reports/{SLUG}", params={param: f"junk-{n}"})
            assert response.status_code == 200
            assert response.content == plain.content  # the same page, from the cache
    assert len(pages) == entries
    english = client.get(f"/reports/{SLUG}", params={"lang": "en"})
    assert english.content != plain.content and len(pages) == entries + 1


def test_both_twins_are_kept_gzipped(client: TestClient) -> None:
    for url in (f"/reports/{SLUG}", f"/reports/{SLUG}.json", "/"):
        first = client.get(url)
        again = client.get(url)
        assert first.headers["content-encoding"] == again.headers["content-encoding"] == "gzip"
        assert "Accept-Encoding" in again.headers["vary"]
        assert again.content == first.content
        plain = client.get(url, headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in plain.headers
        assert plain.content == first.content


def test_versioned_assets_are_immutable_and_gzipped(client: TestClient) -> None:
    page = client.get(f"/reports/{SLUG}").text
    bundle = re.search(r'href="(/assets/bundle/kiosk-[0-9a-f]+\.css)"', page)
    assert bundle is not None
    for url in (bundle.group(1), "/assets/vendor/htmx-4.0.1.min.js?v=1"):
        first, again = client.get(url), client.get(url)
        assert first.status_code == again.status_code == 200
        assert "immutable" in again.headers["cache-control"]
        assert again.headers["content-encoding"] == "gzip" and again.content == first.content
    plain = client.get("/assets/css/kiosk.css")
    assert plain.headers["cache-control"] == "no-cache" and "etag" in plain.headers
