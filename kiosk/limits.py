"""Per-client rate limits for expensive routes: a token bucket per key.

Each key (in practice the client's IP address) has a bucket that holds at most
``burst`` tokens and refills at ``rate`` tokens every ``per`` seconds. A request
takes one token; with none left it is refused, and :meth:`RateLimiter.check`
says how many seconds to wait (the ``Retry-After`` of a 429 response)::

    limiter = RateLimiter(30, 60, burst=10)   # 30 a minute, bursts of 10
    wait = limiter.check(client_ip)
    if wait is not None:
        return JSONResponse({...}, 429, headers={"Retry-After": retry_after(wait)})

State lives in memory, per process: with several workers each one counts on
its own (a client gets up to workers × the limit), which is fine for keeping
one client from monopolising the speech engine. At most ``max_keys`` buckets
are kept; the least recently used are forgotten first (a forgotten bucket
starts again full).
"""

from __future__ import annotations

import ipaddress
import math
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable

_SPEC = re.compile(r"\s*(\d+(?:\.\d+)?)\s*/\s*(\d+(?:\.\d+)?)\s*(?:/\s*(\d+)\s*)?")


class RateLimiter:
    """A token bucket per key: ``rate`` requests per ``per`` seconds, bursts of ``burst``."""

    def __init__(
        self,
        rate: float,
        per: float = 60.0,
        burst: int | None = None,
        *,
        max_keys: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate <= 0 or per <= 0:
            raise ValueError("rate and per must be positive")
        self.rate = float(rate)
        self.per = float(per)
        self.burst = max(1, int(burst if burst is not None else math.ceil(rate)))
        self.max_keys = max(1, max_keys)
        self._refill = self.rate / self.per  # tokens per second
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key → (tokens, at)
        self._lock = threading.Lock()

    @classmethod
    def from_setting(cls, spec: str, burst: int = 10) -> RateLimiter | None:
        """A limiter from ``"N/S"`` (N requests per S seconds) or ``"N/S/B"`` (bursts of B).

        Without ``B`` the burst is ``min(N, burst)``. ``""``, ``"0"`` and ``"off"``
        mean no limit (None). Raises ValueError for anything else.
        """
        text = (spec or "").strip().lower()
        if text in ("", "0", "off", "none"):
            return None
        match = _SPEC.fullmatch(text)
        if match is None:
            raise ValueError(f"rate limit {spec!r} is not N/SECONDS or N/SECONDS/BURST")
        rate, per = float(match.group(1)), float(match.group(2))
        if rate <= 0:
            return None
        size = int(match.group(3)) if match.group(3) else min(math.ceil(rate), burst)
        return cls(rate, per, size)

    def scaled(self, factor: float) -> RateLimiter:
        """A separate limiter allowing ``factor`` times as much (for cheaper routes)."""
        return RateLimiter(
            self.rate * factor,
            self.per,
            math.ceil(self.burst * factor),
            max_keys=self.max_keys,
            clock=self._clock,
        )

    def check(self, key: str) -> float | None:
        """Take one token for ``key``: None when allowed, else the seconds to wait.

        Key clients with :func:`client_key` (an IPv6 address counts for its /64).
        """
        now = self._clock()
        with self._lock:
            tokens, at = self._buckets.pop(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + max(0.0, now - at) * self._refill)
            if tokens >= 1.0:
                tokens -= 1.0
                wait = None
            else:
                wait = (1.0 - tokens) / self._refill
            self._buckets[key] = (tokens, now)  # most recently used last
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        return wait

    def reset(self, key: str | None = None) -> None:
        """Forget one key's bucket, or every bucket."""
        with self._lock:
            if key is None:
                self._buckets.clear()
            else:
                self._buckets.pop(key, None)

    @property
    def tracked(self) -> int:
        """How many keys have a bucket now."""
        return len(self._buckets)


def client_key(address: str) -> str:
    """The rate-limit key of a client address: an IPv6 address stands for its /64.

    One IPv6 subscriber usually holds a whole /64 (2**64 addresses), so keying on
    single addresses would let one client rotate past every limit. IPv4 (and
    IPv4-mapped IPv6) addresses and anything that is not an address are kept.
    """
    try:
        ip = ipaddress.ip_address(address.strip("[]"))
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def retry_after(seconds: float) -> str:
    """The ``Retry-After`` header value for a wait: whole seconds, at least 1."""
    return str(max(1, math.ceil(seconds)))
