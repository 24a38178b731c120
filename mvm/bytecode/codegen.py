"""Code generation: IR → register bytecode ``Program``.

Input: a ``ModuleIR`` after the passes. Output: a ``Program`` (code, constant pools, function table,
record/print/string tables, line and variable tables). Registers come from ``regalloc``; instruction
forms from the opcode table (immediate and constant-pool operands, fused compare-and-branch).
"""

from __future__ import annotations

import struct

import numpy as np

from mvm.bytecode import opcodes as O
from mvm.bytecode.program import FunctionInfo, ParamInfo, PrintItem, Program, RecordField, UseInfo, VarInfo
from mvm.bytecode.regalloc import allocate
from mvm.ir.nodes import ImmF, ImmI, ModuleIR, ParamK, VReg

_BIN = {("add", "i"): O.ADD_I, ("sub", "i"): O.SUB_I, ("mul", "i"): O.MUL_I, ("floordiv", "i"): O.FLOORDIV_I,
        ("mod", "i"): O.MOD_I, ("pow", "i"): O.POW_I, ("min", "i"): O.MIN_I, ("max", "i"): O.MAX_I,
        ("add", "f"): O.ADD_F, ("sub", "f"): O.SUB_F, ("mul", "f"): O.MUL_F, ("div", "f"): O.DIV_F,
        ("floordiv", "f"): O.FLOORDIV_F, ("mod", "f"): O.MOD_F, ("pow", "f"): O.POW_F, ("min", "f"): O.MIN_F,
        ("max", "f"): O.MAX_F, ("atan2", "f"): O.ATAN2_F,
        ("lt", "i"): O.LT_I, ("le", "i"): O.LE_I, ("eq", "i"): O.EQ_I, ("ne", "i"): O.NE_I,
        ("lt", "f"): O.LT_F, ("le", "f"): O.LE_F, ("eq", "f"): O.EQ_F, ("ne", "f"): O.NE_F}
_IMM = {("add", "i"): O.ADDI_I, ("mul", "i"): O.MULI_I, ("add", "f"): O.ADDK_F, ("sub", "f"): O.SUBK_F,
        ("mul", "f"): O.MULK_F, ("div", "f"): O.DIVK_F, ("rsub", "f"): O.KSUB_F, ("rdiv", "f"): O.KDIV_F}
_UNARY = {("neg", "i"): O.NEG_I, ("neg", "f"): O.NEG_F, ("abs", "i"): O.ABS_I, ("i2f", "f"): O.I2F,
          ("f2i", "i"): O.F2I, ("not", "i"): O.NOT, ("len", "i"): O.LEN, ("rows", "i"): O.ROWS,
          ("cols", "i"): O.COLS, ("copy", "i"): O.COPY, ("sum", "f"): O.SUM_F, ("sum", "i"): O.SUM_I}
_NEGATE = {"lt": "ge", "le": "gt", "gt": "le", "ge": "lt", "eq": "ne", "ne": "eq"}
# int compare-and-branch with registers: (opcode, swap operands)
_JI = {"lt": (O.JLT_I, False), "le": (O.JLE_I, False), "gt": (O.JLT_I, True), "ge": (O.JLE_I, True),
       "eq": (O.JEQ_I, False), "ne": (O.JNE_I, False)}
_JIMM = {"lt": O.JLTI_I, "le": O.JLEI_I, "gt": O.JGTI_I, "ge": O.JGEI_I, "eq": O.JEQI_I, "ne": O.JNEI_I}
# float compare-and-branch: jump when true / when false (nan makes every comparison but != false)
_JF_TRUE = {"lt": (O.JLT_F, False), "le": (O.JLE_F, False), "gt": (O.JLT_F, True), "ge": (O.JLE_F, True),
            "eq": (O.JEQ_F, False), "ne": (O.JNEQ_F, False)}
_JF_FALSE = {"lt": (O.JNLT_F, False), "le": (O.JNLE_F, False), "gt": (O.JNLT_F, True), "ge": (O.JNLE_F, True),
             "eq": (O.JNEQ_F, False), "ne": (O.JEQ_F, False)}


class _Pools:
    """Constant pools and the string/print/record tables, shared by all functions."""

    def __init__(self, mod: ModuleIR):
        self.kf: list[float] = []
        self.ki: list[int] = []
        for p in mod.params:       # parameters first: their slots are their indices
            if p.type == "float":
                self.kf.append(float(p.default))
            else:
                self.ki.append(int(p.default))
        self._kf_index: dict[bytes, int] = {}
        self._ki_index: dict[int, int] = {}
        self.strings: list[str] = []
        self.hosts: list[tuple] = []
        self.records: list[tuple] = []

    def float_const(self, v: float) -> int:
        key = struct.pack("<d", v)
        if key not in self._kf_index:
            self._kf_index[key] = len(self.kf)
            self.kf.append(v)
        return self._kf_index[key]

    def int_const(self, v: int) -> int:
        if v not in self._ki_index:
            self._ki_index[v] = len(self.ki)
            self.ki.append(v)
        return self._ki_index[v]

    def string(self, s: str) -> int:
        if s in self.strings:
            return self.strings.index(s)
        self.strings.append(s)
        return len(self.strings) - 1


class _FnGen:
    def __init__(self, fn, pools: _Pools, fn_index: dict, code: list, lines: list, cols: list, spans: list):
        self.fn = fn
        self.pools = pools
        self.fn_index = fn_index
        self.code, self.lines, self.cols, self.spans = code, lines, cols, spans
        self.alloc = allocate(fn)
        self.n = dict(self.alloc.count)
        self.arg_need = {"i": 0, "f": 0}
        self.fixups: list[tuple[int, int, object]] = []
        self.block_pc: dict[int, int] = {}
        self.direct = self._direct_arguments()

    def r(self, v: VReg) -> int:
        return self.direct.get(id(v), self.alloc.reg[id(v)])

    def _direct_arguments(self) -> dict[int, int]:
        """Temporaries that live in a call's argument area instead of a register of their own.

        The argument area starts above the allocated registers (``self.n``); a call's frame starts at its
        base there, and the callee leaves its result at that base. Two kinds of temporary are placed there:

        - An argument computed straight into its slot: safe when it is used once, by the call, and no
          other call sits between its definition and that call (that call's frame would overwrite it).
        - A call's result left where the callee put it ("parked"), when it is read once later in the block.
          Calls in between get a base above it (``self.shift``), so ``fib(n-1) + fib(n-2)`` runs the
          second call one register higher and adds the two results in place, with no copy. A result read
          by a later call must be that call's first argument of its bank, with no call in between: it is
          then already in place.
        """
        uses: dict[int, int] = {}
        for b in self.fn.blocks:
            for i in b.instrs + [b.term]:
                for a in i.args:
                    if isinstance(a, VReg):
                        uses[id(a)] = uses.get(id(a), 0) + 1
        direct: dict[int, int] = {}
        self.shift: dict[int, dict[str, int]] = {}
        top = self.n
        for b in self.fn.blocks:
            seq = b.instrs + [b.term]
            parks: list[tuple[str, int, int]] = []      # (bank, slot, position of the one use)
            last_call = -1
            defined_at: dict[int, int] = {}
            for n, i in enumerate(seq):
                if i.op == "call":
                    placed = [a for a in i.args if defined_at.get(id(a), -1) > last_call and not a.pinned
                              and uses.get(id(a)) == 1]
                    # the area is written from the first argument computed in place (or the call itself):
                    # go above every parked result not yet read by then, except one this call reads in place
                    writes_from = min([defined_at[id(a)] for a in placed] + [n])
                    shift = {"i": 0, "f": 0}
                    for bank, slot, use in parks:
                        if use != n and use >= writes_from:
                            shift[bank] = max(shift[bank], slot - top[bank] + 1)
                    for bank, slot, use in parks:
                        if use == n and slot != top[bank] + shift[bank]:
                            # not where this call's base is after all: keep it out of the area and copy it
                            shift[bank] = max(shift[bank], slot - top[bank] + 1)
                    self.shift[id(i)] = shift
                    k = {"i": 0, "f": 0}
                    for a in i.args:
                        if any(a is x for x in placed):
                            direct[id(a)] = top[a.bank] + shift[a.bank] + k[a.bank]
                        k[a.bank] += 1
                    d = i.dst
                    if d is not None and not d.pinned and uses.get(id(d)) == 1:
                        slot = top[d.bank] + shift[d.bank]
                        use = self._parkable_until(seq, n, d)
                        if use is not None:
                            direct[id(d)] = slot
                            parks.append((d.bank, slot, use))
                    last_call = n
                if i.dst is not None:
                    defined_at[id(i.dst)] = n
        return direct

    @staticmethod
    def _parkable_until(seq: list, n: int, d: VReg) -> int | None:
        """Where the result ``d`` of the call at ``seq[n]`` is read, if it may stay at the call's base."""
        crossed = False
        for u in range(n + 1, len(seq)):
            later = seq[u]
            if any(a is d for a in later.args):
                if later.op != "call":
                    return u
                same_bank = [a for a in later.args if isinstance(a, VReg) and a.bank == d.bank]
                return u if not crossed and same_bank[0] is d else None
            if later.op == "call":
                crossed = True
        return None

    def put(self, op: int, a=0, b=0, c=0, span=None):
        self.code.append((op, a, b, c))
        self.lines.append(span.line if span else 0)
        self.cols.append(span.col if span else 0)
        self.spans.append(span)
        return len(self.code) - 1

    def jump_operand(self, pc: int, slot: int, block):
        self.fixups.append((pc, slot, block))

    def k(self, operand) -> int:
        if isinstance(operand, ParamK):
            return operand.slot
        return self.pools.float_const(operand.value)

    def layout(self) -> list:
        """Block order: follow each block with the successor it would otherwise jump to, when still free.

        Turns ``then`` blocks and loop exits into fall-throughs, so the common paths run no ``JMP``. Of a
        branch's two successors the one inside more loops comes first: ``if c { break }`` falls through
        to the rest of the loop body, and the loop's blocks stay in one run that ends in its test."""
        placed, order = set(), []
        for b in self.fn.blocks:          # each chain starts at the first block not yet placed
            while b is not None and id(b) not in placed:
                placed.add(id(b))
                order.append(b)
                t = b.term
                prefer = {"jmp": lambda: [t.extra], "br": lambda: [t.extra[0], t.extra[1]],
                          "brcmp": lambda: [t.extra[1], t.extra[2]],
                          "forloop": lambda: [t.extra[2]]}.get(t.op, lambda: [])()
                prefer.sort(key=lambda s: -s.depth)     # stable: the true branch first among equals
                b = next((s for s in prefer if id(s) not in placed), None)
        return order

    def generate(self) -> FunctionInfo:
        entry = len(self.code)
        blocks = self.layout()
        for n, b in enumerate(blocks):
            self.block_pc[id(b)] = len(self.code)
            nxt = blocks[n + 1] if n + 1 < len(blocks) else None
            for i in b.instrs:
                self.instr(i)
            self.terminator(b.term, nxt)
        for pc, slot, block in self.fixups:
            row = list(self.code[pc])
            row[slot] = self.block_pc[id(block)]
            self.code[pc] = tuple(row)
        end = len(self.code)
        ret = self.fn.ret
        info_ret = None if ret == "void" else ret
        param_types = tuple(p.type for p in self.fn.params)
        return FunctionInfo(
            name=self.fn.name, entry=entry, end=end,
            param_names=tuple(p.name for p in self.fn.params), param_types=param_types,
            param_regs=tuple(self.r(p) for p in self.fn.params), ret_type=info_ret,
            frame_i=self.n["i"] + self.arg_need["i"], frame_f=self.n["f"] + self.arg_need["f"],
            line=self.fn.span.line, col=self.fn.span.col, vars=self.var_table(entry, end))

    def var_table(self, entry: int, end: int) -> tuple[VarInfo, ...]:
        """Each user variable's register and live pc range: from its first instruction after the declaration
        to its last instruction inside the declaring scope (parameters: the whole function)."""
        # instructions by source start, so a scope's instructions are one slice (binary search, not a scan)
        spanned = [(self.spans[pc].start, self.spans[pc].end, pc) for pc in range(entry, end)
                   if self.spans[pc] is not None]
        spanned.sort()
        starts = np.array([t[0] for t in spanned], dtype=np.int64)
        ends = np.array([t[1] for t in spanned], dtype=np.int64)
        pcs = np.array([t[2] for t in spanned], dtype=np.int64)
        out = []
        for v in self.fn.vars:
            if id(v.vreg) not in self.alloc.reg:
                continue
            if v.vreg in self.fn.params:
                start, stop = entry, end
            else:
                lo = int(np.searchsorted(starts, v.scope.start, side="left"))
                hi = int(np.searchsorted(starts, v.scope.end, side="right"))
                inside = ends[lo:hi] <= v.scope.end
                if not inside.any():
                    continue
                first = max(lo, int(np.searchsorted(starts, v.decl.end, side="left")))
                after = pcs[first:hi][inside[first - lo:]]
                if not after.size:
                    continue
                start, stop = int(after.min()), int(pcs[lo:hi][inside].max()) + 1
            out.append(VarInfo(name=v.name, type=v.type, bank=v.vreg.bank, reg=self.r(v.vreg), start=start, end=stop))
        return tuple(out)

    # -- instructions
    def instr(self, i):
        op, s = i.op, i.span
        d = i.dst
        if op == "const":
            if d.bank == "i":
                v = int(i.extra)
                if -(2**31) <= v < 2**31:
                    self.put(O.LOADI, self.r(d), v, 0, s)
                else:
                    self.put(O.LOADK_I, self.r(d), self.pools.int_const(v), 0, s)
            else:
                self.put(O.LOADK_F, self.r(d), self.pools.float_const(float(i.extra)), 0, s)
        elif op == "param":
            self.put(O.LOADK_I if d.bank == "i" else O.LOADK_F, self.r(d), i.extra, 0, s)
        elif op == "mov":
            if self.r(d) != self.r(i.args[0]):
                self.put(O.MOV_I if d.bank == "i" else O.MOV_F, self.r(d), self.r(i.args[0]), 0, s)
        elif op == "call":
            self.call(i)
        elif op == "print":
            items = []
            for it in i.extra:
                if it[0] == "str":
                    items.append(PrintItem(type="str", text=it[1]))
                else:
                    items.append(PrintItem(type=it[1], reg=self.r(i.args[it[2]])))
            self.pools.hosts.append(tuple(items))
            self.put(O.HOST, len(self.pools.hosts) - 1, 0, 0, s)
        elif op == "math":
            name = i.extra
            self.put(O.MATH_F, self.r(d), self.r(i.args[0]), O.MATH1.index(name), s)
        elif op == "abs" and d.bank == "f":
            self.put(O.MATH_F, self.r(d), self.r(i.args[0]), O.MATH1.index("abs"), s)
        elif op == "new":
            dims = [self.r(a) for a in i.args]
            if len(dims) == 1:
                self.put(O.NEW_F if i.extra == "float" else O.NEW_I, self.r(d), dims[0], 0, s)
            else:
                self.put(O.NEW2_F if i.extra == "float" else O.NEW2_I, self.r(d), dims[0], dims[1], s)
        elif op == "aload":
            self.put(O.ALOAD_F if d.bank == "f" else O.ALOAD_I, self.r(d), self.r(i.args[0]), self.r(i.args[1]), s)
        elif op == "astore":
            arr, idx, val = i.args
            self.put(O.ASTORE_F if val.bank == "f" else O.ASTORE_I, self.r(arr), self.r(idx), self.r(val), s)
        elif op == "idx2":
            arr, row, col = i.args
            if self.r(d) != self.r(row):
                self.put(O.MOV_I, self.r(d), self.r(row), 0, s)
            self.put(O.IDX2, self.r(d), self.r(arr), self.r(col), s)
        elif op == "fill":
            arr, val = i.args
            self.put(O.FILL_F if val.bank == "f" else O.FILL_I, self.r(arr), self.r(val), 0, s)
        elif op == "forlim":
            if len(i.args) == 1:
                self.put(O.FORLIM_I, self.r(d), self.r(i.args[0]), i.extra, s)
            else:
                self.put(O.FORLIMR_I, self.r(d), self.r(i.args[0]), self.r(i.args[1]), s)
        elif op == "rand":
            self.put(O.RAND, self.r(d), 0, 0, s)
        elif op == "randn":
            self.put(O.RANDN, self.r(d), 0, 0, s)
        elif op == "randint":
            self.put(O.RANDINT, self.r(d), self.r(i.args[0]), self.r(i.args[1]), s)
        elif len(i.args) == 2 and not isinstance(i.args[1], VReg):
            b = i.args[1]
            if isinstance(b, ImmI):
                self.put(_IMM[(op, "i")], self.r(d), self.r(i.args[0]), b.value, s)
            else:
                self.put(_IMM[(op, "f")], self.r(d), self.r(i.args[0]), self.k(b), s)
        elif len(i.args) == 2:
            a, b = i.args
            self.put(_BIN[(op, a.bank)], self.r(d), self.r(a), self.r(b), s)
        else:
            self.put(_UNARY[(op, d.bank)], self.r(d), self.r(i.args[0]), 0, s)

    def call(self, i):
        callee = self.fn_index[i.extra]
        shift = self.shift[id(i)]
        base = {bank: self.n[bank] + shift[bank] for bank in ("i", "f")}
        k = {"i": 0, "f": 0}
        for a in i.args:
            if self.r(a) != base[a.bank] + k[a.bank]:
                self.put(O.MOV_I if a.bank == "i" else O.MOV_F, base[a.bank] + k[a.bank], self.r(a), 0, i.span)
            k[a.bank] += 1
        for bank in ("i", "f"):
            self.arg_need[bank] = max(self.arg_need[bank], shift[bank] + k[bank])
        self.put(O.CALL, callee, base["i"], base["f"], i.span)
        d = i.dst
        if d is not None:
            self.arg_need[d.bank] = max(self.arg_need[d.bank], shift[d.bank] + 1)
            if self.r(d) != base[d.bank]:
                self.put(O.MOV_I if d.bank == "i" else O.MOV_F, self.r(d), base[d.bank], 0, i.span)

    def terminator(self, t, nxt):
        s = t.span
        if t.op == "jmp":
            if t.extra is not nxt:
                self.jump_operand(self.put(O.JMP, 0, 0, 0, s), 1, t.extra)
        elif t.op == "ret":
            if not t.args:
                self.put(O.RET, 0, 0, 0, s)
            else:
                v = t.args[0]
                self.put(O.RET_I if v.bank == "i" else O.RET_F, self.r(v), 0, 0, s)
        elif t.op == "retrec":
            fields = tuple(RecordField(name=n, type=ty, bank=v.bank, reg=self.r(v))
                           for (n, ty), v in zip(t.extra, t.args))
            self.pools.records.append(fields)
            self.put(O.RET_REC, len(self.pools.records) - 1, 0, 0, s)
        elif t.op == "trap":
            self.put(O.TRAP, self.pools.string(t.extra), 0, 0, s)
        elif t.op == "br":
            c = self.r(t.args[0])
            tb, fb = t.extra
            if tb is nxt:
                self.jump_operand(self.put(O.JF, c, 0, 0, s), 2, fb)
            else:
                self.jump_operand(self.put(O.JT, c, 0, 0, s), 2, tb)
                if fb is not nxt:
                    self.jump_operand(self.put(O.JMP, 0, 0, 0, s), 1, fb)
        elif t.op == "forloop":
            k, body, done = t.extra
            var, limit = t.args[0], t.args[1]
            assert self.r(limit) == self.r(var) + 1, "a for loop's limit must follow its variable"
            if k is None:
                pc = self.put(O.FORSTEP_I, self.r(var), self.r(t.args[2]), 0, s)
            else:
                pc = self.put(O.FORUP_I if k > 0 else O.FORDN_I, self.r(var), k, 0, s)
            self.jump_operand(pc, 3, body)
            if done is not nxt:
                self.jump_operand(self.put(O.JMP, 0, 0, 0, s), 1, done)
        elif t.op == "brcmp":
            cmp, tb, fb = t.extra
            if tb is nxt:
                self.branch(cmp, t.args, fb, when=False, span=s)
            else:
                self.branch(cmp, t.args, tb, when=True, span=s)
                if fb is not nxt:
                    self.jump_operand(self.put(O.JMP, 0, 0, 0, s), 1, fb)
        else:
            raise AssertionError(t.op)

    def branch(self, cmp, args, target, when: bool, span):
        """Emit one compare-and-branch to ``target`` taken when the comparison is ``when``."""
        a, b = args
        if isinstance(b, ImmI):
            op = _JIMM[cmp if when else _NEGATE[cmp]]
            pc = self.put(op, self.r(a), b.value, 0, span)
        elif a.bank == "i":
            op, swap = _JI[cmp if when else _NEGATE[cmp]]
            x, y = (b, a) if swap else (a, b)
            pc = self.put(op, self.r(x), self.r(y), 0, span)
        else:
            op, swap = (_JF_TRUE if when else _JF_FALSE)[cmp]
            x, y = (b, a) if swap else (a, b)
            pc = self.put(op, self.r(x), self.r(y), 0, span)
        self.jump_operand(pc, 3, target)


def generate(mod: ModuleIR) -> Program:
    """Generate the bytecode program of a lowered module."""
    pools = _Pools(mod)
    fn_index = {f.name: k for k, f in enumerate(mod.functions)}
    code, lines, cols, spans = [], [], [], []
    infos = [_FnGen(f, pools, fn_index, code, lines, cols, spans).generate() for f in mod.functions]
    params = tuple(ParamInfo(name=p.name, type=p.type, default=p.default, lo=p.lo, hi=p.hi, slot=p.slot,
                             line=p.span.line, col=p.span.col) for p in mod.params)
    uses = tuple(UseInfo(name=u.name, constraint=u.constraint, alias=u.alias, line=u.span.line, col=u.span.col)
                 for u in mod.uses)
    return Program(
        name=mod.name, version=mod.version, file=mod.file, source=mod.source,
        code=np.array(code, dtype=np.int32).reshape(-1, 4), lines=np.array(lines, dtype=np.int32),
        cols=np.array(cols, dtype=np.int32), kf=np.array(pools.kf, dtype=np.float64),
        ki=np.array(pools.ki, dtype=np.int64), functions=tuple(infos), strings=tuple(pools.strings),
        hosts=tuple(pools.hosts), records=tuple(pools.records), params=params, uses=uses)
