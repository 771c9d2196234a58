"""Stable ids derived from content.

An id is a short hash of the normalised text plus, when the same text occurs
more than once in a document, its ordinal among the identical ones. Editing one
paragraph therefore changes the ids of that paragraph and its sentences only.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter

_SPACE = re.compile(r"\s+")


def normalise_for_id(text: str) -> str:
    """NFKC, without whitespace: cosmetic edits keep the id."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text))


class IdMaker:
    """Hands out ``<prefix><hash>`` ids, suffixed ``-2``, ``-3`` for repeats."""

    def __init__(self, prefix: str, length: int = 8) -> None:
        self._prefix = prefix
        self._length = length
        self._seen: Counter[str] = Counter()

    def make(self, text: str) -> str:
        digest = hashlib.blake2b(
            normalise_for_id(text).encode("utf-8"), digest_size=16
        ).hexdigest()[: self._length]
        self._seen[digest] += 1
        n = self._seen[digest]
        return f"{self._prefix}{digest}" if n == 1 else f"{self._prefix}{digest}-{n}"
