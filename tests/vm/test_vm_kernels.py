"""Numeric kernels against Python, numpy and pure-Python versions of the documented algorithms."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mvm.vm import kernels
from vmref import PySFC64, same, wrap

I64_MIN, I64_MAX = -(1 << 63), (1 << 63) - 1
int64s = st.integers(I64_MIN, I64_MAX)
floats = st.floats(allow_nan=True, allow_infinity=True)


SEEDS = [0, 1, 42, 12345, 2**40 + 7, 2**63 + 5]


@pytest.mark.parametrize("seed", SEEDS)
def test_rand_bit_exact_with_numpy(seed):
    s = kernels.sfc64_state(seed)
    ours = np.array([kernels.rand_f(s) for _ in range(2000)])
    theirs = np.random.Generator(np.random.SFC64(seed)).random(2000)
    assert ours.tobytes() == theirs.tobytes()


def test_raw_stream_matches_numpy_and_python():
    s = kernels.sfc64_state(7)
    py = PySFC64(7)
    ref = np.random.SFC64(7).random_raw(500)
    for k in range(500):
        v = int(kernels.sfc64_next(s))
        assert v == int(ref[k]) == py.next()


@pytest.mark.parametrize("seed", SEEDS[:4])
def test_randn_matches_python(seed):
    s = kernels.sfc64_state(seed)
    py = PySFC64(seed)
    for _ in range(500):
        assert same(kernels.randn_f(s), py.randn())


@pytest.mark.parametrize("lo,hi", [(0, 1), (0, 10), (-5, 5), (0, 3), (I64_MIN, I64_MAX), (-1, I64_MAX),
                                   (I64_MIN, 0), (10**18, 10**18 + 3), (0, 2**62 + 1)])
def test_randint_matches_python(lo, hi):
    s = kernels.sfc64_state(99)
    py = PySFC64(99)
    for _ in range(300):
        v = int(kernels.randint_i(s, np.int64(lo), np.int64(hi)))
        assert v == py.randint(lo, hi)
        assert lo <= v < hi


def test_randint_rejects_below_threshold():
    # n = 2**63 + 1: threshold = (2**64 - n) % n = 2**63 - 1, so about half the draws are rejected
    lo, hi = I64_MIN, 1
    s = kernels.sfc64_state(3)
    py = PySFC64(3)
    out = [int(kernels.randint_i(s, np.int64(lo), np.int64(hi))) for _ in range(200)]
    assert out == [py.randint(lo, hi) for _ in range(200)]
    assert all(lo <= v < hi for v in out)
    assert int(s[3]) > 250  # the counter shows the rejected draws


def test_sfc64_state_is_numpys():
    assert kernels.sfc64_state(5).tolist() == np.random.SFC64(5).state["state"]["state"].tolist()
    ss = np.random.SeedSequence(5).spawn(3)[2]
    assert kernels.sfc64_state(ss).tolist() == np.random.SFC64(ss).state["state"]["state"].tolist()


# --- float floor division and modulo ----------------------------------------------------------------------------

@settings(max_examples=400, deadline=None)
@given(floats, floats.filter(lambda y: y != 0.0))
def test_float_floordiv_mod_match_python(x, y):
    try:
        q = x // y
    except (ZeroDivisionError, OverflowError):
        return
    assert same(kernels.floordiv_f(x, y), q), (x, y)
    assert same(kernels.mod_f(x, y), x % y), (x, y)


@pytest.mark.parametrize("x", [0.0, -0.0, 1.5, -1.5, math.inf, -math.inf, math.nan, 1e308])
def test_float_division_by_zero_follows_numpy(x):
    with np.errstate(all="ignore"):
        for zero in (0.0, -0.0):
            assert same(kernels.floordiv_f(x, zero), float(np.floor_divide(x, zero)))
            assert same(kernels.mod_f(x, zero), float(np.remainder(x, zero)))


@pytest.mark.parametrize("x,y", [(7.0, 2.0), (-7.0, 2.0), (7.0, -2.0), (-7.0, -2.0), (0.0, -3.0), (-0.0, 3.0),
                                 (1e300, 1e-300), (5.0, math.inf), (-5.0, math.inf), (math.inf, 2.0),
                                 (0.1, 0.01), (-1e-320, 3.0)])
def test_float_floordiv_mod_edge_cases(x, y):
    assert same(kernels.floordiv_f(x, y), x // y)
    assert same(kernels.mod_f(x, y), x % y)


# --- int floor division, modulo, power --------------------------------------------------------------------------

@settings(max_examples=400, deadline=None)
@given(int64s, int64s.filter(lambda b: b != 0))
def test_int_floordiv_mod_match_python(a, b):
    assert int(kernels.floordiv_i(np.int64(a), np.int64(b))) == wrap(a // b)
    assert int(kernels.mod_i(np.int64(a), np.int64(b))) == wrap(a % b)


def test_int64_min_div_minus_one_wraps_without_trap():
    assert int(kernels.floordiv_i(np.int64(I64_MIN), np.int64(-1))) == I64_MIN
    assert int(kernels.mod_i(np.int64(I64_MIN), np.int64(-1))) == 0
    assert int(kernels.floordiv_i(np.int64(7), np.int64(-1))) == -7


@settings(max_examples=300, deadline=None)
@given(int64s, st.integers(0, 200))
def test_int_pow_wraps(a, e):
    assert int(kernels.pow_i(np.int64(a), np.int64(e))) == wrap(pow(a, e, 1 << 64))


def test_int_pow_small_cases():
    for a in range(-4, 5):
        for e in range(0, 8):
            assert int(kernels.pow_i(np.int64(a), np.int64(e))) == a ** e


# --- float to int, math functions -------------------------------------------------------------------------------

@pytest.mark.parametrize("x,ok", [(0.0, True), (-1.5, True), (9.2e18, True), (-9.223372036854775808e18, True),
                                  (9.223372036854775808e18, False), (1e19, False), (-1e19, False),
                                  (math.nan, False), (math.inf, False), (-math.inf, False)])
def test_f2i_ok(x, ok):
    assert bool(kernels.f2i_ok(x)) is ok


def _ieee(name, x):
    """Python's math function with IEEE results instead of exceptions (CONTEXT decision 3)."""
    if name in ("floor", "ceil"):
        return float(getattr(np, name)(x))
    f = math.fabs if name == "abs" else getattr(math, name)
    try:
        return f(x)
    except ValueError:
        if name in ("log", "log10") and x == 0.0:
            return -math.inf
        return math.nan
    except OverflowError:
        return math.copysign(math.inf, x) if name == "sinh" else math.inf


MATH_VALUES = [0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 2.5, -3.7, 100.0, 709.0, 709.782712893384, 709.8, 710.47,
               710.48, -710.48, 1e308, -1e308, 5e-324, math.inf, -math.inf, math.nan]


@pytest.mark.parametrize("fid,name", list(enumerate(kernels.MATH1_ORDER)))
def test_math1_matches_libm_with_ieee_results(fid, name):
    for x in MATH_VALUES:
        assert same(kernels.math1(fid, x), _ieee(name, x)), (name, x)
