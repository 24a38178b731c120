"""Runtime helpers for the Python oracle programs that the differential test generates.

Input: calls from generated Python code (``from mvmfuzz_rt import *``), one helper per mvm operation.
Output: values that follow spec/language.md exactly: int64 wrapping, floor division, IEEE floats with
numpy's zero-divisor rules, C libm math, the SFC64 random stream, bounds-checked arrays, and
``ExpectedRuntimeError`` wherever mvm raises a runtime error.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import math

import numpy as np

__all__ = [
    "ExpectedRuntimeError", "TooExpensive", "Arr", "Record",
    "_reset", "_tick", "_w", "_f",
    "_iadd", "_isub", "_imul", "_ifloordiv", "_imod", "_ipow", "_ineg", "_iabs", "_imin", "_imax",
    "_fdiv", "_ffloordiv", "_fmod", "_fpow", "_fmin", "_fmax", "_fabs", "_f2i", "_b2i", "_b2f",
    "_sqrt", "_exp", "_log", "_log10", "_sin", "_cos", "_tan", "_asin", "_acos", "_atan", "_atan2",
    "_sinh", "_cosh", "_tanh", "_floor", "_ceil",
    "_new1", "_new2", "_ld1", "_ld2", "_st1", "_st2", "_len", "_rows", "_cols", "_copy", "_fill", "_sum",
    "_rand", "_randn", "_randint", "_forrange", "_assert", "_print", "printed",
]

M64 = (1 << 64) - 1
INT64_MIN = -(1 << 63)


class ExpectedRuntimeError(Exception):
    """mvm must raise MVMRuntimeError here; the message is the spec's gist, for the failure report."""


class TooExpensive(Exception):
    """The generated program runs too long to be a useful example; the test rejects it."""


# ---- budget ---------------------------------------------------------------------------------------

_budget = [0]
BUDGET = 20_000
_OUT: list[str] = []


def _reset(seed: int) -> None:
    """Start a run: fresh step budget, no output yet, and the SFC64 stream of ``seed``."""
    _budget[0] = BUDGET
    _OUT.clear()
    _RNG.seed(seed)


def printed() -> str:
    """Everything the run has printed so far."""
    return "".join(_OUT)


def _tick() -> None:
    """Count one loop iteration or call against the budget."""
    _budget[0] -= 1
    if _budget[0] < 0:
        raise TooExpensive()


# ---- ints ----------------------------------------------------------------------------------------

def _w(x: int) -> int:
    """Wrap a Python int to int64 (two's complement)."""
    x &= M64
    return x - (1 << 64) if x >> 63 else x


def _iadd(a, b):
    return _w(a + b)


def _isub(a, b):
    return _w(a - b)


def _imul(a, b):
    return _w(a * b)


def _ineg(a):
    return _w(-a)


def _iabs(a):
    return _w(abs(a))


def _imin(a, b):
    return b if b < a else a


def _imax(a, b):
    return b if b > a else a


def _ifloordiv(a, b):
    if b == 0:
        raise ExpectedRuntimeError("integer division by zero")
    return _w(a // b)


def _imod(a, b):
    if b == 0:
        raise ExpectedRuntimeError("integer modulo by zero")
    return _w(a % b)


def _ipow(a, b):
    if b < 0:
        raise ExpectedRuntimeError("negative exponent in integer power")
    return _w(pow(a, b, 1 << 64))


# ---- floats --------------------------------------------------------------------------------------

_f = float


def _b2i(b):
    return 1 if b else 0


def _b2f(b):
    return 1.0 if b else 0.0


def _f2i(x):
    """``int(x)`` for a float: truncation; nan, inf and out-of-range values are runtime errors."""
    if math.isnan(x) or math.isinf(x):
        raise ExpectedRuntimeError(f"cannot convert {x!r} to int")
    t = math.trunc(x)
    if not (INT64_MIN <= t < (1 << 63)):
        raise ExpectedRuntimeError(f"cannot convert {x!r} to int")
    return t


_F64 = np.float64


def _np2(op, a, b):
    with np.errstate(all="ignore"):
        return float(op(_F64(a), _F64(b)))


def _fdiv(a, b):
    """IEEE division (inf/nan for a zero divisor)."""
    return _np2(np.true_divide, a, b)


def _ffloordiv(a, b):
    """Python's floor division, numpy's result for a zero divisor (spec §6.3)."""
    return _np2(np.floor_divide, a, b)


def _fmod(a, b):
    """Python's floor modulo, numpy's result (nan) for a zero divisor (spec §6.3)."""
    return _np2(np.remainder, a, b)


def _fmin(a, b):
    return b if b < a else a


def _fmax(a, b):
    return b if b > a else a


_libm = ctypes.CDLL(ctypes.util.find_library("m"))


def _c1(name):
    fn = getattr(_libm, name)
    fn.restype = ctypes.c_double
    fn.argtypes = (ctypes.c_double,)
    return fn


def _c2(name):
    fn = getattr(_libm, name)
    fn.restype = ctypes.c_double
    fn.argtypes = (ctypes.c_double, ctypes.c_double)
    return fn


_sqrt, _exp, _log, _log10 = _c1("sqrt"), _c1("exp"), _c1("log"), _c1("log10")
_sin, _cos, _tan = _c1("sin"), _c1("cos"), _c1("tan")
_asin, _acos, _atan = _c1("asin"), _c1("acos"), _c1("atan")
_sinh, _cosh, _tanh = _c1("sinh"), _c1("cosh"), _c1("tanh")
_floor, _ceil, _fabs = _c1("floor"), _c1("ceil"), _c1("fabs")
_atan2, _fpow = _c2("atan2"), _c2("pow")


# ---- arrays --------------------------------------------------------------------------------------

class Arr:
    """An mvm array: element kind ``"int"``/``"float"``, shape, row-major data (a shared reference)."""

    __slots__ = ("kind", "rows", "cols", "data")

    def __init__(self, kind, rows, cols, data):
        self.kind = kind
        self.rows = rows
        self.cols = cols          # None for a 1-D array
        self.data = data

    def to_numpy(self):
        """The value ``Model.run`` should return for this array."""
        dtype = np.int64 if self.kind == "int" else np.float64
        arr = np.array(self.data, dtype=dtype)
        return arr if self.cols is None else arr.reshape(self.rows, self.cols)


class Record(dict):
    """A record result (field name → value, declared order)."""


def _zero(kind):
    return 0 if kind == "int" else 0.0


def _new1(kind, n):
    if n < 0:
        raise ExpectedRuntimeError(f"negative array size {n}")
    return Arr(kind, n, None, [_zero(kind)] * n)


def _new2(kind, r, c):
    if r < 0 or c < 0:
        raise ExpectedRuntimeError(f"negative array size {r}, {c}")
    return Arr(kind, r, c, [_zero(kind)] * (r * c))


def _check1(a, i):
    if not 0 <= i < len(a.data):
        raise ExpectedRuntimeError(f"index {i} out of bounds for length {len(a.data)}")


def _check2(m, i, j):
    if not (0 <= i < m.rows and 0 <= j < m.cols):
        raise ExpectedRuntimeError(f"index ({i}, {j}) out of bounds for shape ({m.rows}, {m.cols})")


def _ld1(a, i):
    _check1(a, i)
    return a.data[i]


def _ld2(m, i, j):
    _check2(m, i, j)
    return m.data[i * m.cols + j]


def _st1(a, i, v):
    _check1(a, i)
    a.data[i] = v


def _st2(m, i, j, v):
    _check2(m, i, j)
    m.data[i * m.cols + j] = v


def _len(a):
    return a.rows


def _rows(a):
    return a.rows


def _cols(a):
    return 1 if a.cols is None else a.cols


def _copy(a):
    return Arr(a.kind, a.rows, a.cols, list(a.data))


def _fill(a, v):
    a.data[:] = [v] * len(a.data)


def _sum(a):
    if a.kind == "int":
        s = 0
        for x in a.data:
            s = _w(s + x)
        return s
    s = 0.0
    for x in a.data:
        s = s + x
    return s


# ---- control -------------------------------------------------------------------------------------

def _forrange(a, b, k):
    """The values of ``for i in a..b step k`` (evaluated once; step 0 is a runtime error)."""
    if k == 0:
        raise ExpectedRuntimeError("for loop step is zero")
    return range(a, b, k)


def _fmt(v) -> str:
    """One ``print`` argument as spec §9.5 formats it."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, str)):
        return str(v)
    if isinstance(v, float):
        return repr(v)
    if v.cols is None:
        return "[" + ", ".join(_fmt(x) for x in v.data) + "]"
    rows = [v.data[r * v.cols:(r + 1) * v.cols] for r in range(v.rows)]
    return "[" + ", ".join("[" + ", ".join(_fmt(x) for x in row) + "]" for row in rows) + "]"


def _print(*items):
    _OUT.append(" ".join(_fmt(v) for v in items) + "\n")


def _assert(c, msg=None):
    if not c:
        raise ExpectedRuntimeError("assertion failed" + (f": {msg}" if msg else ""))


# ---- randomness (spec §10) -----------------------------------------------------------------------

class _SFC64:
    """numpy's SFC64 bit generator, step by step in Python ints."""

    def __init__(self):
        self.s = [0, 0, 0, 0]

    def seed(self, seed):
        self.s = [int(x) for x in np.random.SFC64(seed).state["state"]["state"]]

    def next(self):
        a, b, c, counter = self.s
        tmp = (a + b + counter) & M64
        counter = (counter + 1) & M64
        a = b ^ (b >> 11)
        b = (c + (c << 3)) & M64
        c = ((((c << 24) | (c >> 40)) & M64) + tmp) & M64
        self.s = [a, b, c, counter]
        return tmp


_RNG = _SFC64()


def _rand():
    return (_RNG.next() >> 11) * (1.0 / 9007199254740992.0)


def _randn():
    u1 = _rand()
    u2 = _rand()
    return _sqrt(-2.0 * _log(1.0 - u1)) * _cos(2.0 * math.pi * u2)


def _randint(lo, hi):
    if hi <= lo:
        raise ExpectedRuntimeError(f"empty randint range [{lo}, {hi})")
    n = (hi - lo) & M64
    threshold = ((1 << 64) - n) % n
    while True:
        r = _RNG.next()
        if r >= threshold:
            return _w(lo + r % n)
