"""Small measurement helpers: time one call, median, geometric mean.

Input: callables and lists of seconds. Output: seconds and ratios. Wall time is ``time.perf_counter``.
"""

from __future__ import annotations

import gc
import math
import statistics
import time
from typing import Any, Callable


def timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """Run ``fn`` once after a garbage collection; return (wall seconds, process CPU seconds, result).

    The CPU time leaves out the time the process waited for a core, which on a busy machine is most of
    the noise in the wall time."""
    gc.collect()
    c0 = time.process_time()
    t0 = time.perf_counter()
    result = fn()
    t1 = time.perf_counter()
    return t1 - t0, time.process_time() - c0, result


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
