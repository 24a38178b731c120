"""Register allocation: IR virtual registers → frame registers, per bank.

Input: an IR ``Function`` after the passes. Output: ``Allocation``: a register number for every virtual
register and the number of registers each bank uses. Arguments take registers 0.. in declaration order
(the calling convention), user variables get registers of their own for the whole function (so a
debugger can always read them), temporaries share registers by linear scan over live intervals computed
from block-level liveness.
"""

from __future__ import annotations

import attrs

from mvm.ir.nodes import Function, VReg, uses_of


@attrs.define
class Allocation:
    """Where each virtual register lives (``reg[id(vreg)]``) and how many registers each bank needs."""

    reg: dict
    count: dict     # bank -> registers used


def _order(fn: Function):
    """Instructions in layout order with their positions, and each block's [start, end] positions."""
    pos, spans, seq = 0, {}, []
    for b in fn.blocks:
        start = pos
        for i in b.instrs + [b.term]:
            seq.append((pos, i))
            pos += 1
        spans[id(b)] = (start, pos - 1)
    return seq, spans


def _liveness(fn: Function):
    """Live-in and live-out sets (of vreg ids) per block, by the usual backward data-flow iteration."""
    use, defs = {}, {}
    for b in fn.blocks:
        u, d = set(), set()
        for i in b.instrs + [b.term]:
            for r in uses_of(i):
                if id(r) not in d:
                    u.add(id(r))
            if i.dst is not None:
                d.add(id(i.dst))
        use[id(b)], defs[id(b)] = u, d
    live_in = {id(b): set() for b in fn.blocks}
    live_out = {id(b): set() for b in fn.blocks}
    changed = True
    while changed:
        changed = False
        for b in reversed(fn.blocks):
            out = set()
            for s in b.successors():
                out |= live_in[id(s)]
            inn = use[id(b)] | (out - defs[id(b)])
            if out != live_out[id(b)] or inn != live_in[id(b)]:
                live_out[id(b)], live_in[id(b)] = out, inn
                changed = True
    return live_in, live_out


def allocate(fn: Function) -> Allocation:
    """Assign frame registers to every virtual register of ``fn``."""
    reg: dict[int, int] = {}
    count = {"i": 0, "f": 0}
    vregs: dict[int, VReg] = {}
    for p in fn.params:                       # the calling convention fixes these
        reg[id(p)] = count[p.bank]
        count[p.bank] += 1
        vregs[id(p)] = p
    seq, spans = _order(fn)
    for _, i in seq:
        for r in uses_of(i) + ([i.dst] if i.dst is not None else []):
            vregs.setdefault(id(r), r)
    partners = {id(r.partner) for r in vregs.values() if r.partner is not None}
    for r in vregs.values():                  # user variables and loop state: one register each
        if r.pinned and id(r) not in reg and id(r) not in partners:
            reg[id(r)] = count[r.bank]
            count[r.bank] += 1
            if r.partner is not None:         # FORUP_I and friends read I[a + 1]
                reg[id(r.partner)] = count[r.bank]
                count[r.bank] += 1

    # live intervals of temporaries
    live_in, live_out = _liveness(fn)
    lo: dict[int, int] = {}
    hi: dict[int, int] = {}

    def touch(rid, p):
        lo[rid] = min(lo.get(rid, p), p)
        hi[rid] = max(hi.get(rid, p), p)

    for p, i in seq:
        for r in uses_of(i):
            touch(id(r), p)
        if i.dst is not None:
            touch(id(i.dst), p)
    for b in fn.blocks:
        start, end = spans[id(b)]
        for rid in live_in[id(b)]:
            touch(rid, start)
        for rid in live_out[id(b)]:
            touch(rid, end)

    temps = sorted((rid for rid in lo if rid not in reg), key=lambda rid: (lo[rid], hi[rid]))
    free = {"i": [], "f": []}
    active: list[tuple[int, int]] = []        # (end, rid)
    top = dict(count)
    for rid in temps:
        bank = vregs[rid].bank
        start = lo[rid]
        still = []
        for end, other in active:
            # strictly before: an instruction may expand to several bytecodes that write before all reads
            if end < start:
                free[vregs[other].bank].append(reg[other])
            else:
                still.append((end, other))
        active = still
        if free[bank]:
            free[bank].sort()
            reg[rid] = free[bank].pop(0)
        else:
            reg[rid] = top[bank]
            top[bank] += 1
        active.append((hi[rid], rid))
    return Allocation(reg=reg, count=top)
