"""The disassembler: a ``Program`` as text a person can read.

Input: a ``Program`` (normally verified; an unverified one prints ``?`` where an index is bad instead of
failing). Output: deterministic text: a model header, then per function a header (name, parameters with
their registers, result, pc range, frame sizes, variables) and one line per instruction, in clox's layout::

    0012   14 JLE_I      i0, i2, -> 27

pc, source line (``|`` when it repeats the previous instruction's), opcode, operands. Operands are printed
by operand kind, never by opcode: registers ``i3``/``f2``, constants ``kf1=1000.0`` (``kf0=$beta`` for a
model parameter's slot), jumps ``-> 17``, functions by name, TRAP strings quoted, print descriptors as
``print(...)``, records as ``{name: reg, ...}``, math functions by name. When the source text is available,
each change of line is preceded by the source line as a ``;`` comment.
"""

from __future__ import annotations

import json

import numpy as np

from mvm.bytecode import opcodes as O
from mvm.bytecode.program import Program, bank_of

_NAME_WIDTH = max(len(op.name) for op in O.OPCODES) + 1


def disassemble(program: Program) -> str:
    """The whole program as text, one function after another."""
    out = [_model_header(program)]
    for prm in program.params:
        rng = f" in [{_value(prm.lo)}, {_value(prm.hi)}]" if prm.lo is not None or prm.hi is not None else ""
        pool = "kf" if prm.type == "float" else "ki"
        out.append(f"; param {prm.name}: {prm.type} = {_value(prm.default)}{rng}  ({pool}{prm.slot})")
    src_lines = program.source.splitlines() if isinstance(program.source, str) else None
    slot_names = _slot_names(program)
    for index, f in enumerate(program.functions):
        out.append("")
        out.extend(_function(program, index, f, src_lines, slot_names))
    return "\n".join(out) + "\n"


def _model_header(p: Program) -> str:
    head = f"; model {p.name}"
    if p.version:
        head += f" version {p.version}"
    if p.file:
        head += f" ({p.file})"
    return head + f": {len(p.functions)} functions, {len(p.code)} instructions, " \
                  f"{len(p.kf)} float and {len(p.ki)} int constants"


def _function(p: Program, index: int, f, src_lines, slot_names) -> list[str]:
    params = ", ".join(f"{n}: {t} {bank_of(t)}{r}"
                       for n, t, r in zip(f.param_names, f.param_types, f.param_regs))
    ret = f" -> {f.ret_type}" if f.ret_type else ""
    lines = [f"fn {f.name}({params}){ret}  ; #{index}, pc [{f.entry}, {f.end}), "
             f"frame i{f.frame_i} f{f.frame_f}, line {f.line}"]
    for v in f.vars:
        lines.append(f"  ; var {v.name}: {v.type} {v.bank}{v.reg} live [{v.start}, {v.end})")
    rows = p.code[f.entry:f.end].tolist()
    line_of = p.lines[f.entry:f.end].tolist()
    prev = None
    for pc, row, line in zip(range(f.entry, f.end), rows, line_of):
        if line != prev and src_lines is not None and 1 <= line <= len(src_lines):
            lines.append(f"{'':12}; {line}: {src_lines[line - 1].strip()}")
        shown = "|" if line == prev else str(line)
        prev = line
        lines.append(f"{pc:04d} {shown:>4}  {_format(p, row, slot_names)}")
    return lines


def _slot_names(program: Program) -> dict:
    """(bank, slot) -> parameter name, so that constant operands naming a parameter print its name."""
    return {("f" if q.type == "float" else "i", q.slot): q.name for q in program.params}


def instruction(program: Program, pc: int) -> str:
    """One instruction as ``NAME operands`` (the part of a listing line after pc and line)."""
    return _format(program, program.code[pc].tolist(), _slot_names(program))


def _format(program: Program, row: list, slot_names: dict) -> str:
    opc, a, b, c = row
    op = O.BY_CODE.get(opc)
    if op is None:
        return f"??? {opc} {a}, {b}, {c}"
    shown = [_operand(program, kind, pos, v, slot_names)
             for pos, (kind, v) in enumerate(zip(op.operands, (a, b, c))) if kind != "_"]
    return f"{op.name:<{_NAME_WIDTH}}{', '.join(shown)}".rstrip()


def _get(seq, i):
    return seq[i] if 0 <= i < len(seq) else None


def _value(x) -> str:
    """A parameter value as DSL text (numpy scalars print like Python numbers)."""
    if isinstance(x, (bool, np.bool_)):
        return "true" if x else "false"
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    if isinstance(x, (float, np.floating)):
        return repr(float(x))
    return str(x)


def _operand(p: Program, kind: str, pos: int, v: int, slot_names: dict) -> str:
    """One operand, formatted by its kind (the operand shapes of the opcode table)."""
    if kind == "ri":
        return f"i{v}"
    if kind == "ri2":
        return f"i{v}:i{v + 1}"
    if kind == "rf":
        return f"f{v}"
    if kind == "ab":
        return f"i{v}" if pos == 1 else f"f{v}"
    if kind == "imm":
        return str(v)
    if kind == "pc":
        return f"-> {v}"
    if kind in ("ki", "kf"):
        pool = p.ki if kind == "ki" else p.kf
        name = slot_names.get((kind[1], v))
        if name is not None:
            return f"{kind}{v}=${name}"
        x = _get(pool, v)
        return f"{kind}{v}=" + ("?" if x is None else repr(float(x)) if kind == "kf" else str(int(x)))
    if kind == "fn":
        f = _get(p.functions, v)
        return f.name if f is not None else f"fn?{v}"
    if kind == "str":
        s = _get(p.strings, v)
        return json.dumps(s, ensure_ascii=False) if s is not None else f"str?{v}"
    if kind == "m1":
        m = _get(O.MATH1, v)
        return m if m is not None else f"m1?{v}"
    if kind == "host":
        items = _get(p.hosts, v)
        if items is None:
            return f"host?{v}"
        shown = [json.dumps(it.text, ensure_ascii=False) if it.type == "str" else f"{bank_of(it.type)}{it.reg}"
                 for it in items]
        return "print(" + ", ".join(shown) + ")"
    if kind == "rec":
        fields = _get(p.records, v)
        if fields is None:
            return f"rec?{v}"
        return "{" + ", ".join(f"{fd.name}: {fd.bank}{fd.reg}" for fd in fields) + "}"
    return str(v)
