"""The one in-memory cache: least recently used first out, bounded in bytes.

Every cache of the kiosk is a :class:`ByteCache` (rendered pages, report bodies,
speech answers, speech plans, the offline manifest, search answers): one
eviction rule, one bound that means something (memory, not entries), one lock.

An entry may carry a *tag*: the object it was made from (a report, the
library). :meth:`ByteCache.get` with a tag only answers when the entry's tag is
that very object, so an entry made from a replaced report is never served,
even if its key (a slug) is the same::

    cache = ByteCache(8 * 1024 * 1024)
    body = cache.get(("body", report.slug, lang), tag=report)
    if body is None:
        body = render(report, lang)
        cache.put(("body", report.slug, lang), body, tag=report)

Sizes are counted with :func:`approx_size` unless the caller gives one.
"""

from __future__ import annotations

import dataclasses
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")

#: Sizes are estimates; this stops the walk in deep structures.
_MAX_DEPTH = 6


def approx_size(value: object, _depth: int = 0) -> int:
    """Roughly how many bytes ``value`` holds: strings and bytes by length,
    containers and dataclasses by walking them (a few levels deep)."""
    if isinstance(value, bytes | bytearray | memoryview):
        return len(value) + 33
    if isinstance(value, str):
        return len(value.encode("utf-8", "surrogatepass")) + 49
    if _depth >= _MAX_DEPTH or value is None or isinstance(value, int | float | bool):
        return sys.getsizeof(value)
    if isinstance(value, dict):
        return sys.getsizeof(value) + sum(
            approx_size(k, _depth + 1) + approx_size(v, _depth + 1) for k, v in value.items()
        )
    if isinstance(value, list | tuple | set | frozenset):
        return sys.getsizeof(value) + sum(approx_size(v, _depth + 1) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return 56 + sum(
            approx_size(getattr(value, f.name), _depth + 1) for f in dataclasses.fields(value)
        )
    body = getattr(value, "body", None)  # responses
    if isinstance(body, bytes):
        return len(body) + 512
    return sys.getsizeof(value)


@dataclasses.dataclass
class _Entry(Generic[V]):
    value: V
    size: int
    tag: object


class ByteCache(Generic[V]):
    """A thread-safe LRU mapping that holds at most ``max_bytes`` (estimated).

    A value larger than a quarter of the bound is not kept (it would push out
    everything else). ``max_bytes=0`` keeps nothing.
    """

    def __init__(
        self, max_bytes: int, *, name: str = "", sizer: Callable[[V], int] = approx_size
    ) -> None:
        self.max_bytes = max(0, int(max_bytes))
        self.name = name
        self._sizer = sizer
        self._entries: OrderedDict[Hashable, _Entry[V]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable, *, tag: object = None) -> V | None:
        """The value kept under ``key`` (made from ``tag``, when given), or None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or (tag is not None and entry.tag is not tag):
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return entry.value

    def put(self, key: Hashable, value: V, *, tag: object = None, size: int | None = None) -> V:
        """Keep ``value`` under ``key`` (dropping the least recently used to make
        room); returns ``value``."""
        size = self._sizer(value) if size is None else size
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= old.size
            if size > self.max_bytes // 4:
                return value
            self._entries[key] = _Entry(value, size, tag)
            self._bytes += size
            while self._bytes > self.max_bytes and self._entries:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= dropped.size
        return value

    def get_or_make(self, key: Hashable, make: Callable[[], V], *, tag: object = None) -> V:
        """The kept value, or ``make()`` kept (two threads may both make it once)."""
        found = self.get(key, tag=tag)
        if found is not None:
            return found
        return self.put(key, make(), tag=tag)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    @property
    def nbytes(self) -> int:
        """Bytes held now (estimated)."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __repr__(self) -> str:
        return f"<ByteCache {self.name} {len(self)} entries, {self._bytes}/{self.max_bytes} B>"
