"""Hand-picked edge cases of spec/language.md that random programs reach only rarely.

Input: small models, each with the value (or runtime error) the spec gives. Output: pass when
``mvm.compile_source(src).run()`` gives exactly that value: ints and bools by value, floats bit for bit
(any nan equals any nan). These complement the differential test: each case names the rule it checks.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import mvm

INF, NAN = math.inf, math.nan
ERR = "runtime error"
MIN = -2**63


def _prog(ret: str, body: str, decls: str = "") -> str:
    return f"model edge\n{decls}\nfn main() -> {ret} {{\n    {body}\n}}\n"


CASES = [
    # int arithmetic: wrapping and floor semantics (§6.3)
    ("int min // -1 wraps", _prog("int", "let m = -9223372036854775807 - 1\n    return m // -1"), MIN),
    ("int min % -1", _prog("int", "let m = -9223372036854775807 - 1\n    return m % -1"), 0),
    ("7 // -2", _prog("int", "let a = 7\n    return a // -2"), -4),
    ("7 % -2", _prog("int", "let a = 7\n    return a % -2"), -1),
    ("-7 % 2", _prog("int", "let a = -7\n    return a % 2"), 1),
    ("int div by zero", _prog("int", "let z = 0\n    return 1 // z"), ERR),
    ("int mod by zero", _prog("int", "let z = 0\n    return 1 % z"), ERR),
    ("folded int div by zero is still a runtime error", _prog("int", "return 1 // 0"), ERR),
    ("unused trapping let still traps", _prog("int", "let x = 1 % 0\n    return 5"), ERR),
    ("int overflow wraps", _prog("int", "let a = 9223372036854775807\n    return a + 1"), MIN),
    ("int mul wraps", _prog("int", "let a = 3037000500\n    return a * a"), -9223372036709301616),
    ("int neg of min", _prog("int", "let m = -9223372036854775807 - 1\n    return -m"), MIN),
    ("abs of min wraps", _prog("int", "let m = -9223372036854775807 - 1\n    return abs(m)"), MIN),
    ("int pow wraps", _prog("int", "let b = 3\n    return b ** 41"), _w := (3**41 + 2**63) % 2**64 - 2**63),
    ("0 ** 0", _prog("int", "let z = 0\n    return z ** z"), 1),
    ("negative int exponent", _prog("int", "let b = 2\n    let e = -1\n    return b ** e"), ERR),
    ("literal negative int exponent", _prog("int", "return 2 ** -1"), ERR),
    # precedence (§6.1)
    ("-2 ** 2", _prog("int", "return -2 ** 2"), -4),
    ("2 ** 3 ** 2", _prog("int", "return 2 ** 3 ** 2"), 512),
    ("2 ** -1 float", _prog("float", "return 2.0 ** -1"), 0.5),
    ("not binds below ==", _prog("bool", "return not 1 == 2"), True),
    ("- binds above *", _prog("int", "let a = 3\n    return -a * 2 - -a"), -3),
    ("// and % left assoc", _prog("int", "return 100 // 7 % 3 * 2"), 4),
    # floats (§6.3)
    ("float / 0", _prog("float", "let z = 0.0\n    return 1.0 / z"), INF),
    ("0 / 0", _prog("float", "let z = 0.0\n    return z / z"), NAN),
    ("int / int is float", _prog("float", "let a = 7\n    return a / 2"), 3.5),
    ("float // 0", _prog("float", "let z = 0.0\n    return -5.0 // z"), -INF),
    ("float % 0", _prog("float", "let z = 0.0\n    return 5.0 % z"), NAN),
    ("float floor div", _prog("float", "let a = 7.5\n    return a // -2.0"), -4.0),
    ("float floor mod", _prog("float", "let a = 7.5\n    return a % -2.0"), -0.5),
    ("-1.0 % inf", _prog("float", "let z = 0.0\n    return -1.0 % (1.0 / z)"), INF),
    ("inf // 1.0", _prog("float", "let z = 0.0\n    return (1.0 / z) // 1.0"), NAN),
    ("-0.0 % 3.0", _prog("float", "let a = -0.0\n    return a % 3.0"), 0.0),
    ("0.0 % -3.0 keeps the divisor's sign", _prog("float", "let a = 0.0\n    return a % -3.0"), -0.0),
    ("neg of 0.0", _prog("float", "let a = 0.0\n    return -a"), -0.0),
    ("pow negative base fractional", _prog("float", "let a = -8.0\n    return a ** (1.0 / 3.0)"), NAN),
    ("0.0 ** -1.0", _prog("float", "let a = 0.0\n    return a ** -1.0"), INF),
    ("nan ** 0.0", _prog("float", "let z = 0.0\n    return (z / z) ** 0.0"), 1.0),
    ("pow overflow", _prog("float", "let a = 10.0\n    return a ** 400.0"), INF),
    ("folded pow overflow", _prog("float", "return 10.0 ** 400.0"), INF),
    ("folded pow domain", _prog("float", "return (-8.0) ** 0.5"), NAN),
    ("folded float // 0", _prog("float", "return 5.0 // 0.0"), INF),
    ("folded float % 0", _prog("float", "return 5.0 % 0.0"), NAN),
    # comparisons (§6.4)
    ("int vs float compares as float",
     _prog("bool", "let a = 9007199254740993\n    return a == 9007199254740992.0"), True),
    ("nan != nan", _prog("bool", "let z = 0.0\n    let n = z / z\n    return n != n"), True),
    ("nan < 1 is false", _prog("bool", "let z = 0.0\n    let n = z / z\n    return n < 1.0 or n >= 1.0"), False),
    ("-0.0 == 0.0", _prog("bool", "let a = -0.0\n    return a == 0.0"), True),
    ("bool ==", _prog("bool", "return (1 < 2) == (3 < 4)"), True),
    ("short-circuit and", _prog("bool", "let z = 0\n    return false and 1 // z == 0"), False),
    ("short-circuit or", _prog("bool", "let z = 0\n    return true or 1 // z == 0"), True),
    # conversions (§4.3)
    ("int() truncates", _prog("int", "let x = -2.7\n    return int(x)"), -2),
    ("int() of nan", _prog("int", "let z = 0.0\n    return int(z / z)"), ERR),
    ("int() of inf", _prog("int", "let z = 0.0\n    return int(1.0 / z)"), ERR),
    ("int() of 2**63", _prog("int", "let x = 9223372036854775808.0\n    return int(x)"), ERR),
    ("int() of -2**63", _prog("int", "let x = -9223372036854775808.0\n    return int(x)"), MIN),
    ("int(bool)", _prog("int", "return int(true) + int(false)"), 1),
    ("float(bool)", _prog("float", "return float(true)"), 1.0),
    ("widening rounds to nearest", _prog("float", "let a = 9007199254740993\n    let f: float = a\n    return f"),
     9007199254740992.0),
    # builtins (§9)
    ("sqrt(-1)", _prog("float", "return sqrt(-1.0)"), NAN),
    ("sqrt(-0.0)", _prog("float", "let a = -0.0\n    return sqrt(a)"), -0.0),
    ("log(0)", _prog("float", "let z = 0.0\n    return log(z)"), -INF),
    ("exp overflow", _prog("float", "let a = 1000.0\n    return exp(a)"), INF),
    ("asin(2)", _prog("float", "let a = 2.0\n    return asin(a)"), NAN),
    ("floor is float", _prog("float", "let a = -2.5\n    return floor(a)"), -3.0),
    ("ceil(-0.5) is -0.0", _prog("float", "let a = -0.5\n    return ceil(a)"), -0.0),
    ("abs(-0.0)", _prog("float", "let a = -0.0\n    return abs(a)"), 0.0),
    ("min(0.0, -0.0)", _prog("float", "let a = -0.0\n    return min(0.0, a)"), 0.0),
    ("max(nan, 1.0) is nan", _prog("float", "let z = 0.0\n    return max(z / z, 1.0)"), NAN),
    ("max(1.0, nan) is 1.0", _prog("float", "let z = 0.0\n    return max(1.0, z / z)"), 1.0),
    ("min of int and float", _prog("float", "let a = 3\n    return min(a, 2.5)"), 2.5),
    ("pow is float", _prog("float", "return pow(2, 10)"), 1024.0),
    ("atan2", _prog("float", "let a = -0.0\n    return atan2(a, -1.0)"), -math.pi),
    # arrays (§6.7, §9.3)
    ("zero-filled", _prog("float", "let a = new float[3]\n    return a[2]"), 0.0),
    ("index out of bounds", _prog("int", "let a = new int[3]\n    return a[3]"), ERR),
    ("negative index", _prog("int", "let a = new int[3]\n    let i = -1\n    return a[i]"), ERR),
    ("2-D column out of bounds", _prog("int", "let m = new int[2, 3]\n    return m[0, 3]"), ERR),
    ("2-D row out of bounds", _prog("int", "let m = new int[2, 3]\n    return m[2, 0]"), ERR),
    ("negative size", _prog("int", "let n = -1\n    let a = new int[n]\n    return 0"), ERR),
    ("size zero", _prog("int", "let a = new float[0]\n    return len(a)"), 0),
    ("len of 2-D is rows", _prog("int", "let m = new int[2, 5]\n    return len(m) * 10 + cols(m)"), 25),
    ("rows/cols of 1-D", _prog("int", "let a = new int[4]\n    return rows(a) * 10 + cols(a)"), 41),
    ("aliasing", _prog("int", "let a = new int[2]\n    let b = a\n    b[1] = 7\n    return a[1]"), 7),
    ("copy is new", _prog("int", "let a = new int[2]\n    let b = copy(a)\n    b[1] = 7\n    return a[1]"), 0),
    ("fill widens", _prog("float", "let a = new float[2]\n    fill(a, 3)\n    return a[1]"), 3.0),
    ("sum of ints wraps", _prog("int", "let a = new int[2]\n    fill(a, 9223372036854775807)\n    return sum(a)"), -2),
    ("sum is sequential", _prog("float", "let a = new float[3]\n    a[0] = 1e16\n    a[1] = 1.0\n"
                                         "    a[2] = 1.0\n    return sum(a)"), 1e16),
    ("sum of empty", _prog("float", "let a = new float[0]\n    return sum(a)"), 0.0),
    ("sum of [-0.0]", _prog("float", "let a = new float[1]\n    a[0] = -0.0\n    return sum(a)"), 0.0),
    ("array by reference", _prog("int", "let a = new int[1]\n    set(a)\n    return a[0]",
                                 "fn set(a: int[]) { a[0] = 5 }"), 5),
    ("compound store", _prog("float", "let m = new float[2, 2]\n    m[1, 1] += 2\n    m[1, 1] *= 3.0\n"
                                      "    return m[1, 1]"), 6.0),
    # loops (§5)
    ("for counts down", _prog("int", "let s = 0\n    for i in 10..0 step -2 { s = s * 100 + i }\n    return s"),
     1008060402),
    ("for half-open", _prog("int", "let s = 0\n    for i in 0..5 { s += 1 }\n    return s"), 5),
    ("for empty", _prog("int", "let s = 0\n    for i in 3..3 { s += 1 }\n    return s"), 0),
    ("for wrong direction", _prog("int", "let s = 0\n    for i in 0..5 step -1 { s += 1 }\n    return s"), 0),
    ("for bounds evaluated once", _prog("int", "let n = 3\n    let s = 0\n    for i in 0..n { n += 1; s += 1 }\n"
                                               "    return s"), 3),
    ("for step zero", _prog("int", "let k = 0\n    for i in 0..3 step k { }\n    return 1"), ERR),
    ("for literal step zero traps before the body", _prog("int", "for i in 0..3 step 0 { return 7 }\n    return 1"),
     ERR),
    ("for constant step zero", _prog("int", "for i in 0..3 step Z { return 7 }\n    return 1", "const Z = 0"), ERR),
    ("for near int max does not wrap", _prog("int", "let s = 0\n"
                                                    "    for i in 9223372036854775806..9223372036854775807 step 2 {"
                                                    " s += 1 }\n    return s"), 1),
    ("for near int min does not wrap", _prog("int", "let s = 0\n"
                                                    "    for i in -9223372036854775807..-9223372036854775807 - 1 "
                                                    "step -5 { s += 1 }\n    return s"), 1),
    ("continue in for", _prog("int", "let s = 0\n    for i in 0..6 {\n        if i % 2 == 0 { continue }\n"
                                     "        s += i\n    }\n    return s"), 9),
    ("break in while", _prog("int", "let s = 0\n    while true {\n        s += 1\n        if s == 4 { break }\n"
                                    "    }\n    return s"), 4),
    ("shadowing in a block", _prog("int", "let x = 1\n    if true {\n        let x = 2\n        x += 1\n    }\n"
                                          "    return x"), 1),
    ("let reads the outer name", _prog("int", "let x = 1\n    if true {\n        let x = x + 10\n"
                                              "        return x\n    }\n    return 0"), 11),
    ("assert", _prog("int", 'assert 1 > 2, "no"\n    return 0'), ERR),
    # randomness (§10)
    ("rand seed 0", _prog("float", "return rand()"), 0.5686892493917326),
    ("rand order is left to right", _prog("float", "return rand() - 2.0 * rand()"),
     0.5686892493917326 - 2.0 * 0.23483041728695253),
    ("unused rand still draws", _prog("float", "let x = rand()\n    return rand()"), 0.23483041728695253),
    ("randint empty range", _prog("int", "return randint(3, 3)"), ERR),
    # constants (§2.4)
    ("const in any order", _prog("int", "return A", "const A = B * 2\nconst B = 21"), 42),
    ("const float ops fold like run time", _prog("float", "return A", "const A = -7.5 // 2.0 + 5.0 % -3.0"), -5.0),
    ("const int wraps", _prog("int", "return A", "const A = 9223372036854775807 + 1"), MIN),
    ("const int pow wraps", _prog("int", "return A", "const A = 2 ** 64 + 2 ** 63"), MIN),
]


def _same(expected, got) -> bool:
    if isinstance(expected, bool):
        return isinstance(got, bool) and got == expected
    if isinstance(expected, int):
        return isinstance(got, int) and not isinstance(got, bool) and got == expected
    if isinstance(expected, float):
        if not isinstance(got, float):
            return False
        if math.isnan(expected):
            return math.isnan(got)
        return np.float64(expected).view(np.int64) == np.float64(got).view(np.int64)
    return False


@pytest.mark.parametrize("name, src, expected", CASES, ids=[c[0] for c in CASES])
def test_edge(name, src, expected):
    model = mvm.compile_source(src)
    if expected == ERR:
        with pytest.raises(mvm.MVMRuntimeError) as info:
            model.run(limits=mvm.Limits(fuel=10**6))
        assert type(info.value) is mvm.MVMRuntimeError, f"{name}: {info.value}"
        return
    got = model.run(limits=mvm.Limits(fuel=10**6))
    assert _same(expected, got), f"{name}: got {got!r}, expected {expected!r}\n{src}\n{model.disassemble()}"


def test_randint_matches_the_documented_algorithm():
    """``randint`` draws by rejection from the SFC64 stream (spec §10)."""
    import mvmfuzz_rt as rt
    src = _prog("int[]", "let a = new int[50]\n    for i in 0..50 { a[i] = randint(-5, 1000000007) }\n    return a")
    got = mvm.compile_source(src).run(seed=99)
    rt._reset(99)
    assert got.tolist() == [rt._randint(-5, 1000000007) for _ in range(50)]


def test_randn_matches_the_documented_algorithm():
    import mvmfuzz_rt as rt
    src = _prog("float[]", "let a = new float[20]\n    for i in 0..20 { a[i] = randn() }\n    return a")
    got = mvm.compile_source(src).run(seed=5)
    rt._reset(5)
    want = np.array([rt._randn() for _ in range(20)])
    assert (got.view(np.int64) == want.view(np.int64)).all()
