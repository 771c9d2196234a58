"""Cut long spoken text into pieces an engine says in one job.

A sentence can be very long (a table row, a list without 。, a hostile content file):
one job for all of it would exceed the job timeout, restart the worker, and fail again on
every request. So text longer than the engine's piece size is cut after clause
punctuation (，；、：), packing whole clauses into each piece; a clause that is itself too
long is cut after a space, or else at the size. Linear in the length of the text.
"""

from __future__ import annotations

CLAUSE_MARKS = frozenset("，；、：,;:")
#: The first piece a waiting listener hears is at most this long: a short phrase is
#: said in a fraction of a second even by a neural voice (:func:`opening`).
OPENING_CHARS = 8


def clauses(text: str) -> list[str]:
    """Text split after each clause mark (the marks stay with their clause)."""
    out, start = [], 0
    for i, ch in enumerate(text):
        if ch in CLAUSE_MARKS:
            out.append(text[start : i + 1])
            start = i + 1
    if start < len(text):
        out.append(text[start:])
    return [c for c in out if c.strip()]


def _cut(clause: str, limit: int) -> list[str]:
    """A clause longer than limit, cut after the last space of each window, else at limit."""
    out, start = [], 0
    while len(clause) - start > limit:
        space = clause.rfind(" ", start + 1, start + limit)
        end = space + 1 if space > start else start + limit
        out.append(clause[start:end])
        start = end
    out.append(clause[start:])
    return out


def pieces(text: str, limit: int) -> list[str]:
    """Text as consecutive pieces of at most ``limit`` characters; joined, they are the
    text (less blank pieces). Text within the limit is one piece."""
    if limit < 1:
        raise ValueError("limit must be positive")
    if len(text) <= limit:
        return [text]
    out: list[str] = []
    current = ""
    for clause in clauses(text):
        for part in _cut(clause, limit) if len(clause) > limit else [clause]:
            if current and len(current) + len(part) > limit:
                out.append(current)
                current = ""
            current += part
    if current.strip():
        out.append(current)
    return [p for p in out if p.strip()]


def opening(parts: list[str], limit: int = OPENING_CHARS) -> list[str]:
    """``parts`` with their start as a piece of its own, for a listener who is waiting:
    the first clause, or when that is longer than ``limit``, its words (jieba) that
    fit in ``limit``. Joined, the pieces are the same text."""
    if not parts:
        return parts
    head = clauses(parts[0])
    if not head:
        return parts
    first, rest = head[0], "".join(head[1:])
    if len(first) > limit:
        from kiosk.search._text import load_jieba

        taken = ""
        for word in load_jieba().lcut(first):
            if taken and len(taken) + len(word) > limit:
                break
            taken += word
        if 1 < len(taken) < len(first):
            first, rest = taken, first[len(taken) :] + rest
    if not rest.strip():
        return parts
    return [first, rest, *parts[1:]]
