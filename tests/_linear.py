"""Timing-ratio check: doubling an adversarial input must not quadruple the time.

A quadratic regex shows up as a ratio near 4 when the input doubles; a linear
one stays near 2. Times are the best of three runs of process CPU time, with
the garbage collector off, and a failing ratio is measured again before the
check fails, so a busy machine does not make the test flaky. Inputs are sized
so that the small one takes milliseconds, where a quadratic rule already costs
far more than the slack allowed.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

RATIO = 2.5
_RUNS = 3
_ATTEMPTS = 3
_FLOOR = 0.002  # seconds: below this, timer noise dominates


def best_time(func: Callable[[str], object], text: str, runs: int = _RUNS) -> float:
    """The shortest CPU time of `runs` calls of ``func(text)``."""
    best = float("inf")
    enabled = gc.isenabled()
    gc.disable()
    try:
        for _ in range(runs):
            start = time.process_time()
            func(text)
            best = min(best, time.process_time() - start)
    finally:
        if enabled:
            gc.enable()
    return best


def assert_linear(
    func: Callable[[str], object], unit: str, repeat: int, prefix: str = "", suffix: str = ""
) -> None:
    """Fail if ``func`` on ``unit * 2·repeat`` takes more than RATIO × ``unit * repeat``."""
    small = prefix + unit * repeat + suffix
    large = prefix + unit * (2 * repeat) + suffix
    ratios = []
    for _ in range(_ATTEMPTS):
        t_small = max(best_time(func, small), _FLOOR)
        t_large = best_time(func, large)
        ratios.append(t_large / t_small)
        if t_large <= RATIO * t_small:
            return
    raise AssertionError(
        f"{func.__name__} on {prefix!r} + {unit!r} × n + {suffix!r}: time ratio for 2n/n "
        f"{', '.join(f'{r:.1f}' for r in ratios)} > {RATIO} (n = {repeat})"
    )
