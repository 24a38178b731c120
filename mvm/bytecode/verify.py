"""The bytecode verifier (ARCHITECTURE invariant 3).

Input: a ``Program`` from anywhere (the code generator, ``.mvmc`` bytes, another process), trusted in nothing.
Output: ``None`` when the program is safe to run, otherwise a ``BytecodeError`` naming the function, the pc
and the rule broken (``RULES`` lists the rules). It never raises anything else, whatever the arrays and the
metadata hold.

After verification the interpreter may index its arrays with operands unchecked: every register operand is
inside its frame, every constant, string, host, record, function and math index is inside its table, every
jump stays in its function, every call leaves room for its arguments and its result, and no path falls off
the end of a function. Operand checks are derived from the operand kinds of the opcode table (one generic
loop); only calls, returns, host calls and record results have rules spanning several operands or tables.
"""

from __future__ import annotations

import math

import numpy as np

from mvm.bytecode import opcodes as O
from mvm.bytecode.program import (
    ARRAY_TYPES,
    SCALAR_TYPES,
    VALUE_TYPES,
    FunctionInfo,
    ParamInfo,
    PrintItem,
    Program,
    RecordField,
    UseInfo,
    VarInfo,
    bank_of,
)
from mvm.errors import BytecodeError

MAX_FRAME = 65535  # registers per bank per frame; bounds the register files a frame can claim

# rule name -> what it requires (the spec's list of verifier rules is generated from this)
RULES: dict[str, str] = {
    "metadata": "every field of the program and of its tables has the documented Python type "
                "(str, int, tuple of records ...)",
    "arrays": "code is C-contiguous int32 (n, 4); lines and cols int32 (n,); kf float64 (m,); ki int64 (k,)",
    "function-name": "function names are non-empty and unique",
    "function-range": "each function owns a non-empty range 0 <= entry < end <= n",
    "function-overlap": "function ranges do not overlap",
    "function-cover": "every instruction belongs to a function",
    "frame-size": f"frame_i and frame_f are between 0 and {MAX_FRAME}",
    "return-type": "ret_type is a value type, \"record\" or None, and every return matches it: "
                   "int, bool and arrays RET_I, float RET_F, None RET, record RET_REC",
    "param-regs": "param_names, param_types and param_regs have equal lengths, types are value types, "
                  "parameter k sits in the register numbered by the parameters before it in its bank, "
                  "and the parameters fit the frame",
    "var-info": "each variable's type is a value type, its bank matches the type, its register is inside "
                "the frame and its pc range inside the function",
    "param": "model parameters have unique names, a scalar type, a default of that type and an "
             "inclusive range lo <= default <= hi",
    "param-slot": "a parameter's slot is inside KF (float) or KI (int, bool) and no two share one",
    "host-item": "print items have type \"str\" or a value type, and registers inside the frame of "
                 "every function whose HOST uses them",
    "record-field": "record fields have unique names, a value type, the matching bank and registers "
                    "inside the frame of every function whose RET_REC uses them",
    "line-table": "lines and cols are non-negative",
    "opcode": "the opcode is in the opcode table",
    "operand-unused": "operands of kind _ are 0",
    "register": "ri/rf operands are below frame_i/frame_f; call bases (ab) at most the frame size",
    "const-index": "ki/kf operands index KI/KF",
    "function-index": "fn operands index the function table",
    "string-index": "str operands index the string table",
    "host-index": "host operands index the host-call table",
    "record-index": "rec operands index the record table",
    "math-id": "m1 operands index MATH1",
    "jump-target": "pc operands lie in [entry, end) of the same function",
    "call-args": "CALL f, ib, fb: ib + f.n_params_i <= frame_i and fb + f.n_params_f <= frame_f",
    "call-result": "the callee's result register (ib or fb) is inside the caller's frame; "
                   "record-returning functions are not called",
    "fall-through": "the last instruction of a function jumps, returns or traps",
}

_UNBOUNDED_IMM = (-(2 ** 31), 2 ** 31)

# what each operand kind indexes, for messages
_KIND_WHAT = {
    "_": "unused operand", "ri": "int register", "ri2": "int register pair", "rf": "float register", "ki": "int constant",
    "kf": "float constant", "imm": "immediate", "pc": "jump target", "fn": "function",
    "str": "string", "host": "host call", "rec": "record", "m1": "math function", "ab": "call base",
}

# the rule each operand kind answers to
_KIND_RULE = {
    "_": "operand-unused", "ri": "register", "ri2": "register", "rf": "register", "ki": "const-index", "kf": "const-index",
    "imm": "operand-unused",  # never reported: every int32 is a valid immediate
    "pc": "jump-target", "fn": "function-index", "str": "string-index",
    "host": "host-index", "rec": "record-index", "m1": "math-id", "ab": "register",
}

# the bank of a call base by operand position (b: int bank, c: float bank)
_AB_BANK = {1: "i", 2: "f"}

# the return opcode a function's ret_type demands
_INT_RESULTS = ("int", "bool") + ARRAY_TYPES


def _return_op(ret_type: str | None) -> int:
    if ret_type is None:
        return O.RET
    if ret_type == "record":
        return O.RET_REC
    if ret_type == "float":
        return O.RET_F
    return O.RET_I


def verify(program: Program) -> None:
    """Check ``program`` against every rule in ``RULES``; raise ``BytecodeError`` on the first violation."""
    try:
        _Verifier(program).run()
    except BytecodeError:
        raise
    except Exception as exc:  # a safety net only: the checks are written so that this never fires
        text = f"{type(exc).__name__}: {exc}"[:200]
        raise BytecodeError(f"malformed program ({text})", rule="internal") from None


def _fail(rule: str, message: str, function: str | None = None, pc: int | None = None):
    raise BytecodeError(message, function=function, pc=pc, rule=rule)


# ---------------------------------------------------------------- Python types of the metadata

def _is_int(x) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))


def _is_num(x) -> bool:
    return isinstance(x, (int, float, np.integer, np.floating)) and not isinstance(x, np.bool_)


def _py(x):
    """A numpy scalar as the Python number it holds (numpy refuses to compare with huge Python ints)."""
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.floating):
        return float(x)
    return x


def _is_seq(x) -> bool:
    return isinstance(x, (tuple, list))


def _need(cond: bool, what: str, function: str | None = None) -> None:
    if not cond:
        _fail("metadata", what, function)


def _need_str(x, what: str, function: str | None = None, optional: bool = False) -> None:
    _need(isinstance(x, str) or (optional and x is None),
          f"{what} must be a string{' or None' if optional else ''}, not {type(x).__name__}", function)


def _need_int(x, what: str, function: str | None = None) -> None:
    _need(_is_int(x), f"{what} must be an int, not {type(x).__name__}", function)


def _need_seq(x, what: str, item_type=None, function: str | None = None) -> None:
    _need(_is_seq(x), f"{what} must be a tuple, not {type(x).__name__}", function)
    if item_type is not None:
        for k, item in enumerate(x):
            _need(type(item) is item_type,
                  f"{what}[{k}] must be a {item_type.__name__}, not {type(item).__name__}", function)


def _check_metadata(p) -> None:
    """Every field has the Python type the rest of the verifier (and the runtime) assumes."""
    _need(type(p) is Program, f"expected a Program, got {type(p).__name__}")
    _need_str(p.name, "program name")
    _need_str(p.version, "program version", optional=True)
    _need_str(p.file, "program file", optional=True)
    _need_str(p.source, "program source", optional=True)
    _need_seq(p.functions, "functions", FunctionInfo)
    for k, f in enumerate(p.functions):
        _need_str(f.name, f"functions[{k}].name")
        fname = f.name
        for attr in ("entry", "end", "frame_i", "frame_f", "line", "col"):
            _need_int(getattr(f, attr), f"{attr} of function {fname!r}", fname)
        for attr in ("param_names", "param_types"):
            seq = getattr(f, attr)
            _need_seq(seq, f"{attr} of function {fname!r}", function=fname)
            for x in seq:
                _need_str(x, f"an entry of {attr}", fname)
        _need_seq(f.param_regs, f"param_regs of function {fname!r}", function=fname)
        for x in f.param_regs:
            _need_int(x, "an entry of param_regs", fname)
        _need_str(f.ret_type, f"ret_type of function {fname!r}", fname, optional=True)
        _need_seq(f.vars, f"vars of function {fname!r}", VarInfo, fname)
        for v in f.vars:
            _need_str(v.name, "a variable name", fname)
            _need_str(v.type, f"type of variable {v.name!r}", fname)
            _need_str(v.bank, f"bank of variable {v.name!r}", fname)
            for attr in ("reg", "start", "end"):
                _need_int(getattr(v, attr), f"{attr} of variable {v.name!r}", fname)
    _need_seq(p.strings, "strings")
    for x in p.strings:
        _need_str(x, "a string table entry")
    _need_seq(p.hosts, "hosts")
    for h, items in enumerate(p.hosts):
        _need_seq(items, f"hosts[{h}]", PrintItem)
        for it in items:
            _need_str(it.type, f"type of an item of hosts[{h}]")
            _need_int(it.reg, f"reg of an item of hosts[{h}]")
            _need_str(it.text, f"text of an item of hosts[{h}]")
    _need_seq(p.records, "records")
    for r, fields in enumerate(p.records):
        _need_seq(fields, f"records[{r}]", RecordField)
        for fd in fields:
            _need_str(fd.name, f"a field name of records[{r}]")
            _need_str(fd.type, f"type of field {fd.name!r}")
            _need_str(fd.bank, f"bank of field {fd.name!r}")
            _need_int(fd.reg, f"reg of field {fd.name!r}")
    _need_seq(p.params, "params", ParamInfo)
    for prm in p.params:
        _need_str(prm.name, "a parameter name")
        _need_str(prm.type, f"type of parameter {prm.name!r}")
        _need(_is_num(prm.default), f"default of parameter {prm.name!r} must be a number")
        for attr in ("lo", "hi"):
            x = getattr(prm, attr)
            _need(x is None or _is_num(x), f"{attr} of parameter {prm.name!r} must be a number or None")
        for attr in ("slot", "line", "col"):
            _need_int(getattr(prm, attr), f"{attr} of parameter {prm.name!r}")
    _need_seq(p.uses, "uses", UseInfo)
    for u in p.uses:
        _need_str(u.name, "a use name")
        _need_str(u.constraint, f"constraint of use {u.name!r}", optional=True)
        _need_str(u.alias, f"alias of use {u.name!r}", optional=True)
        _need_int(u.line, f"line of use {u.name!r}")
        _need_int(u.col, f"col of use {u.name!r}")


# ---------------------------------------------------------------- arrays

def _check_array(arr, name: str, dtype, ndim: int) -> None:
    if type(arr) is not np.ndarray:
        _fail("arrays", f"{name} must be a numpy array, not {type(arr).__name__}")
    if arr.dtype != np.dtype(dtype):
        _fail("arrays", f"{name} must have dtype {np.dtype(dtype).name}, not {arr.dtype}")
    if arr.ndim != ndim:
        _fail("arrays", f"{name} must have {ndim} dimension(s), not {arr.ndim}")
    if not arr.flags.c_contiguous:
        _fail("arrays", f"{name} must be C-contiguous")


def _check_arrays(p: Program) -> int:
    _check_array(p.code, "code", np.int32, 2)
    if p.code.shape[1] != 4:
        _fail("arrays", f"code must have 4 columns (op, a, b, c), not {p.code.shape[1]}")
    n = p.code.shape[0]
    for name in ("lines", "cols"):
        arr = getattr(p, name)
        _check_array(arr, name, np.int32, 1)
        if arr.shape[0] != n:
            _fail("arrays", f"{name} has {arr.shape[0]} entries but code has {n} instructions")
    _check_array(p.kf, "kf", np.float64, 1)
    _check_array(p.ki, "ki", np.int64, 1)
    return n


# ---------------------------------------------------------------- the verifier

class _Verifier:
    """One verification run; holds the tables every check reads."""

    def __init__(self, program):
        self.p = program

    def run(self) -> None:
        p = self.p
        _check_metadata(p)
        self.n = _check_arrays(p)
        self.funcs: list[FunctionInfo] = list(p.functions)
        self._check_function_table()
        for f in self.funcs:
            self._check_function_header(f)
        self._check_params()
        self._check_hosts_and_records()
        self._check_line_table()
        code = p.code.tolist()
        for f in self.funcs:
            self._check_body(f, code)

    # --- the function table

    def _check_function_table(self) -> None:
        seen: set[str] = set()
        for f in self.funcs:
            if not f.name:
                _fail("function-name", "a function has an empty name")
            if f.name in seen:
                _fail("function-name", f"two functions are called {f.name!r}", f.name)
            seen.add(f.name)
        for f in self.funcs:
            if not 0 <= f.entry < f.end <= self.n:
                _fail("function-range", f"function range [{f.entry}, {f.end}) is empty or outside the code "
                      f"[0, {self.n})", f.name)
        order = sorted(self.funcs, key=lambda f: (int(f.entry), int(f.end)))
        for prev, cur in zip(order, order[1:]):
            if cur.entry < prev.end:
                _fail("function-overlap", f"range [{cur.entry}, {cur.end}) overlaps function {prev.name!r} "
                      f"[{prev.entry}, {prev.end})", cur.name, int(cur.entry))
        pc = 0
        for f in order:
            if f.entry != pc:
                _fail("function-cover", f"instructions [{pc}, {f.entry}) belong to no function", None, pc)
            pc = int(f.end)
        if pc != self.n:
            _fail("function-cover", f"instructions [{pc}, {self.n}) belong to no function", None, pc)

    def _check_function_header(self, f: FunctionInfo) -> None:
        name = f.name
        for attr in ("frame_i", "frame_f"):
            size = getattr(f, attr)
            if not 0 <= size <= MAX_FRAME:
                _fail("frame-size", f"{attr} = {size} outside [0, {MAX_FRAME}]", name)
        if not (f.ret_type is None or f.ret_type == "record" or f.ret_type in VALUE_TYPES):
            _fail("return-type", f"unknown ret_type {f.ret_type!r}", name)
        k = len(f.param_types)
        if len(f.param_names) != k or len(f.param_regs) != k:
            _fail("param-regs", f"{len(f.param_names)} parameter names, {k} types and {len(f.param_regs)} "
                  f"registers", name)
        counts = {"i": 0, "f": 0}
        for pname, ptype, preg in zip(f.param_names, f.param_types, f.param_regs):
            if ptype not in VALUE_TYPES:
                _fail("param-regs", f"parameter {pname!r} has unknown type {ptype!r}", name)
            bank = bank_of(ptype)
            if preg != counts[bank]:
                _fail("param-regs", f"parameter {pname!r} must be in register {bank}{counts[bank]}, "
                      f"not {bank}{preg}", name)
            counts[bank] += 1
        if counts["i"] > f.frame_i or counts["f"] > f.frame_f:
            _fail("param-regs", f"{counts['i']} int and {counts['f']} float parameters do not fit the frame "
                  f"(frame_i {f.frame_i}, frame_f {f.frame_f})", name)
        for v in f.vars:
            if v.type not in VALUE_TYPES or v.bank != bank_of(v.type):
                _fail("var-info", f"variable {v.name!r} has type {v.type!r} in bank {v.bank!r}", name)
            size = f.frame_f if v.bank == "f" else f.frame_i
            if not 0 <= v.reg < size:
                _fail("var-info", f"variable {v.name!r} in register {v.bank}{v.reg} outside the frame "
                      f"({size} registers)", name)
            if not f.entry <= v.start <= v.end <= f.end:
                _fail("var-info", f"variable {v.name!r} lives over [{v.start}, {v.end}), not inside "
                      f"[{f.entry}, {f.end})", name)

    # --- model parameters, host calls, records, line table

    def _check_params(self) -> None:
        p = self.p
        names: set[str] = set()
        slots = {"i": set(), "f": set()}
        for prm in p.params:
            if prm.name in names or not prm.name:
                _fail("param", f"parameter name {prm.name!r} is empty or repeated")
            names.add(prm.name)
            if prm.type not in SCALAR_TYPES:
                _fail("param", f"parameter {prm.name!r} has type {prm.type!r}, not int, float or bool")
            d, lo, hi = _py(prm.default), _py(prm.lo), _py(prm.hi)
            if prm.type == "bool":
                ok = isinstance(d, bool) or (_is_int(d) and d in (0, 1))
            elif prm.type == "int":
                ok = _is_int(d)
            else:
                ok = _is_num(d) and not isinstance(d, bool)
            if not ok:
                _fail("param", f"default {d!r} of parameter {prm.name!r} is not a {prm.type}")
            for bound in (lo, hi):
                if bound is not None and (isinstance(bound, bool) or
                                          (isinstance(bound, float) and math.isnan(bound))):
                    _fail("param", f"bound {bound!r} of parameter {prm.name!r} is not a number")
            if (lo is not None and not lo <= d) or (hi is not None and not d <= hi):
                _fail("param", f"default {d!r} of parameter {prm.name!r} is outside its range "
                      f"[{prm.lo}, {prm.hi}]")
            bank = bank_of(prm.type)
            pool = len(p.kf) if bank == "f" else len(p.ki)
            if not 0 <= prm.slot < pool:
                _fail("param-slot", f"parameter {prm.name!r} slot {prm.slot} outside "
                      f"{'KF' if bank == 'f' else 'KI'} (size {pool})")
            if prm.slot in slots[bank]:
                _fail("param-slot", f"parameter {prm.name!r} shares slot {prm.slot} with another")
            slots[bank].add(int(prm.slot))

    def _check_hosts_and_records(self) -> None:
        for h, items in enumerate(self.p.hosts):
            for it in items:
                if it.type != "str" and it.type not in VALUE_TYPES:
                    _fail("host-item", f"hosts[{h}] has an item of unknown type {it.type!r}")
        for r, fields in enumerate(self.p.records):
            names: set[str] = set()
            for fd in fields:
                if fd.name in names or not fd.name:
                    _fail("record-field", f"records[{r}] field name {fd.name!r} is empty or repeated")
                names.add(fd.name)
                if fd.type not in VALUE_TYPES or fd.bank != bank_of(fd.type):
                    _fail("record-field", f"records[{r}] field {fd.name!r} has type {fd.type!r} in bank "
                          f"{fd.bank!r}")

    def _check_line_table(self) -> None:
        for name in ("lines", "cols"):
            bad = np.flatnonzero(getattr(self.p, name) < 0)
            if bad.size:
                pc = int(bad[0])
                fi = self.p.function_at(pc)
                _fail("line-table", f"{name}[{pc}] is negative", self.funcs[fi].name if fi >= 0 else None, pc)

    # --- instructions

    def _operand_ranges(self, f: FunctionInfo, used) -> dict[int, tuple]:
        """For each opcode in ``used``, the allowed half-open range of each operand inside function ``f``."""
        p = self.p
        size = {"ri": f.frame_i, "ri2": f.frame_i - 1, "rf": f.frame_f, "ki": len(p.ki), "kf": len(p.kf),
                "fn": len(self.funcs), "str": len(p.strings), "host": len(p.hosts),
                "rec": len(p.records), "m1": len(O.MATH1)}
        frame = {"i": f.frame_i, "f": f.frame_f}
        table = {}
        for opc in used:
            op = O.BY_CODE.get(opc)
            if op is None:
                continue        # reported where it occurs
            ranges = []
            for pos, kind in enumerate(op.operands):
                if kind == "_":
                    ranges.append((0, 1))
                elif kind == "imm":
                    ranges.append(_UNBOUNDED_IMM)
                elif kind == "pc":
                    ranges.append((int(f.entry), int(f.end)))
                elif kind == "ab":
                    ranges.append((0, int(frame[_AB_BANK[pos]]) + 1))
                else:
                    ranges.append((0, max(0, int(size[kind]))))
            table[op.code] = tuple(ranges)
        return table

    def _check_body(self, f: FunctionInfo, code: list) -> None:
        name = f.name
        ranges = self._operand_ranges(f, {row[0] for row in code[f.entry:f.end]})
        want_ret = _return_op(f.ret_type)
        returns = (O.RET, O.RET_I, O.RET_F, O.RET_REC)
        for pc in range(f.entry, f.end):
            row = code[pc]
            opc = row[0]
            op = O.BY_CODE.get(opc)
            if op is None:
                _fail("opcode", f"unknown opcode {opc}", name, pc)
            for pos, ((lo, hi), kind) in enumerate(zip(ranges[opc], op.operands)):
                v = row[pos + 1]
                if not lo <= v < hi:
                    what = _KIND_WHAT[kind]
                    if kind == "_":
                        msg = f"{op.name} operand {'abc'[pos]} is unused and must be 0, not {v}"
                    elif kind == "ab":
                        bank = "int" if _AB_BANK[pos] == "i" else "float"
                        msg = f"{op.name} {what} {'abc'[pos]} = {v} outside the {bank} frame [0, {hi - 1}]"
                    else:
                        msg = f"{op.name} {what} {'abc'[pos]} = {v} outside [{lo}, {hi})"
                    _fail(_KIND_RULE[kind], msg, name, pc)
            if opc == O.CALL:
                self._check_call(f, row, pc)
            elif opc in returns:
                if opc != want_ret:
                    _fail("return-type", f"{op.name} in a function returning {f.ret_type or 'nothing'} "
                          f"(expected {O.OPCODES[want_ret].name})", name, pc)
                if opc == O.RET_REC:
                    self._check_regs(f, self.p.records[row[1]], "record-field", f"record {row[1]}", pc)
            elif opc == O.HOST:
                items = [it for it in self.p.hosts[row[1]] if it.type != "str"]
                self._check_regs(f, items, "host-item", f"host call {row[1]}", pc)
        last = O.BY_CODE[code[f.end - 1][0]]
        if last.flow in (O.NEXT, O.COND):
            _fail("fall-through", f"{last.name} at the end of the function lets control fall off its end",
                  name, f.end - 1)

    def _check_regs(self, f: FunctionInfo, items, rule: str, what: str, pc: int) -> None:
        """Registers named by print items or record fields must lie in the frame of ``f``."""
        for it in items:
            bank = bank_of(it.type)
            size = f.frame_f if bank == "f" else f.frame_i
            if not 0 <= it.reg < size:
                _fail(rule, f"{what} reads register {bank}{it.reg} outside the frame ({size} registers)",
                      f.name, pc)

    def _check_call(self, f: FunctionInfo, row: list, pc: int) -> None:
        callee = self.funcs[row[1]]
        ib, fb = row[2], row[3]
        npi = sum(1 for t in callee.param_types if bank_of(t) == "i")
        npf = len(callee.param_types) - npi
        if ib + npi > f.frame_i:
            _fail("call-args", f"CALL {callee.name}: {npi} int arguments from i{ib} overrun the frame "
                  f"(frame_i {f.frame_i})", f.name, pc)
        if fb + npf > f.frame_f:
            _fail("call-args", f"CALL {callee.name}: {npf} float arguments from f{fb} overrun the frame "
                  f"(frame_f {f.frame_f})", f.name, pc)
        ret = callee.ret_type
        if ret == "record":
            _fail("call-result", f"CALL {callee.name}: a record-returning function is only called by the host",
                  f.name, pc)
        if ret in _INT_RESULTS and ib >= f.frame_i:
            _fail("call-result", f"CALL {callee.name}: result register i{ib} outside the frame "
                  f"(frame_i {f.frame_i})", f.name, pc)
        if ret == "float" and fb >= f.frame_f:
            _fail("call-result", f"CALL {callee.name}: result register f{fb} outside the frame "
                  f"(frame_f {f.frame_f})", f.name, pc)
