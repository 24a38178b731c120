"""A tiny assembler for VM tests: build a ``Program`` from lists of ``(opname, a, b, c)`` per function.

Input: function descriptions (``Fn``); operands may be label names (resolved to absolute pcs) and, for
``CALL``, function names. Output: a ``Program`` the ``Machine`` runs (hand-written, so keep it valid).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mvm.bytecode import opcodes
from mvm.bytecode.program import FunctionInfo, ParamInfo, PrintItem, Program, RecordField, VarInfo


@dataclass
class Fn:
    """One function: code items are ``(op, a, b, c)`` tuples (shorter tuples are zero-padded) or
    ``"label:"`` strings; ``lines`` optionally gives one source line per instruction."""

    name: str
    code: list
    params: list[tuple[str, str]] = field(default_factory=list)
    ret: str | None = None
    frame_i: int = 8
    frame_f: int = 8
    lines: list[int] | None = None
    vars: list[tuple[str, str, int, int, int]] = field(default_factory=list)  # name, type, reg, start, end
    line: int = 1


def assemble(fns: list[Fn], *, name="test", kf=(), ki=(), strings=(), hosts=(), records=(), params=(),
             source=None, file="test.mvm") -> Program:
    """Assemble ``fns`` into one ``Program`` (functions laid out in order)."""
    fidx = {f.name: i for i, f in enumerate(fns)}
    rows, lines, infos = [], [], []
    for f in fns:
        entry = len(rows)
        labels, instrs = {}, []
        for item in f.code:
            if isinstance(item, str):
                labels[item.rstrip(":")] = entry + len(instrs)
            else:
                instrs.append(tuple(item) + (0,) * (4 - len(item)))
        for k, (op, a, b, c) in enumerate(instrs):
            opd = opcodes.BY_NAME[op] if isinstance(op, str) else None

            def res(v, kind):
                if isinstance(v, str):
                    return fidx[v] if kind == "fn" else labels[v]
                return v
            code = opd.code if opd else op
            kinds = opd.operands if opd else ("_", "_", "_")
            rows.append((code, res(a, kinds[0]), res(b, kinds[1]), res(c, kinds[2])))
            lines.append(f.lines[k] if f.lines else f.line + k)
        regs_i = regs_f = 0
        pregs = []
        for _, t in f.params:
            if t == "float":
                pregs.append(regs_f)
                regs_f += 1
            else:
                pregs.append(regs_i)
                regs_i += 1
        vars_ = tuple(VarInfo(name=n, type=t, bank="f" if t == "float" else "i", reg=r, start=entry + s,
                              end=entry + e) for n, t, r, s, e in f.vars)
        infos.append(FunctionInfo(name=f.name, entry=entry, end=len(rows),
                                  param_names=tuple(n for n, _ in f.params),
                                  param_types=tuple(t for _, t in f.params), param_regs=tuple(pregs),
                                  ret_type=f.ret, frame_i=f.frame_i, frame_f=f.frame_f, line=f.line, col=1,
                                  vars=vars_))
    n = len(rows)
    return Program(
        name=name, version=None, file=file, source=source,
        code=np.array(rows, dtype=np.int32).reshape(n, 4),
        lines=np.array(lines, dtype=np.int32), cols=np.ones(n, dtype=np.int32),
        kf=np.array(kf, dtype=np.float64), ki=np.array(ki, dtype=np.int64),
        functions=tuple(infos), strings=tuple(strings),
        hosts=tuple(tuple(h) for h in hosts), records=tuple(tuple(r) for r in records),
        params=tuple(params))


def fib_program(n: int) -> Program:
    """``fib`` by naive recursion and a ``main`` returning ``fib(n)``."""
    fib = Fn("fib", [
        ("JLTI_I", 0, 2, "base"),
        ("ADDI_I", 1, 0, -1),
        ("CALL", "fib", 1, 0),
        ("ADDI_I", 2, 0, -2),
        ("CALL", "fib", 2, 0),
        ("ADD_I", 0, 1, 2),
        ("RET_I", 0),
        "base:",
        ("RET_I", 0),
    ], params=[("n", "int")], ret="int", frame_i=3, frame_f=0, line=10)
    main = Fn("main", [("LOADI", 0, n), ("CALL", "fib", 0, 0), ("RET_I", 0)], ret="int", frame_i=1,
              frame_f=0, line=1)
    return assemble([main, fib])


__all__ = ["Fn", "assemble", "fib_program", "PrintItem", "RecordField", "ParamInfo"]
