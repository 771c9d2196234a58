"""``[#####.....] 120/400 label`` on one line of a terminal stream (stderr),
for the CLI's long jobs (``kiosk build``, ``kiosk export``)."""

from __future__ import annotations

import sys
import time
from typing import TextIO

WIDTH = 30


class Progress:
    def __init__(self, total: int, stream: TextIO | None = None) -> None:
        self.total = max(total, 1)
        self.done = 0
        self.stream = stream if stream is not None else sys.stderr
        self._last = 0.0

    def step(self, label: str = "", n: int = 1) -> None:
        """``n`` more done; redrawn at most ten times a second, and at the end."""
        self.done += n
        self.total = max(self.total, self.done)  # the total may be an estimate
        now = time.monotonic()
        if now - self._last < 0.1 and self.done < self.total:
            return
        self._last = now
        filled = int(WIDTH * min(self.done, self.total) / self.total)
        label = label if len(label) <= 40 else "…" + label[-39:]
        self.stream.write(
            f"\r[{'#' * filled}{'.' * (WIDTH - filled)}] {self.done}/{self.total} {label:<40}"
        )
        self.stream.flush()

    def note(self, message: str) -> None:
        """A line of its own above the bar (an error on the way)."""
        self.stream.write(f"\n{message}\n")
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()
