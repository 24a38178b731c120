"""IR passes: constant folding, copy propagation, immediate selection, dead-code removal.

Input: an IR ``Function``. Output: the same function, rewritten in place. Each pass returns whether it
changed anything. ``run_passes`` runs the pipeline; ``MVM_DUMP_AFTER=fold,dce`` prints the IR after the
named passes (``all`` for every pass), and ``verify=True`` checks IR invariants after each pass.
"""

from __future__ import annotations

import math
import os
import sys
from collections import Counter

from mvm.lang.arith import c_pow, float_floordiv, float_mod, ieee_div, wrap as _wrap
from mvm.ir.nodes import (PURE, PURE_IF_FLOAT, Block, Function, ImmF, ImmI, Instr, ParamK, VReg,
                          format_function, uses_of, verify_function)

INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1


def _all_instrs(fn: Function):
    for b in fn.blocks:
        yield from b.instrs
        if b.term is not None:
            yield b.term


def _def_counts(fn: Function) -> Counter:
    counts = Counter(id(p) for p in fn.params)
    for i in _all_instrs(fn):
        if i.dst is not None:
            counts[id(i.dst)] += 1
    return counts


def _use_counts(fn: Function) -> Counter:
    return Counter(id(u) for i in _all_instrs(fn) for u in uses_of(i))


def _known_constants(fn: Function) -> dict:
    """id(vreg) -> defining instruction, for registers defined exactly once by ``const`` or ``param``."""
    defs = _def_counts(fn)
    out = {}
    for i in _all_instrs(fn):
        if i.op in ("const", "param") and defs[id(i.dst)] == 1 and not i.dst.pinned:
            out[id(i.dst)] = i
    return out


_CMP = {"lt": lambda a, b: a < b, "le": lambda a, b: a <= b, "eq": lambda a, b: a == b,
        "ne": lambda a, b: a != b, "gt": lambda a, b: a > b, "ge": lambda a, b: a >= b}


def _fold(op: str, bank: str, vals: list):
    """The folded value of ``op`` on constant operands, or None when it must be left to run time."""
    if op in _CMP:
        return int(_CMP[op](*vals))
    if op == "not":
        return 1 - vals[0]
    if op == "i2f":
        return float(vals[0])
    if op == "mov":
        return vals[0]
    if bank == "i":
        if op == "neg":
            return _wrap(-vals[0])
        a, b = vals if len(vals) == 2 else (vals[0], None)
        if op == "add":
            return _wrap(a + b)
        if op == "sub":
            return _wrap(a - b)
        if op == "mul":
            return _wrap(a * b)
        if op in ("floordiv", "mod") and b != 0:
            return _wrap(a // b if op == "floordiv" else a % b)
        if op in ("min", "max"):
            return min(a, b) if op == "min" else max(a, b)
        return None
    if op == "neg":
        return -vals[0]
    a, b = vals if len(vals) == 2 else (vals[0], None)
    if op == "add":
        return a + b
    if op == "sub":
        return a - b
    if op == "mul":
        return a * b
    if op == "div":
        return ieee_div(a, b)
    if op == "rsub":
        return b - a
    if op == "rdiv":
        return ieee_div(b, a)
    if op == "floordiv":
        return float_floordiv(a, b)
    if op == "mod":
        return float_mod(a, b)
    if op == "pow":
        return c_pow(a, b)
    if op in ("min", "max"):    # the VM's MIN_F/MAX_F: F[c] if F[c] < F[b] else F[b]
        return (b if b < a else a) if op == "min" else (b if b > a else a)
    return None


# operations folding may evaluate (an int // or % by zero is left to trap at run time by _fold)
_FOLDABLE = PURE | PURE_IF_FLOAT


def _identity_operand(i: Instr, known: dict):
    """The operand ``i`` merely copies, when its other operand is an identity constant: ``x * 1.0``,
    ``x / 1.0``, ``x * 1``, ``x + 0``, ``x - 0`` (``x + 0.0`` is not one: ``-0.0 + 0.0`` is ``+0.0``)."""
    if len(i.args) != 2 or i.dst is None:
        return None
    a, b = i.args
    if not (isinstance(a, VReg) and isinstance(b, VReg)) or a.bank != i.dst.bank or b.bank != i.dst.bank:
        return None

    def is_const(r, value):
        v = known.get(id(r))
        return v is not None and type(v) is type(value) and v == value

    one, zero = (1.0, None) if i.dst.bank == "f" else (1, 0)
    if i.op == "mul":
        return a if is_const(b, one) else b if is_const(a, one) else None
    if i.op == "div" and i.dst.bank == "f":
        return a if is_const(b, one) else None
    if i.op == "add" and zero is not None:
        return a if is_const(b, zero) else b if is_const(a, zero) else None
    if i.op == "sub" and zero is not None:
        return a if is_const(b, zero) else None
    return None


def fold_constants(fn: Function) -> bool:
    """Replace operations on constants by their result; turn branches on constants into jumps."""
    changed = False
    known = {k: v.extra for k, v in _known_constants(fn).items() if v.op == "const"}
    for b in fn.blocks:
        for k, i in enumerate(b.instrs):
            if i.op in ("const", "param") or i.dst is None or i.op not in _FOLDABLE:
                continue
            args = i.args
            if not args or not all(isinstance(a, VReg) and id(a) in known for a in args):
                same = _identity_operand(i, known)
                if same is not None:
                    b.instrs[k] = Instr("mov", i.dst, (same,), i.span)
                    changed = True
                continue
            value = _fold(i.op, args[0].bank, [known[id(a)] for a in args])
            if value is None or (isinstance(value, float) and i.dst.bank == "i"):
                continue
            b.instrs[k] = Instr("const", i.dst, (), i.span, value)
            changed = True
            if not i.dst.pinned:
                known[id(i.dst)] = value
        t = b.term
        if t.op == "br" and id(t.args[0]) in known:
            b.term = Instr("jmp", None, (), t.span, t.extra[0] if known[id(t.args[0])] else t.extra[1])
            changed = True
        elif t.op == "brcmp" and all(isinstance(a, VReg) and id(a) in known for a in t.args):
            taken = _CMP[t.extra[0]](*(known[id(a)] for a in t.args))
            b.term = Instr("jmp", None, (), t.span, t.extra[1] if taken else t.extra[2])
            changed = True
    return changed


def _coalesce_into_moves(fn: Function, defs: Counter) -> bool:
    """``t = a * b; x = t`` becomes ``x = a * b`` when the temporary ``t`` is defined right before and
    read only by that move (the identity rewrites of folding leave such pairs)."""
    uses = _use_counts(fn)
    changed = False
    for b in fn.blocks:
        out = []
        for i in b.instrs:
            prev = out[-1] if out else None
            if (i.op == "mov" and prev is not None and isinstance(i.args[0], VReg) and prev.dst is i.args[0]
                    and not prev.dst.pinned and defs[id(prev.dst)] == 1 and uses[id(prev.dst)] == 1
                    and prev.op != "call" and prev.dst.bank == i.dst.bank
                    and not any(a is i.dst for a in prev.args)):
                prev.dst = i.dst
                changed = True
                continue
            out.append(i)
        b.instrs = out
    return changed


def propagate_copies(fn: Function) -> bool:
    """Replace uses of a temporary that only copies another single-definition register by that register."""
    defs = _def_counts(fn)
    coalesced = _coalesce_into_moves(fn, defs)
    if coalesced:
        defs = _def_counts(fn)
    replace = {}
    for b in fn.blocks:
        for i in b.instrs:
            if (i.op == "mov" and not i.dst.pinned and defs[id(i.dst)] == 1 and isinstance(i.args[0], VReg)
                    and defs[id(i.args[0])] == 1 and not i.args[0].pinned):
                replace[id(i.dst)] = i.args[0]
    if not replace:
        return coalesced

    def sub(a):
        while isinstance(a, VReg) and id(a) in replace:
            a = replace[id(a)]
        return a

    for i in _all_instrs(fn):
        i.args = tuple(sub(a) for a in i.args)
    return True


# ops whose second operand may be an immediate, per bank: int add/mul; float add/sub/mul/div
_IMM_INT = {"add", "mul"}
_IMM_FLOAT = {"add", "sub", "mul", "div"}
_COMMUTATIVE = {"add", "mul"}


def select_immediates(fn: Function) -> bool:
    """Fold constant operands into instructions that have an immediate or constant-pool form."""
    known = _known_constants(fn)
    changed = False

    def imm(a):
        d = known.get(id(a)) if isinstance(a, VReg) else None
        if d is None:
            return None
        if a.bank == "i":
            if d.op == "const" and INT32_MIN <= d.extra <= INT32_MAX:
                return ImmI(int(d.extra))
            return None
        return ImmF(float(d.extra)) if d.op == "const" else ParamK(d.extra, "")

    for i in _all_instrs(fn):
        if len(i.args) != 2:
            continue
        a, b = i.args
        if i.op == "brcmp":
            if not isinstance(a, VReg) or not isinstance(b, VReg) or a.bank != "i":
                continue
            ib, ia = imm(b), imm(a)
            if ib is not None:
                i.args = (a, ib)
                changed = True
            elif ia is not None:   # constant on the left: swap and mirror the comparison
                mirror = {"lt": "gt", "le": "ge", "gt": "lt", "ge": "le", "eq": "eq", "ne": "ne"}
                i.args = (b, ia)
                i.extra = (mirror[i.extra[0]],) + tuple(i.extra[1:])
                changed = True
            continue
        if i.dst is None or not isinstance(a, VReg) or not isinstance(b, VReg):
            continue
        ops = _IMM_INT if i.dst.bank == "i" else _IMM_FLOAT
        ib, ia = imm(b), imm(a)
        if i.op == "sub" and i.dst.bank == "i" and a.bank == "i" and ib is not None and ib.value != INT32_MIN:
            i.op, i.args = "add", (a, ImmI(-ib.value))      # x - k is x + (-k): ADDI_I
            changed = True
            continue
        if i.op not in ops or a.bank != i.dst.bank:
            continue
        if ib is not None:
            i.args = (a, ib)
            changed = True
        elif ia is not None and (i.op in _COMMUTATIVE or i.dst.bank == "f"):
            # float k - x and k / x have forms of their own (KSUB_F, KDIV_F): mark them "reversed"
            i.args = (b, ia)
            if i.op not in _COMMUTATIVE:
                i.op = "r" + i.op
            changed = True
    return changed


def _has_effect(i: Instr) -> bool:
    if i.dst is None:
        return True
    if i.op in PURE:
        return False
    if i.op in PURE_IF_FLOAT and i.dst.bank == "f":
        return False
    return True


def eliminate_dead_code(fn: Function) -> bool:
    """Remove unreachable blocks, jump-only blocks, and side-effect-free instructions whose result is unused."""
    changed = _remove_unreachable(fn)
    changed |= _thread_jumps(fn)
    changed |= _remove_unreachable(fn)
    while True:
        uses = _use_counts(fn)
        removed = False
        for b in fn.blocks:
            keep = [i for i in b.instrs if _has_effect(i) or uses[id(i.dst)] > 0 or
                    (i.dst.pinned and i.dst.name is not None)]
            if len(keep) != len(b.instrs):
                b.instrs = keep
                removed = True
        if not removed:
            break
        changed = True
    return changed


def _remove_unreachable(fn: Function) -> bool:
    seen, stack = {id(fn.blocks[0])}, [fn.blocks[0]]
    while stack:
        for s in stack.pop().successors():
            if id(s) not in seen:
                seen.add(id(s))
                stack.append(s)
    kept = [b for b in fn.blocks if id(b) in seen]
    changed = len(kept) != len(fn.blocks)
    fn.blocks = kept
    return changed


def _thread_jumps(fn: Function) -> bool:
    """Retarget edges into empty blocks that only jump elsewhere."""
    forward = {}
    for b in fn.blocks[1:]:
        if not b.instrs and b.term.op == "jmp" and b.term.extra is not b:
            forward[id(b)] = b.term.extra

    resolved: dict[int, Block] = {}

    def final(t: Block) -> Block:
        # follow the chain once, then remember its end for every block on it: long chains (deeply nested
        # constant branches) stay linear; a cycle of empty blocks ends at the block that closes it
        path, on_path = [], set()
        while id(t) in forward and id(t) not in resolved and id(t) not in on_path:
            on_path.add(id(t))
            path.append(t)
            t = forward[id(t)]
        end = resolved.get(id(t), t)
        for b in path:
            resolved[id(b)] = end
        return end

    changed = False
    for b in fn.blocks:
        t = b.term
        if t.op == "jmp":
            new = final(t.extra)
            changed |= new is not t.extra
            t.extra = new
        elif t.op == "br":
            new = (final(t.extra[0]), final(t.extra[1]))
            changed |= new != t.extra
            t.extra = new
        elif t.op in ("brcmp", "forloop"):
            new = (t.extra[0], final(t.extra[1]), final(t.extra[2]))
            changed |= new[1:] != t.extra[1:]
            t.extra = new
    return changed


# (name, pass, whether a change can expose more work for the passes of the round)
PIPELINE = (
    ("fold", fold_constants, True),
    ("copyprop", propagate_copies, True),
    ("dce", eliminate_dead_code, False),
    ("imm", select_immediates, False),
    ("dce2", eliminate_dead_code, False),
)


def run_passes(fn: Function, verify: bool = False, dump: str | None = None) -> Function:
    """Run the pass pipeline on ``fn``; dump IR after the passes named in ``MVM_DUMP_AFTER``."""
    dump = dump if dump is not None else os.environ.get("MVM_DUMP_AFTER", "")
    wanted = {d.strip() for d in dump.split(",") if d.strip()}
    if "lower" in wanted or "all" in wanted:
        print(f"--- IR of {fn.name} after lower", file=sys.stderr)
        print(format_function(fn), file=sys.stderr)
    for _ in range(3):
        # Another round pays only when folding or copy propagation changed something: a branch made a jump
        # can leave a register with one definition, which folds. Immediates and dead code expose nothing.
        again = False
        for name, p, exposes in PIPELINE:
            if p(fn) and exposes:
                again = True
            if verify:
                verify_function(fn)
            if name in wanted or "all" in wanted:
                print(f"--- IR of {fn.name} after {name}", file=sys.stderr)
                print(format_function(fn), file=sys.stderr)
        if not again:
            break
    return fn
