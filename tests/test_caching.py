"""The one cache class, and what the page cache keys on."""

from __future__ import annotations

import re
import threading

from starlette.testclient import TestClient

from kiosk.caching import ByteCache, approx_size

SLUG = "kundulun-2013-report"


def test_least_recently_used_goes_first_within_the_byte_bound() -> None:
    cache: ByteCache[bytes] = ByteCache(1000)
    for n in range(4):
        cache.put(n, b"x" * 200, size=200)
    assert cache.get(0) is not None  # 0 is now the most recently used
    cache.put(4, b"y" * 200, size=200)
    cache.put(5, b"z" * 200, size=200)
    assert 1 not in cache and 2 in cache and 0 in cache
    assert cache.nbytes <= 1000 and len(cache) == 5


def test_a_value_too_large_is_not_kept() -> None:
    cache: ByteCache[bytes] = ByteCache(1000)
    cache.put("small", b"a", size=10)
    assert cache.put("big", b"b" * 400) == b"b" * 400  # given back, not kept
    assert "big" not in cache and "small" in cache


def test_a_tag_must_be_the_same_object() -> None:
    cache: ByteCache[str] = ByteCache(10_000)
    first, second = object(), object()
    cache.put("k", "made from first", tag=first)
    assert cache.get("k", tag=first) == "made from first"
    assert cache.get("k", tag=second) is None
    assert cache.get_or_make("k", lambda: "made from second", tag=second) == "made from second"
    assert cache.get("k", tag=first) is None


def test_sizes_are_estimated_from_the_content() -> None:
    assert approx_size(b"x" * 1000) >= 1000
    assert approx_size("政" * 100) >= 300  # UTF-8 bytes
    assert approx_size({"a": ["x" * 500, "y" * 500]}) >= 1000


def test_threads_keep_the_bound() -> None:
    cache: ByteCache[bytes] = ByteCache(5000)

    def work(base: int) -> None:
        for n in range(500):
            cache.put((base, n), b"x" * 100, size=100)
            cache.get((base, n - 1))

    threads = [threading.Thread(target=work, args=(b,)) for b in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert cache.nbytes == sum(100 for _ in range(len(cache))) <= 5000


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
