"""Arithmetic with the language's semantics, in plain Python, for compile-time folding and oracles.

Input: Python ints and floats. Output: what the VM computes for the same operation, bit for bit:
int64 wrap-around, Python floor semantics for ``//`` and ``%``, IEEE 754 (numpy) results for float
division by zero, C ``pow``. The VM's own kernels (``mvm/vm/kernels.py``) implement the same rules in
Numba; a test compares the two.
"""

from __future__ import annotations

import math


def wrap(v: int) -> int:
    """Reduce a Python int to int64 two's complement."""
    return (v + 2**63) % 2**64 - 2**63


def ieee_div(a: float, b: float) -> float:
    """``a / b`` as IEEE 754 defines it (Python raises on a zero divisor; the VM does not)."""
    if b != 0:
        return a / b
    if a != a or a == 0:
        return math.nan
    return math.copysign(math.inf, a) * math.copysign(1.0, b)


def float_mod(a: float, b: float) -> float:
    """``a % b`` with Python's sign rule; a zero divisor gives nan (numpy), never an exception."""
    if b == 0 or math.isinf(a) or a != a or b != b:
        return math.nan
    return _divmod(a, b)[1]


def float_floordiv(a: float, b: float) -> float:
    """``a // b`` rounded as Python does; a zero divisor gives ``a / 0`` (inf or nan), as numpy does."""
    if b == 0:
        return ieee_div(a, b)
    if a != a or b != b or math.isinf(a):
        return math.nan
    return _divmod(a, b)[0]


def _divmod(vx: float, wx: float) -> tuple[float, float]:
    # CPython's float_divmod (Objects/floatobject.c), restated
    mod = math.fmod(vx, wx)
    div = (vx - mod) / wx
    if mod:
        if (wx < 0) != (mod < 0):
            mod += wx
            div -= 1.0
    else:
        mod = math.copysign(0.0, wx)
    if div:
        floordiv = float(math.floor(div)) if math.isfinite(div) else div
        if div - floordiv > 0.5:
            floordiv += 1.0
    else:
        floordiv = math.copysign(0.0, vx / wx)
    return floordiv, mod


def c_pow(a: float, b: float) -> float:
    """C ``pow``: nan for a negative base with a fractional exponent, ±inf on overflow, no exceptions."""
    try:
        return math.pow(a, b)
    except ValueError:
        if a == 0:                   # pow(±0, negative): ±inf, the sign kept only for an odd integer exponent
            odd = b == int(b) and int(b) % 2 == 1
            return math.copysign(math.inf, a) if odd else math.inf
        return math.nan
    except OverflowError:
        odd = b == int(b) and int(b) % 2 == 1
        return -math.inf if a < 0 and odd else math.inf
