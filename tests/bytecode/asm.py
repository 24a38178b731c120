"""A tiny assembler for tests: hand-built ``Program`` objects without the compiler.

Input: functions written as lists of ``("OPNAME", a, b, c)`` tuples (missing operands are 0), labels
(``"loop:"``) and line markers (``("@", 12)``). Jump operands are label names or offsets from the function's
entry; ``fn`` operands may be function names. Output: a ``Program`` (not verified: tests break it on purpose).
"""

from __future__ import annotations

import attrs
import numpy as np

from mvm.bytecode import opcodes as O
from mvm.bytecode.program import FunctionInfo, Program, VarInfo, bank_of


@attrs.frozen
class Fn:
    """A function before assembly."""

    name: str
    body: list
    params: tuple = ()            # (name, type) pairs
    ret: str | None = None
    frame_i: int = 0
    frame_f: int = 0
    vars: tuple = ()              # (name, type, reg, start, end) with start/end relative to the entry
    line: int = 1


def fn(name, body, *, params=(), ret=None, frame_i=0, frame_f=0, vars=(), line=1) -> Fn:
    """Describe one function for ``assemble``."""
    return Fn(name, list(body), tuple(params), ret, frame_i, frame_f, tuple(vars), line)


def assemble(*fns: Fn, kf=(), ki=(), strings=(), hosts=(), records=(), params=(), uses=(),
             name="t", version=None, file=None, source=None) -> Program:
    """Lay the functions out one after another and build the ``Program``."""
    names = [f.name for f in fns]
    rows, lines, cols, infos = [], [], [], []
    for f in fns:
        entry = len(rows)
        labels, pc = {}, entry
        for item in f.body:
            if isinstance(item, str):
                labels[item.rstrip(":")] = pc
            elif item[0] != "@":
                pc += 1
        line = f.line
        for item in f.body:
            if isinstance(item, str):
                continue
            if item[0] == "@":
                line = item[1]
                continue
            op = O.BY_NAME[item[0]]
            ops = list(item[1:]) + [0] * (4 - len(item))
            for k, kind in enumerate(op.operands):
                v = ops[k]
                if kind == "pc":
                    ops[k] = labels[v] if isinstance(v, str) else entry + v
                elif kind == "fn" and isinstance(v, str):
                    ops[k] = names.index(v)
            rows.append([op.code, *ops])
            lines.append(line)
            cols.append(1)
        counts = {"i": 0, "f": 0}
        regs = []
        for _, t in f.params:
            regs.append(counts[bank_of(t)])
            counts[bank_of(t)] += 1
        infos.append(FunctionInfo(
            name=f.name, entry=entry, end=len(rows),
            param_names=tuple(n for n, _ in f.params), param_types=tuple(t for _, t in f.params),
            param_regs=tuple(regs), ret_type=f.ret, frame_i=f.frame_i, frame_f=f.frame_f,
            line=f.line, col=1,
            vars=tuple(VarInfo(name=n, type=t, bank=bank_of(t), reg=r, start=entry + s, end=entry + e)
                       for n, t, r, s, e in f.vars)))
    return Program(
        name=name, version=version, file=file, source=source,
        code=np.array(rows, dtype=np.int32).reshape(-1, 4),
        lines=np.array(lines, dtype=np.int32), cols=np.array(cols, dtype=np.int32),
        kf=np.array(kf, dtype=np.float64), ki=np.array(ki, dtype=np.int64),
        functions=tuple(infos), strings=tuple(strings), hosts=tuple(tuple(h) for h in hosts),
        records=tuple(tuple(r) for r in records), params=tuple(params), uses=tuple(uses))


def evolve(program: Program, **changes) -> Program:
    """A copy of ``program`` with some fields replaced."""
    return attrs.evolve(program, **changes)


def set_code(program: Program, pc: int, col: int, value: int) -> Program:
    """A copy of ``program`` with ``code[pc, col] = value`` (col 0 is the opcode, 1..3 are a, b, c)."""
    code = program.code.copy()
    code[pc, col] = value
    return attrs.evolve(program, code=code)


def set_function(program: Program, index: int, **changes) -> Program:
    """A copy of ``program`` with fields of function ``index`` replaced."""
    funcs = list(program.functions)
    funcs[index] = attrs.evolve(funcs[index], **changes)
    return attrs.evolve(program, functions=tuple(funcs))
