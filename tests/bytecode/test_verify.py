"""The verifier: a well-formed program passes; each rule, broken by hand, is reported with its name, function
and pc; random garbage in the arrays and the metadata never raises anything but BytecodeError."""

from __future__ import annotations

import attrs
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mvm.bytecode import opcodes as O
from mvm.bytecode.program import ParamInfo, PrintItem, Program, RecordField, VarInfo
from mvm.bytecode.verify import MAX_FRAME, RULES, verify
from mvm.errors import BytecodeError

from .asm import assemble, evolve, fn, set_code, set_function
from .samples import sir_program

P = sir_program()
# pcs of the sample: infections [0, 5), check [5, 8), main [8, 29)
INF, CHK, MAIN = "infections", "check", "main"


def set_row(p: Program, pc: int, *row) -> Program:
    code = p.code.copy()
    code[pc] = [O.BY_NAME[row[0]].code, *row[1:], *[0] * (4 - len(row))]
    return attrs.evolve(p, code=code)


def set_item(p: Program, table: str, i: int, j: int, **changes) -> Program:
    rows = [list(r) for r in getattr(p, table)]
    rows[i][j] = attrs.evolve(rows[i][j], **changes)
    return attrs.evolve(p, **{table: tuple(tuple(r) for r in rows)})


def set_param(p: Program, i: int, **changes) -> Program:
    params = list(p.params)
    params[i] = attrs.evolve(params[i], **changes)
    return attrs.evolve(p, params=tuple(params))


def call_value_program(ret: str, callee_frame_i=1, caller_frame_i=0):
    """main calls f() -> ret with both call bases at 0; main's frame may be too small for the result."""
    body = [("LOADI", 0, 1), ("RET_I", 0)] if ret != "record" else [("RET_REC", 0)]
    f = fn("f", body, ret=ret, frame_i=callee_frame_i)
    main = fn("main", [("CALL", "f", 0, 0), ("RET",)], frame_i=caller_frame_i)
    return assemble(f, main, records=[[RecordField(name="x", type="int", bank="i", reg=0)]])


# (rule, broken program, function, pc)
CASES = [
    ("metadata", evolve(P, name=3), None, None),
    ("metadata", evolve(P, source=b"text"), None, None),
    ("metadata", set_function(P, 0, frame_i="4"), INF, None),
    ("metadata", set_function(P, 1, param_types=["int", 7]), CHK, None),
    ("metadata", evolve(P, hosts=((("str",),),)), None, None),
    ("metadata", evolve(P, functions=P.functions + (None,)), None, None),
    ("metadata", "not a program", None, None),
    ("metadata", set_param(P, 0, default="0.3"), None, None),
    ("arrays", evolve(P, code=P.code.astype(np.float64)), None, None),
    ("arrays", evolve(P, code=P.code[:, :3].copy()), None, None),
    ("arrays", evolve(P, code=np.asfortranarray(P.code)), None, None),
    ("arrays", evolve(P, code=P.code.tolist()), None, None),
    ("arrays", evolve(P, lines=P.lines[:-1].copy()), None, None),
    ("arrays", evolve(P, cols=P.cols.astype(np.int64)), None, None),
    ("arrays", evolve(P, kf=P.kf.astype(np.float32)), None, None),
    ("arrays", evolve(P, ki=P.ki.reshape(1, 1)), None, None),
    ("arrays", evolve(P, ki=P.ki.astype(">i8")), None, None),
    ("function-name", set_function(P, 1, name="infections"), INF, None),
    ("function-name", set_function(P, 1, name=""), None, None),
    ("function-range", set_function(P, 0, end=0), INF, None),
    ("function-range", set_function(P, 2, end=30), MAIN, None),
    ("function-range", set_function(P, 0, entry=-1), INF, None),
    ("function-overlap", set_function(P, 1, entry=4), CHK, 4),
    ("function-cover", set_function(P, 0, end=4), None, 4),
    ("function-cover", set_function(P, 2, end=28), None, 28),
    ("frame-size", set_function(P, 2, frame_f=MAX_FRAME + 1), MAIN, None),
    ("frame-size", set_function(P, 1, frame_i=-1), CHK, None),
    ("return-type", set_function(P, 0, ret_type="complex"), INF, None),
    ("return-type", set_function(P, 0, ret_type="int"), INF, 4),
    ("return-type", set_function(P, 1, ret_type="float"), CHK, 7),
    ("return-type", set_row(P, 28, "RET"), MAIN, 28),
    ("param-regs", set_function(P, 0, param_regs=(0, 0)), INF, None),
    ("param-regs", set_function(P, 0, param_regs=(0,)), INF, None),
    ("param-regs", set_function(P, 0, param_types=("float", "double")), INF, None),
    ("param-regs", set_function(P, 0, frame_f=1), INF, None),
    ("var-info", set_function(P, 1, vars=(VarInfo(name="n", type="int", bank="i", reg=1, start=5, end=8),)),
     CHK, None),
    ("var-info", set_function(P, 1, vars=(VarInfo(name="n", type="int", bank="f", reg=0, start=5, end=8),)),
     CHK, None),
    ("var-info", set_function(P, 1, vars=(VarInfo(name="n", type="int", bank="i", reg=0, start=5, end=9),)),
     CHK, None),
    ("param", set_param(P, 0, default=7.0), None, None),
    ("param", set_param(P, 1, type="str"), None, None),
    ("param", set_param(P, 1, default=1.5), None, None),
    ("param", set_param(P, 1, name="beta"), None, None),
    ("param", set_param(P, 0, lo=float("nan")), None, None),
    ("param-slot", set_param(P, 0, slot=5), None, None),
    ("param-slot", set_param(P, 1, slot=-1), None, None),
    ("param-slot", evolve(P, params=P.params + (attrs.evolve(P.params[0], name="gamma"),)), None, None),
    ("host-item", set_item(P, "hosts", 0, 1, reg=6), MAIN, 27),
    ("host-item", set_item(P, "hosts", 0, 1, type="complex"), None, None),
    ("record-field", set_item(P, "records", 0, 1, reg=4), MAIN, 28),
    ("record-field", set_item(P, "records", 0, 1, bank="f"), None, None),
    ("record-field", set_item(P, "records", 0, 1, name="peak"), None, None),
    ("line-table", evolve(P, lines=np.where(np.arange(len(P.lines)) == 3, -1, P.lines).astype(np.int32)),
     INF, 3),
    ("line-table", evolve(P, cols=np.where(np.arange(len(P.cols)) == 20, -5, P.cols).astype(np.int32)),
     MAIN, 20),
    ("opcode", set_code(P, 1, 0, len(O.OPCODES)), INF, 1),
    ("opcode", set_code(P, 20, 0, -1), MAIN, 20),
    ("operand-unused", set_code(P, 4, 2, 1), INF, 4),
    ("operand-unused", set_code(P, 28, 3, -7), MAIN, 28),
    ("register", set_code(P, 1, 1, 3), INF, 1),
    ("register", set_code(P, 8, 1, 4), MAIN, 8),
    ("register", set_code(P, 9, 2, -1), MAIN, 9),
    ("register", set_code(P, 14, 3, 7), MAIN, 14),
    ("const-index", set_code(P, 0, 2, 5), INF, 0),
    ("const-index", set_code(P, 8, 2, 1), MAIN, 8),
    ("function-index", set_code(P, 19, 1, 3), MAIN, 19),
    ("string-index", set_code(P, 6, 1, 1), CHK, 6),
    ("host-index", set_code(P, 27, 1, 1), MAIN, 27),
    ("record-index", set_code(P, 28, 1, -1), MAIN, 28),
    ("math-id", set_row(P, 1, "MATH_F", 2, 2, len(O.MATH1)), INF, 1),
    ("jump-target", set_code(P, 26, 1, 5), MAIN, 26),
    ("jump-target", set_code(P, 16, 3, 29), MAIN, 16),
    ("jump-target", set_code(P, 5, 3, 4), CHK, 5),
    ("call-args", set_code(P, 14, 2, 4), MAIN, 14),
    ("call-args", set_code(P, 19, 3, 5), MAIN, 19),
    ("call-result", call_value_program("int"), MAIN, 2),
    ("call-result", call_value_program("record", caller_frame_i=1), MAIN, 1),
    ("fall-through", set_row(P, 7, "MOV_I", 0, 0), CHK, 7),
    ("fall-through", set_row(P, 28, "JNLT_F", 2, 1, 27), MAIN, 28),
]


def test_well_formed_program_passes():
    verify(P)
    verify(sir_program(source=False))
    verify(assemble())  # the empty program


def test_result_register_edge_passes():
    # a call base may equal the frame size when the callee takes and returns nothing in that bank
    verify(call_value_program("int", caller_frame_i=1))


@pytest.mark.parametrize("rule, program, function, pc", CASES,
                         ids=[f"{c[0]}-{k}" for k, c in enumerate(CASES)])
def test_each_rule(rule, program, function, pc):
    with pytest.raises(BytecodeError) as info:
        verify(program)
    err = info.value
    assert (err.rule, err.function, err.pc) == (rule, function, pc), str(err)
    assert rule in str(err)


def test_every_rule_has_a_case():
    assert {c[0] for c in CASES} == set(RULES)


def test_sample_breakers_leave_the_original_alone():
    verify(P)


# ---------------------------------------------------------------- fuzzing

GARBAGE = st.one_of(
    st.integers(-3, 40), st.integers(-(2 ** 70), 2 ** 70), st.booleans(), st.none(),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=3),
    st.sampled_from([np.int64(2), np.int32(-1), np.float64("nan"), np.uint64(2 ** 64 - 1), np.bool_(True),
                     np.array([1, 2]), b"x", object(), (), ("int",), (0, "a"), [1.5], {"a": 1}]),
)
INTERESTING_INT32 = st.one_of(st.integers(-2, 40), st.sampled_from([2 ** 31 - 1, -(2 ** 31), 65535, 65536]),
                              st.integers(-(2 ** 31), 2 ** 31 - 1))


def _junk_array(data, like: np.ndarray):
    kind = data.draw(st.sampled_from(["dtype", "shape", "values", "list", "garbage", "empty"]))
    if kind == "dtype":
        dt = data.draw(st.sampled_from([np.float64, np.float32, np.int64, np.int32, np.int8, np.uint32, bool,
                                        object, ">i4", ">f8", "<i4"]))
        with np.errstate(all="ignore"):
            arr = like.astype(dt)
        if arr.dtype.kind == "f" and arr.size:
            arr.flat[data.draw(st.integers(0, arr.size - 1))] = np.nan
        return arr
    if kind == "shape":
        return like.reshape(-1) if like.ndim == 2 else like.reshape(1, -1)
    if kind == "values":
        arr = like.copy()
        if arr.size and arr.dtype.kind in "iuf":      # an earlier mutation may have left any dtype
            info = np.iinfo(arr.dtype) if arr.dtype.kind in "iu" else None
            lo, hi = (int(info.min), int(info.max)) if info else (-(10 ** 300), 10 ** 300)
            arr.flat[data.draw(st.integers(0, arr.size - 1))] = data.draw(st.integers(lo, hi)) if info else \
                data.draw(st.floats(allow_nan=True))
        return arr
    if kind == "list":
        return like.tolist()
    if kind == "empty":
        return like[:0].copy()
    return data.draw(GARBAGE)


def _mutate(p: Program, data) -> Program:
    kind = data.draw(st.sampled_from(["code", "code", "code", "array", "program", "function", "var", "param",
                                      "host", "record"]))
    if kind == "code":
        c = p.code
        if not (isinstance(c, np.ndarray) and c.dtype == np.int32 and c.ndim == 2 and c.shape[1] == 4
                and len(c)):
            return p
        pc = data.draw(st.integers(0, len(c) - 1))
        col = data.draw(st.integers(0, 3))
        v = data.draw(INTERESTING_INT32)
        return set_code(p, pc, col, v)
    if kind == "array":
        name = data.draw(st.sampled_from(["code", "lines", "cols", "kf", "ki"]))
        arr = getattr(p, name)
        return attrs.evolve(p, **{name: _junk_array(data, arr) if isinstance(arr, np.ndarray) else
                                  data.draw(GARBAGE)})
    if kind == "program":
        name = data.draw(st.sampled_from(["name", "version", "file", "source", "functions", "strings", "hosts",
                                          "records", "params", "uses"]))
        return attrs.evolve(p, **{name: data.draw(GARBAGE)})
    funcs = p.functions if isinstance(p.functions, tuple) and p.functions else None
    if kind in ("function", "var") and funcs and all(type(f).__name__ == "FunctionInfo" for f in funcs):
        i = data.draw(st.integers(0, len(funcs) - 1))
        f = funcs[i]
        if kind == "var" and isinstance(f.vars, tuple) and f.vars and \
                all(isinstance(v, VarInfo) for v in f.vars):
            j = data.draw(st.integers(0, len(f.vars) - 1))
            field = data.draw(st.sampled_from([a.name for a in attrs.fields(VarInfo)]))
            vars_ = list(f.vars)
            vars_[j] = attrs.evolve(vars_[j], **{field: data.draw(GARBAGE)})
            return set_function(p, i, vars=tuple(vars_))
        field = data.draw(st.sampled_from([a.name for a in attrs.fields(type(f))]))
        value = data.draw(st.one_of(GARBAGE, st.integers(-2, 32)))
        return set_function(p, i, **{field: value})
    if kind == "param" and isinstance(p.params, tuple) and p.params and \
            all(isinstance(q, ParamInfo) for q in p.params):
        i = data.draw(st.integers(0, len(p.params) - 1))
        field = data.draw(st.sampled_from([a.name for a in attrs.fields(ParamInfo)]))
        return set_param(p, i, **{field: data.draw(GARBAGE)})
    table = {"host": "hosts", "record": "records"}.get(kind)
    if table and isinstance(getattr(p, table), tuple) and getattr(p, table):
        rows = getattr(p, table)
        if isinstance(rows[0], tuple) and rows[0] and isinstance(rows[0][0], (PrintItem, RecordField)):
            j = data.draw(st.integers(0, len(rows[0]) - 1))
            field = data.draw(st.sampled_from([a.name for a in attrs.fields(type(rows[0][0]))]))
            return set_item(p, table, 0, j, **{field: data.draw(GARBAGE)})
    return p


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_fuzz_only_bytecode_errors(data):
    p = P
    for _ in range(data.draw(st.integers(1, 4))):
        p = _mutate(p, data)
    try:
        verify(p)
    except BytecodeError as err:
        assert err.rule in RULES, str(err)  # never the "internal" safety net


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(P.code) - 1), st.integers(0, 3), INTERESTING_INT32),
                min_size=1, max_size=3))
def test_fuzz_code_cells(edits):
    p = P
    for pc, col, v in edits:
        p = set_code(p, pc, col, v)
    try:
        verify(p)
    except BytecodeError as err:
        assert err.rule in RULES, str(err)
        if err.pc is not None:
            assert 0 <= err.pc < len(p.code)
