"""The one cache class (kiosk/caching.py); what the app caches: tests/web/test_caching.py."""

from __future__ import annotations

import threading

from kiosk.caching import ByteCache, approx_size


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
