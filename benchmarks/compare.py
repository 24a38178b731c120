"""Exact comparison of benchmark results: mvm against CPython, peers against CPython's summary.

Input: results as returned by ``Model.run`` (Python scalars, numpy arrays, dicts) or by the Python twins
(Python scalars, lists, dicts). Output: ``normalize`` gives one comparable shape; ``difference`` returns
None when two results are identical (floats compared bit for bit) or a sentence saying where they differ.
"""

from __future__ import annotations

import struct
from typing import Any

import numpy as np


def normalize(value: Any) -> Any:
    """Turn numpy scalars into Python scalars and lists/tuples into numpy arrays; recurse into dicts."""
    if isinstance(value, dict):
        return {k: normalize(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return np.asarray(value)
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, np.generic):
        return value.item()
    return value


def _float_bits(x: float) -> bytes:
    return struct.pack("<d", x)


def difference(expected: Any, actual: Any, where: str = "result") -> str | None:
    """None if ``actual`` is exactly ``expected`` (same type kind, same bits); else what differs."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{where}: expected a record, got {type(actual).__name__}"
        if list(expected) != list(actual):
            return f"{where}: fields {list(actual)} instead of {list(expected)}"
        for key in expected:
            diff = difference(expected[key], actual[key], f"{where}.{key}")
            if diff:
                return diff
        return None
    if isinstance(expected, np.ndarray):
        if not isinstance(actual, np.ndarray):
            return f"{where}: expected an array, got {type(actual).__name__}"
        if expected.shape != actual.shape:
            return f"{where}: shape {actual.shape} instead of {expected.shape}"
        if expected.dtype.kind != actual.dtype.kind:
            return f"{where}: dtype {actual.dtype} instead of {expected.dtype}"
        if expected.dtype.kind == "f":
            a = np.ascontiguousarray(expected, dtype=np.float64).view(np.uint64)
            b = np.ascontiguousarray(actual, dtype=np.float64).view(np.uint64)
        else:
            a, b = expected, actual
        bad = np.flatnonzero(a.ravel() != b.ravel())
        if bad.size:
            i = int(bad[0])
            e, g = expected.ravel()[i], actual.ravel()[i]
            return (f"{where}: {bad.size} of {a.size} elements differ, first at [{i}]: "
                    f"{g!r} instead of {e!r}")
        return None
    if isinstance(expected, bool) or isinstance(actual, bool):
        if type(expected) is not type(actual) or expected != actual:
            return f"{where}: {actual!r} instead of {expected!r}"
        return None
    if isinstance(expected, float):
        if not isinstance(actual, float) or _float_bits(expected) != _float_bits(actual):
            return f"{where}: {actual!r} instead of {expected!r}"
        return None
    if isinstance(expected, int):
        if not isinstance(actual, int) or expected != actual:
            return f"{where}: {actual!r} instead of {expected!r}"
        return None
    if expected != actual:
        return f"{where}: {actual!r} instead of {expected!r}"
    return None


def parse_summary(line: str, expected: dict[str, Any]) -> dict[str, Any]:
    """Parse a peer's ``result k=v ...`` line, reading each value as the type of the expected one."""
    values: dict[str, Any] = {}
    for item in line.split()[1:]:
        key, _, text = item.partition("=")
        kind = type(expected.get(key, 0.0))
        try:
            values[key] = int(text) if kind is int else float(text)
        except ValueError:       # keep the text: the comparison then reports it as a mismatch
            values[key] = text
    return values
