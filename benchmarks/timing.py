"""Small measurement helpers: time one call, median, geometric mean.

Input: callables and lists of seconds. Output: seconds and ratios. Wall time is ``time.perf_counter``.
"""

from __future__ import annotations

import gc
import math
import statistics
import time
from typing import Any, Callable


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Run ``fn`` once after a garbage collection; return (wall seconds, result)."""
    gc.collect()
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def median(times: list[float]) -> float | None:
    """Median of ``times`` (None for an empty list)."""
    return statistics.median(times) if times else None


def geomean(values: list[float]) -> float | None:
    """Geometric mean of positive ``values`` (None for an empty list)."""
    if not values:
        return None
    return math.exp(sum(math.log(v) for v in values) / len(values))


def ratio(reference: float | None, other: float | None) -> float | None:
    """``reference / other``, the speedup of ``other`` over ``reference`` (None if either is missing)."""
    if reference is None or other is None or other <= 0:
        return None
    return reference / other
