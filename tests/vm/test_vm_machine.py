"""The Machine over the compiled loop: every status, every trap, pausing, breakpoints, limits, results."""

import io
import math
import threading
import time

import numpy as np
import pytest
from vmasm import Fn, ParamInfo, PrintItem, RecordField, assemble, fib_program
from vmprograms import SOURCE, loop_program, mixed_expected, mixed_program, spin_program
from vmref import PySFC64, same

from mvm.errors import Cancelled, LimitExceeded, MVMRuntimeError, ParameterError
from mvm.vm import Limits, Machine, format_value, interp
from mvm.vm import layout as L


def finished(program, fname=None, args=(), **kw):
    """A machine that ran ``fname(*args)`` (the program's entry when None) to its end."""
    m = Machine(program, stdout=io.StringIO(), **kw)
    if fname is not None:
        m.start(fname, args)
    assert m.run() == "halted"
    return m


def run(program, fname=None, args=(), **kw):
    return finished(program, fname, args, **kw).result()


def trap(code, frame_i=8, frame_f=8, limits=None, **kw):
    """Run a one-function program expected to fail; return the exception."""
    p = assemble([Fn("main", code, ret="int", frame_i=frame_i, frame_f=frame_f)], source=SOURCE, **kw)
    m = Machine(p, limits=limits)
    with pytest.raises(MVMRuntimeError) as info:
        m.run()
    assert m.state == "failed"
    with pytest.raises(type(info.value)):  # a failed machine keeps failing with the same error
        m.run()
    return info.value


# --- halting and results ---------------------------------------------------------------------------------------

def test_fib():
    m = Machine(fib_program(20))
    assert m.run() == "halted"
    assert m.result() == 6765
    assert m.instructions > 6765
    assert m.run() == "halted"  # running a halted machine is a no-op


@pytest.mark.parametrize("seed", [0, 1, 2024])
def test_mixed_program_result_and_prints(seed):
    out = io.StringIO()
    m = Machine(mixed_program(), seed=seed, stdout=out)
    assert m.run() == "halted"
    got = m.result()
    want, lines = mixed_expected(seed)
    assert list(got) == ["s", "k", "arr", "z"]
    assert same(got["s"], want["s"]) and got["k"] == want["k"] and same(got["z"], want["z"])
    assert got["arr"].tobytes() == want["arr"].tobytes()
    assert out.getvalue().splitlines() == lines
    assert isinstance(got["k"], int) and isinstance(got["s"], float)


def test_result_types_and_owned_arrays():
    p = assemble([
        Fn("b", [("LOADI", 0, 1), ("RET_I", 0)], ret="bool", frame_i=1, frame_f=0),
        Fn("m", [("LOADI", 1, 2), ("LOADI", 2, 3), ("NEW2_I", 0, 1, 2), ("LOADI", 3, 1), ("LOADI", 4, 2),
                 ("IDX2", 3, 0, 4), ("LOADI", 5, 42), ("ASTORE_I", 0, 3, 5), ("RET_I", 0)],
           ret="int[,]", frame_i=6, frame_f=0),
        Fn("none", [("RET",)], frame_i=0, frame_f=0),
        Fn("f", [("LOADK_F", 0, 0), ("RET_F", 0)], ret="float", frame_i=0, frame_f=1),
    ], kf=[2.5])
    assert run(p, "b") is True
    m = finished(p, "m")
    r = m.result()
    assert r.shape == (2, 3) and r.dtype == np.int64 and r[1, 2] == 42 and r.sum() == 42
    assert r.flags.owndata or r.base is not None and r.base.flags.owndata
    r[0, 0] = 7
    assert m.result()[0, 0] == 0  # a copy, not a view of the heap
    assert run(p, "none") is None
    f = run(p, "f")
    assert f == 2.5 and type(f) is float


def test_start_with_arguments_and_arrays():
    # s(a: float[], k: int, w: float, flag: bool) -> float: sum(a) * w + k (+100 if flag)
    p = assemble([Fn("s", [
        ("SUM_F", 1, 0), ("MUL_F", 1, 1, 0), ("I2F", 2, 1), ("ADD_F", 0, 1, 2),
        ("JF", 2, "done"), ("ADDK_F", 0, 0, 0), "done:", ("RET_F", 0)],
        params=[("a", "float[]"), ("k", "int"), ("w", "float"), ("flag", "bool")], ret="float",
        frame_i=3, frame_f=3)], kf=[100.0])
    assert run(p, "s", (np.array([1.0, 2.0, 3.5]), 4, 2.0, True)) == 6.5 * 2.0 + 4 + 100.0
    m = Machine(p)
    with pytest.raises(ParameterError):
        m.start("s", (np.zeros((2, 2)), 1, 1.0, False))
    with pytest.raises(ParameterError):
        Machine(p).start("s", (np.zeros(2), 1.5, 1.0, False))
    with pytest.raises(ParameterError):
        Machine(p).start("s", (np.zeros(2),))
    with pytest.raises(ParameterError):
        Machine(p).start("nope")


def test_params_written_into_constant_pools():
    params = (ParamInfo(name="beta", type="float", default=0.25, lo=None, hi=None, slot=1, line=1, col=1),
              ParamInfo(name="days", type="int", default=3, lo=None, hi=None, slot=0, line=2, col=1),
              ParamInfo(name="on", type="bool", default=False, lo=None, hi=None, slot=1, line=3, col=1))
    p = assemble([Fn("main", [("LOADK_F", 0, 1), ("LOADK_I", 0, 0), ("I2F", 1, 0), ("MUL_F", 0, 0, 1),
                              ("LOADK_I", 1, 1), ("JF", 1, "end"), ("NEG_F", 0, 0), "end:", ("RET_F", 0)],
                     ret="float", frame_i=2, frame_f=2)], kf=[9.0, 0.0], ki=[0, 0], params=params)
    assert run(p) == 0.75
    assert run(p, params={"beta": 0.5, "on": True}) == -1.5
    assert run(p, params={"days": 10}) == 2.5
    assert p.kf[1] == 0.0  # the program's own pools are untouched
    with pytest.raises(ParameterError):
        Machine(p, params={"gamma": 1.0})


# --- pausing ---------------------------------------------------------------------------------------------------

def test_pause_every_k_instructions_gives_the_same_run():
    ref = Machine(mixed_program(), seed=5, stdout=io.StringIO())
    ref.run()
    want, total = ref.result(), ref.instructions
    lines = mixed_expected(5)[1]
    for k in [1, 2, 3, 4, 5, 7, 11, 13, 17, 64, 97, 128, 1000, total - 1, total, total + 1]:
        out = io.StringIO()
        m = Machine(mixed_program(), seed=5, stdout=out)
        pauses = 0
        while (status := m.run(steps=k)) == "step":
            pauses += 1
            assert m.instructions == pauses * k
        assert status == "halted"
        got = m.result()
        assert m.instructions == total
        assert pauses == (total - 1) // k  # the last call halts instead of pausing
        assert same(got["s"], want["s"]) and got["k"] == want["k"] and same(got["z"], want["z"])
        assert got["arr"].tobytes() == want["arr"].tobytes()
        assert out.getvalue().splitlines() == lines


def test_step_zero_and_exact_steps():
    m = Machine(loop_program(10))
    assert m.run(steps=0) == "step" and m.instructions == 0
    assert m.run(steps=3) == "step" and m.instructions == 3 and m.pc == 3
    assert m.run() == "halted" and m.result() == 10 and m.instructions == 2 + 20 + 1


def test_fib_paused_many_times():
    ref = Machine(fib_program(15))
    ref.run()
    for k in (1, 3, 10, 333):
        m = Machine(fib_program(15))
        while m.run(steps=k) == "step":
            pass
        assert m.result() == ref.result() == 610 and m.instructions == ref.instructions


# --- breakpoints -----------------------------------------------------------------------------------------------

def test_breakpoints_stop_and_resume_exactly():
    m = Machine(loop_program(5))
    body = 2
    m.set_breakpoint(body)
    hits = 0
    while (status := m.run()) == "breakpoint":
        assert m.pc == body
        assert m.instructions == 2 + 2 * hits
        hits += 1
    assert status == "halted" and hits == 5 and m.result() == 5


def test_breakpoint_then_step_and_clear():
    m = Machine(loop_program(5))
    m.set_breakpoint(2)
    assert m.run() == "breakpoint" and m.pc == 2
    assert m.run(steps=1) == "step" and m.pc == 3  # the step passes over the breakpoint
    assert m.run() == "breakpoint" and m.pc == 2
    assert m.breakpoints == [2]
    m.clear_breakpoint(2)
    assert m.run() == "halted" and m.result() == 5
    with pytest.raises(ValueError):
        m.set_breakpoint(99)


def test_breakpoint_on_first_instruction_and_after_step():
    m = Machine(loop_program(2))
    m.set_breakpoint(0)
    assert m.run() == "breakpoint" and m.instructions == 0
    assert m.run() == "halted"
    m = Machine(loop_program(3))
    m.set_breakpoint(3)
    assert m.run(steps=2) == "step" and m.pc == 2
    assert m.run(steps=1) == "breakpoint" and m.pc == 3 and m.instructions == 3  # reached with the budget
    assert m.run(steps=0) == "step" and m.pc == 3
    assert m.run(steps=1) == "step" and m.pc == 2 and m.instructions == 4  # passes over it once


def test_line_pcs_and_frames_at_a_breakpoint():
    p = mixed_program(4)
    m = Machine(p, stdout=io.StringIO())
    g = p.functions[1]
    assert m.line_pcs(10) == [g.entry]
    assert m.line_pcs(20) == [0]
    assert m.line_pcs(999) == []
    m.set_breakpoint(g.entry + 1)
    assert m.run() == "breakpoint"
    frames = m.frames()
    assert [f.function for f in frames] == ["main", "g"]
    main, inner = frames
    assert main.pc == 5 and main.line == 25  # at its CALL
    assert main.locals["n"] == 4 and main.locals["i"] == 0
    assert isinstance(main.locals["arr"], np.ndarray) and main.locals["arr"].shape == (4,)
    assert 0.0 <= inner.locals["x"] < 1.0 and inner.line == 11
    st = PySFC64(0)
    assert same(inner.locals["x"], st.rand())


def test_line_pcs_runs():
    p = assemble([Fn("main", [("LOADI", 0, 1)] * 6 + [("RET_I", 0)], ret="int", frame_i=1, frame_f=0,
                     lines=[1, 2, 2, 3, 2, 2, 4])])
    assert Machine(p).line_pcs(2) == [1, 4]


# --- host calls and printing -----------------------------------------------------------------------------------

def test_print_formatting():
    code = [("LOADI", 0, 3), ("LOADK_F", 0, 0), ("LOADK_F", 1, 1), ("LOADK_F", 2, 2), ("LOADK_F", 3, 3),
            ("LOADK_F", 4, 4), ("LOADI", 1, 1), ("LOADI", 2, 0), ("LOADI", 3, 2), ("NEW_F", 4, 0),
            ("LOADI", 5, 1), ("ASTORE_F", 4, 5, 0), ("NEW2_I", 6, 3, 3), ("LOADI", 7, 7), ("FILL_I", 6, 7),
            ("HOST", 0), ("HOST", 1), ("RET",)]
    items = [PrintItem(type="str", text="x:"), PrintItem(type="int", reg=0), PrintItem(type="float", reg=0),
             PrintItem(type="float", reg=1), PrintItem(type="float", reg=2), PrintItem(type="float", reg=3),
             PrintItem(type="float", reg=4), PrintItem(type="bool", reg=1), PrintItem(type="bool", reg=2),
             PrintItem(type="float[]", reg=4), PrintItem(type="int[,]", reg=6)]
    p = assemble([Fn("main", code, frame_i=8, frame_f=5)], kf=[0.1, 1e-7, math.nan, -math.inf, -0.0],
                 hosts=[items, [PrintItem(type="str", text="tab\there")]])
    out = io.StringIO()
    m = Machine(p, stdout=out)
    assert m.run() == "halted" and m.result() is None
    assert out.getvalue() == ("x: 3 0.1 1e-07 nan -inf -0.0 true false [0.0, 0.1, 0.0] [[7, 7], [7, 7]]\n"
                              "tab\there\n")


def test_format_value():
    assert format_value(True) == "true" and format_value(np.bool_(False)) == "false"
    assert format_value(1.0) == "1.0" and format_value(-5) == "-5"
    assert format_value(np.array([], dtype=np.float64)) == "[]"
    assert format_value(np.zeros((0, 3))) == "[]"


def test_print_to_sys_stdout_by_default(capsys):
    p = assemble([Fn("main", [("HOST", 0), ("RET",)], frame_i=0, frame_f=0)],
                 hosts=[[PrintItem(type="str", text="hello")]])
    Machine(p).run()
    assert capsys.readouterr().out == "hello\n"


# --- traps -----------------------------------------------------------------------------------------------------

def test_trap_message():
    err = trap([("TRAP", 1)], strings=["unused", "assertion failed: x > 0"])
    assert err.message == "assertion failed: x > 0"
    assert type(err) is MVMRuntimeError


@pytest.mark.parametrize("op,idx", [("ALOAD_F", 7), ("ALOAD_F", -1), ("ASTORE_F", 5)])
def test_index_out_of_bounds(op, idx):
    code = [("LOADI", 0, 5), ("NEW_F", 1, 0), ("LOADI", 2, idx)]
    code.append((op, 0, 1, 2) if op == "ALOAD_F" else (op, 1, 2, 0))
    code.append(("RET_I", 0))
    err = trap(code)
    assert err.message == f"index {idx} out of bounds for array of length 5"


def test_int_array_index_out_of_bounds():
    err = trap([("LOADI", 0, 2), ("NEW_I", 1, 0), ("LOADI", 2, 2), ("ASTORE_I", 1, 2, 0), ("RET_I", 0)])
    assert err.message == "index 2 out of bounds for array of length 2"
    err = trap([("LOADI", 0, 2), ("NEW_I", 1, 0), ("LOADI", 2, -3), ("ALOAD_I", 3, 1, 2), ("RET_I", 0)])
    assert err.message == "index -3 out of bounds for array of length 2"


@pytest.mark.parametrize("r,c,msg", [(3, 0, "row index 3 out of bounds for array with 3 rows"),
                                     (-1, 0, "row index -1 out of bounds for array with 3 rows"),
                                     (0, 4, "column index 4 out of bounds for array with 4 columns"),
                                     (2, -2, "column index -2 out of bounds for array with 4 columns")])
def test_2d_index_out_of_bounds(r, c, msg):
    err = trap([("LOADI", 0, 3), ("LOADI", 1, 4), ("NEW2_F", 2, 0, 1), ("LOADI", 3, r), ("LOADI", 4, c),
                ("IDX2", 3, 2, 4), ("RET_I", 0)])
    assert err.message == msg


def test_int_division_and_modulo_by_zero():
    base = [("LOADI", 0, 7), ("LOADI", 1, 0)]
    assert trap(base + [("FLOORDIV_I", 2, 0, 1), ("RET_I", 2)]).message == "integer division by zero"
    assert trap(base + [("MOD_I", 2, 0, 1), ("RET_I", 2)]).message == "integer modulo by zero"


def test_int64_min_floordiv_minus_one_in_the_loop():
    p = assemble([Fn("main", [("LOADK_I", 0, 0), ("LOADI", 1, -1), ("FLOORDIV_I", 2, 0, 1), ("MOD_I", 3, 0, 1),
                              ("ADD_I", 0, 2, 3), ("RET_I", 0)], ret="int", frame_i=4, frame_f=0)],
                 ki=[-(1 << 63)])
    assert run(p) == -(1 << 63)


@pytest.mark.parametrize("code,size", [([("LOADI", 0, -3), ("NEW_F", 1, 0)], -3),
                                       ([("LOADI", 0, -1), ("NEW_I", 1, 0)], -1),
                                       ([("LOADI", 0, 2), ("LOADI", 2, -4), ("NEW2_F", 1, 0, 2)], -4),
                                       ([("LOADI", 0, -2), ("LOADI", 2, 0), ("NEW2_I", 1, 0, 2)], -2)])
def test_negative_size(code, size):
    assert trap(code + [("RET_I", 0)]).message == f"negative array size {size}"


@pytest.mark.parametrize("h", [0, 1, 99, -4])
def test_bad_handle(h):
    err = trap([("LOADI", 0, h), ("LEN", 1, 0), ("RET_I", 1)])
    assert err.message == f"invalid array handle {h}"


@pytest.mark.parametrize("op", ["ALOAD_F", "ASTORE_F", "FILL_F", "SUM_F"])
def test_bad_kind(op):
    code = [("LOADI", 0, 2), ("NEW_I", 1, 0), ("LOADI", 2, 0)]
    code.append({"ALOAD_F": ("ALOAD_F", 0, 1, 2), "ASTORE_F": ("ASTORE_F", 1, 2, 0), "FILL_F": ("FILL_F", 1, 0),
                 "SUM_F": ("SUM_F", 0, 1)}[op])
    err = trap(code + [("RET_I", 0)])
    assert err.message.startswith("array handle 1 refers to an int array")


@pytest.mark.parametrize("op", ["ALOAD_I", "ASTORE_I", "FILL_I", "SUM_I"])
def test_bad_kind_int_ops(op):
    code = [("LOADI", 0, 2), ("NEW_F", 1, 0), ("LOADI", 2, 0)]
    code.append({"ALOAD_I": ("ALOAD_I", 3, 1, 2), "ASTORE_I": ("ASTORE_I", 1, 2, 0), "FILL_I": ("FILL_I", 1, 0),
                 "SUM_I": ("SUM_I", 3, 1)}[op])
    assert trap(code + [("RET_I", 0)]).message.startswith("array handle 1 refers to an float array")


def test_negative_exponent():
    err = trap([("LOADI", 0, 2), ("LOADI", 1, -1), ("POW_I", 2, 0, 1), ("RET_I", 2)])
    assert err.message == "negative exponent -1 in integer power"


@pytest.mark.parametrize("k,why", [(0, "nan"), (1, "inf"), (2, "1e+19"), (3, "-9.3e+18")])
def test_float_to_int_traps(k, why):
    err = trap([("LOADK_F", 0, k), ("F2I", 0, 0), ("RET_I", 0)], kf=[math.nan, math.inf, 1e19, -9.3e18])
    assert err.message.startswith(f"cannot convert float {why} to int")


def test_float_to_int_truncates():
    p = assemble([Fn("main", [("LOADK_F", 0, 0), ("F2I", 0, 0), ("LOADK_F", 1, 1), ("F2I", 1, 1),
                              ("MULI_I", 1, 1, 1000), ("ADD_I", 0, 0, 1), ("RET_I", 0)], ret="int", frame_i=2,
                     frame_f=2)], kf=[-2.9, 7.99])
    assert run(p) == -2 + 7000


def test_randint_empty_range():
    err = trap([("LOADI", 0, 5), ("LOADI", 1, 5), ("RANDINT", 2, 0, 1), ("RET_I", 2)])
    assert err.message == "randint(5, 5): empty range (hi must be greater than lo)"


def test_ret_rec_outside_outermost_frame():
    p = assemble([Fn("main", [("CALL", "f", 0, 0), ("RET_REC", 0)], ret="record", frame_i=1, frame_f=0),
                  Fn("f", [("RET_REC", 0)], ret="record", frame_i=1, frame_f=0)],
                 records=[[RecordField(name="a", type="int", bank="i", reg=0)]])
    with pytest.raises(MVMRuntimeError, match="record can only be returned from the outermost call"):
        Machine(p).run()


def test_bad_opcode_traps():
    assert trap([(250, 0, 0, 0), ("RET_I", 0)]).message == "invalid opcode 250"


def test_traceback_names_frames_outermost_first():
    source = "\n".join(["model t", "fn main() -> int {", "    return f(3)", "}", "fn f(n: int) -> int {",
                        "    return n // 0", "}"])
    p = assemble([Fn("main", [("LOADI", 0, 3), ("CALL", "f", 0, 0), ("RET_I", 0)], ret="int", frame_i=1,
                     frame_f=0, lines=[3, 3, 3]),
                  Fn("f", [("LOADI", 1, 0), ("FLOORDIV_I", 0, 0, 1), ("RET_I", 0)], params=[("n", "int")],
                     ret="int", frame_i=2, frame_f=0, lines=[6, 6, 6])], name="t", source=source, file="t.mvm")
    with pytest.raises(MVMRuntimeError) as info:
        Machine(p).run()
    err = info.value
    assert err.traceback == ["model t, fn main, t.mvm:3:1: return f(3)", "model t, fn f, t.mvm:6:1: return n // 0"]
    assert (err.file, err.line, err.col) == ("t.mvm", 6, 1)
    text = str(err)
    assert "integer division by zero" in text and "^" in text and "return n // 0" in text


# --- limits, cancellation --------------------------------------------------------------------------------------

def test_fuel_exact():
    total = 2 + 2 * 10 + 1
    m = Machine(loop_program(10), limits=Limits(fuel=total))
    assert m.run() == "halted" and m.result() == 10
    m = Machine(loop_program(10), limits=Limits(fuel=total - 1))
    with pytest.raises(LimitExceeded) as info:
        m.run()
    assert info.value.limit == "fuel" and m.instructions == total - 1


def test_fuel_spans_runs_and_steps():
    m = Machine(loop_program(10), limits=Limits(fuel=15))
    assert m.run(steps=10) == "step"
    assert m.run(steps=5) == "step"  # the step budget is met exactly: a step, not a fuel error
    with pytest.raises(LimitExceeded, match="fuel"):
        m.run(steps=5)
    assert m.instructions == 15


def test_call_depth_limit_on_runaway_recursion():
    p = assemble([Fn("main", [("CALL", "f", 0, 0), ("RET_I", 0)], ret="int", frame_i=1, frame_f=0),
                  Fn("f", [("CALL", "f", 1, 0), ("RET_I", 0)], ret="int", frame_i=2, frame_f=0)])
    m = Machine(p, limits=Limits(call_depth=300))
    with pytest.raises(LimitExceeded) as info:
        m.run()
    assert info.value.limit == "call_depth" and "300" in info.value.message
    tb = info.value.traceback       # 300 frames, the repeats folded: main, f three times, then a count
    assert len(tb) == 5 and tb[-1] == "[previous line repeated 296 more times]"
    with pytest.raises(LimitExceeded, match="10000"):
        Machine(p).run()


def test_deep_recursion_within_default_limit():
    # count(n) = n == 0 ? 0 : 1 + count(n - 1), 5000 frames deep: frames and registers grow on demand
    p = assemble([Fn("main", [("LOADI", 0, 5000), ("CALL", "count", 0, 0), ("RET_I", 0)], ret="int",
                     frame_i=1, frame_f=0),
                  Fn("count", [("JEQI_I", 0, 0, "zero"), ("ADDI_I", 1, 0, -1), ("CALL", "count", 1, 0),
                               ("ADDI_I", 0, 1, 1), ("RET_I", 0), "zero:", ("RET_I", 0)],
                     params=[("n", "int")], ret="int", frame_i=2, frame_f=0)])
    assert run(p) == 5000


def test_heap_limit():
    code = [("LOADI", 0, 100), ("NEW_F", 1, 0), ("NEW_I", 2, 0), ("RET_I", 0)]
    p = assemble([Fn("main", code, ret="int", frame_i=3, frame_f=0)])
    assert run(p, limits=Limits(heap_bytes=1600)) == 100
    with pytest.raises(LimitExceeded) as info:
        Machine(p, limits=Limits(heap_bytes=1599)).run()
    assert info.value.limit == "heap_bytes"


def test_heap_limit_with_overflowing_2d_size():
    err = trap([("LOADI", 0, 1 << 30), ("MULI_I", 0, 0, 1 << 30), ("NEW2_F", 1, 0, 0), ("RET_I", 0)])
    assert isinstance(err, LimitExceeded) and err.limit == "heap_bytes"
    err = trap([("LOADI", 0, 1 << 20), ("MULI_I", 0, 0, 1 << 20), ("NEW_I", 1, 0), ("RET_I", 0)])
    assert isinstance(err, LimitExceeded) and err.limit == "heap_bytes"


def test_heap_grows_for_large_arrays_and_copies():
    # a = new float[5000]; a[4999] = 2.5; b = copy(a); fill(a, 1.0); return sum(b) + sum(a)
    p = assemble([Fn("main", [
        ("LOADI", 0, 5000), ("NEW_F", 1, 0), ("LOADI", 2, 4999), ("LOADK_F", 0, 0), ("ASTORE_F", 1, 2, 0),
        ("COPY", 3, 1), ("LOADK_F", 1, 1), ("FILL_F", 1, 1), ("SUM_F", 2, 3), ("SUM_F", 3, 1),
        ("ADD_F", 0, 2, 3), ("LEN", 4, 3), ("RET_F", 0)], ret="float", frame_i=5, frame_f=4)], kf=[2.5, 1.0])
    m = Machine(p)
    m.run()
    assert m.result() == 5002.5 and m.heap_bytes == 80000


def test_object_table_grows():
    # allocate 200 empty int arrays, then the sum of their lengths (all 0) plus the last handle's len
    p = assemble([Fn("main", [("LOADI", 0, 0), ("LOADI", 1, 200), ("LOADI", 3, 1), "top:", ("NEW_I", 2, 3),
                              ("ADDI_I", 0, 0, 1), ("JLT_I", 0, 1, "top"), ("LEN", 0, 2), ("RET_I", 0)],
                     ret="int", frame_i=4, frame_f=0)])
    assert run(p) == 1


def test_grow_status_leaves_pc_in_place():
    p = assemble([Fn("main", [("LOADI", 0, 5000), ("NEW_F", 1, 0), ("RET_I", 0)], ret="int", frame_i=2,
                     frame_f=0)])
    m = Machine(p)
    m.start()
    m.ctl[L.CTL_STEPS] = 100
    assert m._call() == L.S_GROW
    assert m.pc == 1 and m.instructions == 1
    assert m.st[L.ST_NEED_KIND] == L.NEED_HF and m.st[L.ST_NEED_AMOUNT] == 5000
    assert m.run() == "halted" and m.instructions == 3


def test_wall_time_limit():
    m = Machine(spin_program(), limits=Limits(wall_time=0.2))
    t = time.monotonic()
    with pytest.raises(LimitExceeded) as info:
        m.run()
    assert info.value.limit == "wall_time" and time.monotonic() - t < 5


def test_cancel_from_another_thread_while_running():
    m = Machine(spin_program())
    errors = []

    def worker():
        try:
            m.run()
        except Cancelled as e:
            errors.append(e)

    t = threading.Thread(target=worker)
    t.start()
    ticks = 0
    end = time.monotonic() + 0.3
    while time.monotonic() < end:  # this thread keeps running while the loop runs without the GIL
        ticks += 1
    m.cancel()
    t.join(10)
    assert not t.is_alive()
    assert len(errors) == 1 and ticks > 1000
    assert m.instructions > 0 and m.state == "failed"


def test_cancel_before_run():
    m = Machine(loop_program(3))
    m.cancel()
    with pytest.raises(Cancelled):
        m.run()


def test_cancel_polled_inside_the_loop():
    m = Machine(spin_program())
    m.start()
    m.ctl[L.CTL_STEPS] = (1 << 40) + 5
    m.ctl[L.CTL_CANCEL] = 1
    assert m._call() == L.S_CANCEL
    assert m.instructions == 5  # polled when the budget left is a multiple of 4096
    m.ctl[L.CTL_STEPS] = 1 << 40
    assert m._call() == L.S_CANCEL and m.instructions == 5


def test_limits_validation():
    with pytest.raises(ValueError):
        Limits(fuel=-1)
    assert Limits().call_depth is None


def test_interpreter_is_compiled_once_with_nogil():
    run_fn = interp.get_interpreter()
    assert run_fn is interp.get_interpreter()
    if hasattr(run_fn, "targetoptions"):
        assert run_fn.targetoptions.get("nogil") is True
        assert len(run_fn.signatures) == 1


# --- int64 wrapping and float semantics inside the loop --------------------------------------------------------

I64_MIN, I64_MAX = -(1 << 63), (1 << 63) - 1


@pytest.mark.parametrize("op,x,y,want", [
    ("ADD_I", I64_MAX, 1, I64_MIN), ("SUB_I", I64_MIN, 1, I64_MAX), ("MUL_I", I64_MAX, 2, -2),
    ("MUL_I", 1 << 32, 1 << 32, 0), ("POW_I", 3, 41, (3 ** 41 + (1 << 63)) % (1 << 64) - (1 << 63)),
    ("POW_I", 2, 63, I64_MIN), ("POW_I", -7, 0, 1), ("FLOORDIV_I", -7, 2, -4), ("MOD_I", -7, 2, 1),
    ("MOD_I", 7, -2, -1), ("FLOORDIV_I", I64_MIN, -1, I64_MIN), ("MIN_I", -3, 2, -3), ("MAX_I", -3, 2, 2),
    ("LT_I", 1, 2, 1), ("LE_I", 2, 2, 1), ("EQ_I", 2, 3, 0), ("NE_I", 2, 3, 1)])
def test_int_binary_ops(op, x, y, want):
    p = assemble([Fn("main", [("LOADK_I", 0, 0), ("LOADK_I", 1, 1), (op, 2, 0, 1), ("RET_I", 2)], ret="int",
                     frame_i=3, frame_f=0)], ki=[x, y])
    assert run(p) == want


@pytest.mark.parametrize("op,x,want", [("NEG_I", I64_MIN, I64_MIN), ("ABS_I", I64_MIN, I64_MIN),
                                       ("ABS_I", -5, 5), ("NEG_I", 5, -5), ("NOT", 1, 0), ("NOT", 0, 1)])
def test_int_unary_ops(op, x, want):
    p = assemble([Fn("main", [("LOADK_I", 0, 0), (op, 1, 0), ("RET_I", 1)], ret="int", frame_i=2, frame_f=0)],
                 ki=[x])
    assert run(p) == want


def test_immediate_ops_and_sum_wrap():
    p = assemble([Fn("main", [("LOADK_I", 0, 0), ("ADDI_I", 0, 0, 1), ("MULI_I", 0, 0, -1), ("LOADI", 1, 3),
                              ("NEW_I", 2, 1), ("LOADK_I", 3, 1), ("FILL_I", 2, 3), ("SUM_I", 4, 2),
                              ("ADD_I", 0, 0, 4), ("RET_I", 0)], ret="int", frame_i=5, frame_f=0)],
                 ki=[I64_MAX, I64_MAX])
    # -(MAX + 1) wraps to MIN; 3 * MAX wraps to MAX - 2 (mod 2**64); MIN + MAX - 2 = -3
    assert run(p) == -3


@pytest.mark.parametrize("op,x,y", [("ADD_F", 0.1, 0.2), ("SUB_F", 1.0, 1e-17), ("MUL_F", 1e200, 1e200),
                                    ("DIV_F", 1.0, 0.0), ("DIV_F", -1.0, 0.0), ("DIV_F", 0.0, 0.0),
                                    ("FLOORDIV_F", -7.5, 2.0), ("MOD_F", -7.5, 2.0), ("FLOORDIV_F", 1.0, 0.0),
                                    ("MOD_F", 1.0, 0.0), ("POW_F", -8.0, 1.0 / 3.0), ("POW_F", 0.0, -1.0),
                                    ("POW_F", 2.0, 0.5), ("MIN_F", math.nan, 1.0), ("MAX_F", 1.0, math.nan),
                                    ("ATAN2_F", 1.0, -1.0)])
def test_float_binary_ops(op, x, y):
    p = assemble([Fn("main", [("LOADK_F", 0, 0), ("LOADK_F", 1, 1), (op, 2, 0, 1), ("RET_F", 2)], ret="float",
                     frame_i=0, frame_f=3)], kf=[x, y])
    with np.errstate(all="ignore"):
        want = {"ADD_F": lambda: x + y, "SUB_F": lambda: x - y, "MUL_F": lambda: x * y,
                "DIV_F": lambda: float(np.float64(x) / np.float64(y)),
                "FLOORDIV_F": lambda: float(np.floor_divide(x, y)), "MOD_F": lambda: float(np.remainder(x, y)),
                "POW_F": lambda: float(np.power(np.float64(x), np.float64(y))),
                "MIN_F": lambda: y if y < x else x, "MAX_F": lambda: y if y > x else x,
                "ATAN2_F": lambda: math.atan2(x, y)}[op]()
    assert same(run(p), want)


def test_constant_operand_float_ops():
    p = assemble([Fn("main", [("LOADK_F", 0, 0), ("ADDK_F", 1, 0, 1), ("SUBK_F", 1, 1, 1), ("MULK_F", 1, 1, 1),
                              ("DIVK_F", 1, 1, 0), ("KSUB_F", 1, 1, 1), ("KDIV_F", 1, 1, 0), ("NEG_F", 1, 1),
                              ("RET_F", 1)], ret="float", frame_i=0, frame_f=2)], kf=[2.0, 3.0])
    # ((((2 + 3) - 3) * 3) / 2) = 3; 3 - 3 = 0; 2 / 0 = inf; -inf
    assert run(p) == -math.inf


@pytest.mark.parametrize("fid,name", [(0, "sqrt"), (2, "log"), (13, "abs"), (14, "floor"), (15, "ceil")])
def test_math_f(fid, name):
    p = assemble([Fn("main", [("LOADK_F", 0, 0), ("MATH_F", 1, 0, fid), ("RET_F", 1)], ret="float", frame_i=0,
                     frame_f=2)], kf=[-2.5])
    want = {"sqrt": math.nan, "log": math.nan, "abs": 2.5, "floor": -3.0, "ceil": -2.0}[name]
    assert same(run(p), want)


@pytest.mark.parametrize("op,x,y,taken", [
    ("JLT_F", 1.0, 2.0, True), ("JLT_F", math.nan, 2.0, False), ("JLE_F", 2.0, 2.0, True),
    ("JEQ_F", math.nan, math.nan, False), ("JNLT_F", math.nan, 2.0, True), ("JNLT_F", 1.0, 2.0, False),
    ("JNLE_F", 3.0, 2.0, True), ("JNEQ_F", math.nan, math.nan, True), ("JNEQ_F", 1.0, 1.0, False)])
def test_float_branches(op, x, y, taken):
    p = assemble([Fn("main", [("LOADK_F", 0, 0), ("LOADK_F", 1, 1), ("LOADI", 0, 0), (op, 0, 1, "yes"),
                              ("RET_I", 0), "yes:", ("LOADI", 0, 1), ("RET_I", 0)], ret="int", frame_i=1,
                     frame_f=2)], kf=[x, y])
    assert run(p) == int(taken)


@pytest.mark.parametrize("op,x,imm,taken", [
    ("JLTI_I", 1, 2, True), ("JLEI_I", 2, 2, True), ("JGTI_I", 2, 2, False), ("JGEI_I", 2, 2, True),
    ("JEQI_I", -5, -5, True), ("JNEI_I", -5, -5, False)])
def test_int_immediate_branches(op, x, imm, taken):
    p = assemble([Fn("main", [("LOADI", 0, x), ("LOADI", 1, 0), (op, 0, imm, "yes"), ("RET_I", 1), "yes:",
                              ("LOADI", 1, 1), ("RET_I", 1)], ret="int", frame_i=2, frame_f=0)])
    assert run(p) == int(taken)


@pytest.mark.parametrize("op,x,y,taken", [("JLT_I", 1, 2, True), ("JLE_I", 3, 2, False), ("JEQ_I", 2, 2, True),
                                          ("JNE_I", 2, 2, False), ("JT", 1, 0, True), ("JF", 1, 0, False)])
def test_int_register_branches(op, x, y, taken):
    target = ("JT", "JF")
    instr = (op, 0, "yes") if op in target else (op, 0, 1, "yes")
    p = assemble([Fn("main", [("LOADI", 0, x), ("LOADI", 1, y), ("LOADI", 2, 0), instr, ("RET_I", 2), "yes:",
                              ("LOADI", 2, 1), ("RET_I", 2)], ret="int", frame_i=3, frame_f=0)])
    assert run(p) == int(taken)


def test_rand_in_the_loop_is_numpys_stream():
    n = 300
    p = assemble([Fn("main", [("LOADI", 0, n), ("NEW_F", 1, 0), ("LOADI", 2, 0), "top:", ("RAND", 0),
                              ("ASTORE_F", 1, 2, 0), ("ADDI_I", 2, 2, 1), ("JLT_I", 2, 0, "top"), ("RET_I", 1)],
                     ret="float[]", frame_i=3, frame_f=1)])
    for seed in (0, 3, 2**33):
        got = run(p, seed=seed)
        assert got.tobytes() == np.random.Generator(np.random.SFC64(seed)).random(n).tobytes()


def test_2d_arrays_rows_cols_len_and_conversions():
    # m = new float[3, 4]; m[2, 1] = float(7); return rows*100 + cols*10 + len + int(m[2, 1]) * 1000
    p = assemble([Fn("main", [
        ("LOADI", 0, 3), ("LOADI", 1, 4), ("NEW2_F", 2, 0, 1), ("LOADI", 3, 2), ("LOADI", 4, 1),
        ("IDX2", 3, 2, 4), ("LOADI", 5, 7), ("I2F", 0, 5), ("ASTORE_F", 2, 3, 0), ("ROWS", 5, 2),
        ("MULI_I", 5, 5, 100), ("COLS", 6, 2), ("MULI_I", 6, 6, 10), ("ADD_I", 5, 5, 6), ("LEN", 6, 2),
        ("ADD_I", 5, 5, 6), ("ALOAD_F", 1, 2, 3), ("F2I", 6, 1), ("MULI_I", 6, 6, 1000), ("ADD_I", 5, 5, 6),
        ("RET_I", 5)], ret="int", frame_i=7, frame_f=2)])
    assert run(p) == 7000 + 300 + 40 + 3


def test_moves_and_constants():
    p = assemble([Fn("main", [("LOADK_I", 0, 0), ("MOV_I", 1, 0), ("LOADK_F", 0, 0), ("MOV_F", 1, 0),
                              ("F2I", 2, 1), ("ADD_I", 0, 1, 2), ("RET_I", 0)], ret="int", frame_i=3, frame_f=2)],
                 ki=[1 << 40], kf=[-3.5])
    assert run(p) == (1 << 40) - 3
