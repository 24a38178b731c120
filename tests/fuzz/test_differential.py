"""Differential test: random well-typed programs give the same result in mvm and in plain Python.

Input: programs from ``mvmfuzz_gen.programs()``, each rendered as mvm source and as a Python program that
follows spec/language.md (through ``mvmfuzz_rt``). Output: pass, or a failure that prints both programs,
the disassembly and both results. Results are compared exactly: ints and bools by value and Python type,
floats bit for bit (any nan equals any nan), arrays by dtype, shape and bits, records field by field in
declared order; printed output line for line. Where the oracle raises ``ExpectedRuntimeError`` mvm must
raise ``MVMRuntimeError``. Each program runs once normally and once with a tiny heap (many garbage
collections; stopping at the heap limit is then allowed), and some helper functions are also called
from the host with ``Model.call``.

``MVM_FUZZ_EXAMPLES`` sets the example count of the slow variant (default 3000).
"""

from __future__ import annotations

import io
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, reject, settings

import mvm
import mvmfuzz_rt as rt
from mvmfuzz_gen import GenProgram, programs

_SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                                       HealthCheck.filter_too_much])


# far above what any program the oracle accepts needs; a hang in mvm becomes LimitExceeded
_LIMITS = mvm.Limits(fuel=50_000_000, wall_time=60.0)
# a heap so small that programs which allocate in loops make the VM collect garbage many times
_SMALL_HEAP = mvm.Limits(fuel=50_000_000, wall_time=60.0, heap_bytes=256)


# ---- the oracle ----------------------------------------------------------------------------------

def run_oracle(prog: GenProgram, fname: str = "main", args=(), seed: int | None = None):
    """("ok", value, printed) or ("error", message, printed) from the Python rendering of ``fname(args)``;
    rejects programs that run too long."""
    ns: dict = {}
    exec(compile(prog.python, "<oracle>", "exec"), ns)
    rt._reset(prog.seed if seed is None else seed)
    try:
        return "ok", ns[f"f_{fname}"](*args), rt.printed()
    except rt.ExpectedRuntimeError as err:
        return "error", str(err), rt.printed()
    except rt.TooExpensive:
        reject()


def oracle_arg(t: str, v):
    """A host argument as the oracle holds it (arrays become ``Arr``)."""
    if not t.endswith("]"):
        return v
    kind = "int" if t.startswith("int") else "float"
    if t.endswith("[,]"):
        rows, cols, flat = v
        return rt.Arr(kind, rows, cols, list(flat))
    return rt.Arr(kind, len(v), None, list(v))


def host_arg(t: str, v):
    """A host argument as ``Model.call`` takes it (arrays as numpy arrays)."""
    if not t.endswith("]"):
        return v
    dtype = np.int64 if t.startswith("int") else np.float64
    if t.endswith("[,]"):
        rows, cols, flat = v
        return np.array(flat, dtype=dtype).reshape(rows, cols)
    return np.array(v, dtype=dtype)


# ---- comparison ----------------------------------------------------------------------------------

_ERROR_KINDS = [("integer division by zero", "div0"), ("integer modulo by zero", "mod0"),
                ("negative exponent", "negexp"), ("out of bounds", "bounds"), ("negative array size", "negsize"),
                ("cannot convert", "f2i"), ("for loop step is zero", "step0"), ("randint", "randint"),
                ("assertion failed", "assert")]


def error_kind(message: str) -> str:
    """The runtime error a message reports (spec §11), so that the oracle's and mvm's can be compared."""
    for key, kind in _ERROR_KINDS:
        if key in message:
            return kind
    return f"other: {message}"


def _float_same(a: float, b: float) -> bool:
    if a != a and b != b:
        return True
    return np.float64(a).view(np.int64) == np.float64(b).view(np.int64)


def mismatch(expected, got) -> str | None:
    """Why ``got`` (from mvm) differs from ``expected`` (from the oracle), or None when they agree."""
    if expected is None:
        return None if got is None else f"expected None, got {got!r}"
    if isinstance(expected, rt.Record):
        if not isinstance(got, dict):
            return f"expected a dict, got {type(got).__name__}"
        if list(got) != list(expected):
            return f"record fields {list(got)} != {list(expected)}"
        for key, value in expected.items():
            why = mismatch(value, got[key])
            if why:
                return f"field {key}: {why}"
        return None
    if isinstance(expected, rt.Arr):
        want = expected.to_numpy()
        if not isinstance(got, np.ndarray):
            return f"expected an ndarray, got {type(got).__name__}"
        if got.dtype != want.dtype or got.shape != want.shape:
            return f"array {got.dtype}{got.shape} != {want.dtype}{want.shape}"
        if want.dtype == np.float64:
            nan_both = np.isnan(want) & np.isnan(got)
            same = (want.view(np.int64) == got.view(np.int64)) | nan_both
        else:
            same = want == got
        if not same.all():
            k = int(np.flatnonzero(~same.ravel())[0])
            return f"element {k}: {got.ravel()[k]!r} != {want.ravel()[k]!r}"
        return None
    if isinstance(expected, bool):
        if not isinstance(got, bool):
            return f"expected a Python bool, got {type(got).__name__} {got!r}"
        return None if got == expected else f"{got!r} != {expected!r}"
    if isinstance(expected, int):
        if not isinstance(got, int) or isinstance(got, bool):
            return f"expected a Python int, got {type(got).__name__} {got!r}"
        return None if got == expected else f"{got!r} != {expected!r}"
    if isinstance(expected, float):
        if not isinstance(got, float):
            return f"expected a Python float, got {type(got).__name__} {got!r}"
        return None if _float_same(expected, got) else f"{got!r} ({got.hex()}) != {expected!r} ({expected.hex()})"
    return f"oracle produced an unexpected {type(expected).__name__}"


def _show(value):
    if isinstance(value, rt.Record):
        return {k: _show(v) for k, v in value.items()}
    if isinstance(value, rt.Arr):
        return value.to_numpy()
    return value


def report(prog: GenProgram, model, why: str, expected, got) -> str:
    """Everything needed to reproduce a disagreement."""
    try:
        dis = model.disassemble() if model is not None else "(no model)"
    except Exception as err:                       # the disassembler is not what is under test here
        dis = f"(disassemble failed: {err!r})"
    return (f"mvm and the Python oracle disagree: {why}\n"
            f"expected: {expected!r}\ngot:      {got!r}\nseed={prog.seed} params={prog.params}\n"
            f"---- mvm source ----\n{prog.mvm}---- python oracle ----\n{prog.python}"
            f"---- disassembly ----\n{dis}")


def compare_run(prog: GenProgram, model, what: str, oracle, run, heap_may_run_out: bool = False) -> None:
    """Fail unless ``run()`` (mvm) gives the oracle's value or runtime error, and prints the same lines.
    With ``heap_may_run_out`` the run may instead stop at the heap limit (its output is then a prefix)."""
    kind, expected, printed = oracle
    out = io.StringIO()
    try:
        got = run(out)
    except mvm.MVMRuntimeError as err:
        if heap_may_run_out and isinstance(err, mvm.LimitExceeded) and err.limit == "heap_bytes":
            if not printed.startswith(out.getvalue()):
                pytest.fail(report(prog, model, f"{what}: output before the heap limit differs", printed,
                                   out.getvalue()))
            return
        if kind == "error" and type(err) is mvm.MVMRuntimeError:
            if error_kind(err.message) != error_kind(expected):
                pytest.fail(report(prog, model, f"{what}: a different runtime error", expected, err))
            got = err
        else:
            pytest.fail(report(prog, model, f"{what}: mvm raised {type(err).__name__}: {err}",
                               _show(expected) if kind == "ok" else f"runtime error: {expected}", err))
    else:
        if kind == "error":
            pytest.fail(report(prog, model, f"{what}: mvm returned a value where the oracle has a runtime error",
                               f"runtime error: {expected}", got))
        why = mismatch(expected, got)
        if why:
            pytest.fail(report(prog, model, f"{what}: {why}", _show(expected), got))
    if out.getvalue() != printed:
        pytest.fail(report(prog, model, f"{what}: printed output differs", printed, out.getvalue()))


def check_program(prog: GenProgram) -> None:
    """Run ``prog`` (``main`` and some host calls) in the oracle and in mvm; fail unless all agree exactly."""
    oracle = run_oracle(prog)
    try:
        model = mvm.compile_source(prog.mvm)
    except (mvm.MVMSyntaxError, mvm.MVMTypeError) as err:
        pytest.fail(f"compile error on a well-typed program:\n{err}\n---- mvm source ----\n{prog.mvm}")
    compare_run(prog, model, "main", oracle,
                lambda out: model.run(seed=prog.seed, limits=_LIMITS, stdout=out, **prog.params))
    if "new " in prog.mvm:
        compare_run(prog, model, "main with a 256-byte heap", oracle,
                    lambda out: model.run(seed=prog.seed, limits=_SMALL_HEAP, stdout=out, **prog.params),
                    heap_may_run_out=True)
    for fname, args in prog.calls:
        oracle = run_oracle(prog, fname, [oracle_arg(t, v) for t, v in args], seed=0)
        compare_run(prog, model, f"Model.call({fname!r}, {[v for _, v in args]!r})", oracle,
                    lambda out: model.call(fname, *[host_arg(t, v) for t, v in args], limits=_LIMITS,
                                           stdout=out, params=prog.params))


# ---- tests ---------------------------------------------------------------------------------------

@settings(max_examples=200, **_SETTINGS)
@given(programs())
def test_random_programs_agree_with_python(prog):
    check_program(prog)


@pytest.mark.slow
@settings(max_examples=int(os.environ.get("MVM_FUZZ_EXAMPLES", "3000")), **_SETTINGS)
@given(programs(max_depth=4))
def test_random_programs_agree_with_python_many(prog):
    check_program(prog)


def test_oracle_rand_is_numpy_sfc64():
    """The oracle's stream is numpy's Generator(SFC64(seed)).random(), so the oracle is a fair judge."""
    for seed in (0, 1, 12345, 2**40 + 7):
        gen = np.random.Generator(np.random.SFC64(seed))
        rt._reset(seed)
        assert [rt._rand() for _ in range(50)] == [gen.random() for _ in range(50)]


def test_oracle_randint_is_in_range_and_uses_rejection():
    rt._reset(3)
    draws = [rt._randint(-3, 4) for _ in range(2000)]
    assert set(draws) == set(range(-3, 4))
    # the full int64 range: n = 2**64 - 1, so the threshold is 1 and nearly every draw is accepted
    rt._reset(0)
    x = rt._randint(-2**63, 2**63 - 1)
    assert -2**63 <= x < 2**63 - 1
