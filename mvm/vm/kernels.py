"""Numeric kernels of the interpreter: the RNG, Python-exact division, integer power, math functions.

Input: scalars (and the RNG state, a uint64 array ``[a, b, c, counter]`` advanced in place).
Output: scalars with the exact semantics CONTEXT.md fixes (decisions 2-6, 10). Each kernel is an ``@njit``
function that also runs as plain Python (``NUMBA_DISABLE_JIT=1``, with numpy scalars), giving the same bits.

This file is self-contained on purpose: ``mvm.vm.interp`` copies its text into the generated interpreter
source, so the compiled loop (and Numba's cache of it) depends on nothing outside that one file.
"""

import math

import numba
import numpy as np

_JIT = dict(cache=True, nogil=True, error_model="numpy")

# uint64 constants: numba types uint64 combined with an int64 literal as float64, so never mix them
_U0 = np.uint64(0)
_U1 = np.uint64(1)
_U3 = np.uint64(3)
_U11 = np.uint64(11)
_U24 = np.uint64(24)
_U40 = np.uint64(40)
_TWO_M53 = 1.0 / 9007199254740992.0

# largest doubles whose exp, sinh and cosh are finite (libm's results beyond them are inf); plain Python's
# math functions raise instead of returning inf, so the kernels test these bounds first
_EXP_MAX = 709.782712893384
_SINH_MAX = 710.4758600739439
_INF = math.inf
_NAN = math.nan

# int64 range as floats: x converts to int64 iff -2**63 <= x < 2**63 (nan fails both tests)
_I64_LO = -9223372036854775808.0
_I64_HI = 9223372036854775808.0

# the order of MATH_F ids; a test checks it equals mvm.bytecode.opcodes.MATH1
MATH1_ORDER = ("sqrt", "exp", "log", "log10", "sin", "cos", "tan", "asin", "acos", "atan",
               "sinh", "cosh", "tanh", "abs", "floor", "ceil")


def sfc64_state(seed) -> np.ndarray:
    """Initial SFC64 state ``[a, b, c, counter]`` (uint64) for ``seed``, exactly as numpy seeds it."""
    return np.array(np.random.SFC64(seed).state["state"]["state"], dtype=np.uint64)


@numba.njit(**_JIT)
def sfc64_next(s):
    """Advance the SFC64 state ``s`` (numpy's step) and return the next uint64."""
    a = s[0]
    b = s[1]
    c = s[2]
    n = s[3]
    tmp = a + b + n
    s[3] = n + _U1
    s[0] = b ^ (b >> _U11)
    s[1] = c + (c << _U3)
    s[2] = ((c << _U24) | (c >> _U40)) + tmp
    return tmp


@numba.njit(**_JIT)
def rand_f(s):
    """Uniform float in [0, 1): numpy ``Generator(SFC64).random()``, ``(next >> 11) * 2**-53``."""
    return np.float64(sfc64_next(s) >> _U11) * _TWO_M53


@numba.njit(**_JIT)
def randn_f(s):
    """Standard normal by Box-Muller from two ``rand_f`` draws (CONTEXT decision 10)."""
    u1 = rand_f(s)
    u2 = rand_f(s)
    return math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(2.0 * math.pi * u2)


@numba.njit(**_JIT)
def randint_i(s, lo, hi):
    """Uniform int in [lo, hi) by rejection over uint64 draws; the caller checks ``hi > lo``."""
    n = np.uint64(hi - lo)
    threshold = (_U0 - n) % n
    r = sfc64_next(s)
    while r < threshold:
        r = sfc64_next(s)
    return lo + np.int64(r % n)


@numba.njit(**_JIT)
def floordiv_f(x, y):
    """Python's float ``x // y`` (CPython's float_divmod); ``y == 0`` gives numpy's ``x / y`` (inf or nan)."""
    if y == 0.0:
        return np.float64(x) / np.float64(y)  # numpy scalars: plain Python floats would raise here
    mod = np.fmod(x, y)
    div = (x - mod) / y
    if mod != 0.0:
        if (y < 0.0) != (mod < 0.0):
            div -= 1.0
    if div != 0.0:
        floordiv = np.floor(div)
        if div - floordiv > 0.5:
            floordiv += 1.0
        return floordiv
    return math.copysign(0.0, x / y)


@numba.njit(**_JIT)
def mod_f(x, y):
    """Python's float ``x % y`` (sign of ``y``); ``y == 0`` gives numpy's ``fmod(x, 0)`` (nan)."""
    mod = np.fmod(x, y)
    if y == 0.0:
        return mod
    if mod != 0.0:
        if (y < 0.0) != (mod < 0.0):
            mod += y
    else:
        mod = math.copysign(0.0, y)
    return mod


@numba.njit(**_JIT)
def floordiv_i(a, b):
    """Python's int ``a // b`` wrapped to int64; ``b != 0`` (checked by the caller).

    ``INT64_MIN // -1`` overflows and is a hardware trap in C, so -1 is negated instead (wrapping)."""
    if b == -1:
        return -a
    return a // b


@numba.njit(**_JIT)
def mod_i(a, b):
    """Python's int ``a % b`` (sign of ``b``); ``b != 0`` (checked by the caller)."""
    if b == -1:
        return a - a  # 0 of a's type; a % -1 would trap for INT64_MIN in C
    return a % b


@numba.njit(**_JIT)
def pow_i(a, e):
    """``a ** e`` by repeated squaring, wrapping mod 2**64; ``e >= 0`` (checked by the caller)."""
    r = a - a + 1
    base = a
    while e > 0:
        if e & 1:
            r = r * base
        e >>= 1
        if e > 0:
            base = base * base
    return r


@numba.njit(**_JIT)
def sat_sub_i(a, b):
    """``a - b`` clamped to the int64 range, computed without ever overflowing (LLVM may assume it doesn't)."""
    if b > 0:
        lo = np.int64(-9223372036854775807 - 1) + b
        return np.int64(-9223372036854775807 - 1) if a < lo else a - b
    if b < 0:
        hi = np.int64(9223372036854775807) + b
        return np.int64(9223372036854775807) if a > hi else a - b
    return a


@numba.njit(**_JIT)
def f2i_ok(x):
    """Whether ``int(x)`` is defined: not nan, not inf, within int64."""
    return x >= _I64_LO and x < _I64_HI


@numba.njit(**_JIT)
def math1(fid, x):
    """``MATH1[fid](x)`` with IEEE results (nan outside the domain, inf on overflow), never an error."""
    if fid == 0:  # sqrt
        if x < 0.0:
            return _NAN
        return math.sqrt(x)
    elif fid == 1:  # exp
        if x > _EXP_MAX:
            return _INF
        return math.exp(x)
    elif fid == 2:  # log
        if x < 0.0:
            return _NAN
        if x == 0.0:
            return -_INF
        return math.log(x)
    elif fid == 3:  # log10
        if x < 0.0:
            return _NAN
        if x == 0.0:
            return -_INF
        return math.log10(x)
    elif fid == 4:  # sin
        if math.isinf(x):
            return _NAN
        return math.sin(x)
    elif fid == 5:  # cos
        if math.isinf(x):
            return _NAN
        return math.cos(x)
    elif fid == 6:  # tan
        if math.isinf(x):
            return _NAN
        return math.tan(x)
    elif fid == 7:  # asin
        if x < -1.0 or x > 1.0:
            return _NAN
        return math.asin(x)
    elif fid == 8:  # acos
        if x < -1.0 or x > 1.0:
            return _NAN
        return math.acos(x)
    elif fid == 9:  # atan
        return math.atan(x)
    elif fid == 10:  # sinh
        if x > _SINH_MAX:
            return _INF
        if x < -_SINH_MAX:
            return -_INF
        return math.sinh(x)
    elif fid == 11:  # cosh
        if x > _SINH_MAX or x < -_SINH_MAX:
            return _INF
        return math.cosh(x)
    elif fid == 12:  # tanh
        return math.tanh(x)
    elif fid == 13:  # abs
        return math.fabs(x)
    elif fid == 14:  # floor
        return np.floor(x)
    elif fid == 15:  # ceil
        return np.ceil(x)
    return _NAN
