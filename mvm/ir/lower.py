"""Lowering: checked AST → typed IR.

Input: ``mvm.lang.check.Checked``. Output: ``nodes.ModuleIR``. Each lowering method starts with the
grammar rule it implements. Expressions are lowered towards a destination register when there is one
(``let x = a + b`` computes straight into ``x``), conditions straight into branches (no bool is built for
``if a < b and c``), and loops are rotated so that each iteration runs one fused compare-and-branch.
Constants and model parameters read inside a loop are loaded once, before the outermost loop, and each
block records how many loops surround it (the block layout keeps a loop's hot path free of jumps).
"""

from __future__ import annotations

from mvm.lang import ast as A
from mvm.lang import types as T
from mvm.lang.check import Checked
from mvm.ir.nodes import Block, Function, Instr, ModuleIR, ParamDecl, VarDecl, VReg

_SWAP = {"<": ("lt", False), "<=": ("le", False), ">": ("lt", True), ">=": ("le", True),
         "==": ("eq", False), "!=": ("ne", False)}
_ARITH = {"+": "add", "-": "sub", "*": "mul", "/": "div", "//": "floordiv", "%": "mod", "**": "pow"}
_AUG = {"+=": "+", "-=": "-", "*=": "*", "/=": "/"}


def bank(type_: str) -> str:
    """The register bank of a value type."""
    return "f" if type_ == T.FLOAT else "i"


class _FnLowering:
    def __init__(self, checked: Checked, params: dict, fn: A.Function):
        self.c = checked
        self.model_params = params
        sig = checked.functions[fn.name]
        self.fn = Function(name=fn.name, params=[], ret=sig.ret, record=sig.record, blocks=[], vars=[],
                           span=fn.name_span)
        self.env: dict[int, VReg] = {}          # Symbol uid -> register
        self.loops: list[tuple[Block, Block]] = []
        # inside a loop, constants and parameters are loaded once, before the outermost loop: into
        # ``hoist`` (the block the loop is entered from), one register per value, with the loop's span
        self.hoist: Block | None = None
        self.hoist_span = None
        self.hoisted: dict = {}
        self.block = self.new_block()
        for fp, (pname, ptype) in zip(fn.params, sig.params):
            r = self.fn.new_vreg(bank(ptype), ptype, pname, pinned=True)
            self.fn.params.append(r)
            sym = checked.symbols[id(fp)]
            self.env[sym.uid] = r
            self.fn.vars.append(VarDecl(pname, r, ptype, fn.body.span, fp.span))
        self.body = fn.body

    # -- plumbing
    def new_block(self) -> Block:
        """A new, empty block appended to the function."""
        b = Block(len(self.fn.blocks), depth=len(self.loops))
        self.fn.blocks.append(b)
        return b

    def _inside_loop(self, *blocks: Block) -> None:
        for b in blocks:
            b.depth = len(self.loops) + 1

    def emit(self, op, dst, args, span, extra=None) -> VReg | None:
        """Append an instruction to the current block."""
        self.block.instrs.append(Instr(op, dst, tuple(args), span, extra))
        return dst

    def terminate(self, op, args, span, extra=None):
        """End the current block; later code goes to a fresh (unreachable until jumped to) block."""
        if self.block.term is None:
            self.block.term = Instr(op, None, tuple(args), span, extra)
        self.block = self.new_block()

    def jump_to(self, target: Block, span):
        """End the current block with a jump to ``target`` and continue in ``target``."""
        if self.block.term is None:
            self.block.term = Instr("jmp", None, (), span, target)
        self.block = target

    def temp(self, type_: str) -> VReg:
        """A fresh temporary of the given value type."""
        return self.fn.new_vreg(bank(type_), type_)

    def type_of(self, e) -> str:
        return self.c.types[id(e)]

    # -- function
    def lower(self) -> Function:
        """fn_decl: "fn" NAME "(" [fparams] ")" ("->" rettype)? block"""
        self.stmts(self.body.stmts)
        if self.block.term is None:
            if self.fn.ret == T.VOID:
                self.block.term = Instr("ret", None, (), self.body.span)
            else:   # unreachable when the checker accepted the function; keeps every path terminated
                self.block.term = Instr("trap", None, (), self.body.span, f"missing return in `{self.fn.name}`")
        for b in self.fn.blocks:   # blocks opened after a return/break/trap; unreachable, removed by dce
            if b.term is None:
                b.term = Instr("trap", None, (), self.body.span, "unreachable code reached")
        return self.fn

    # -- statements
    def stmts(self, stmts):
        for s in stmts:
            getattr(self, "stmt_" + type(s).__name__)(s)

    def scoped_block(self, b: A.Block):
        """block: "{" [stmt (_SEP stmt)*] "}" """
        self.stmts(b.stmts)

    def stmt_Let(self, s: A.Let):
        """stmt: "let" NAME (":" type)? "=" expr"""
        sym = self.c.symbols[id(s)]
        r = self.fn.new_vreg(bank(sym.type), sym.type, s.name, pinned=True)
        self.value_into(s.value, sym.type, r)
        self.env[sym.uid] = r
        self.fn.vars.append(VarDecl(s.name, r, sym.type, sym.scope, s.name_span))

    def stmt_Assign(self, s: A.Assign):
        """stmt: expr assign_op expr"""
        t = s.target
        if isinstance(t, A.Name):
            sym = self.c.symbols[id(t)]
            r = self.env[sym.uid]
            if s.op == "=":
                self.value_into(s.value, sym.type, r)
            else:
                self.arith_into(_AUG[s.op], r, sym.type, s.value, r, s.span)
            return
        arr, flat = self.element(t)
        elem = self.type_of(t)
        if s.op == "=":
            v = self.value(s.value, elem)
        else:
            old = self.emit("aload", self.temp(elem), (arr, flat), t.span)
            v = self.temp(elem)
            self.arith_into(_AUG[s.op], old, elem, s.value, v, s.span)
        self.emit("astore", None, (arr, flat, v), s.span)

    def arith_into(self, sym_op, left: VReg, left_t: str, right_e, dst: VReg, span):
        """dst := left OP right_e, converted to dst's type (for compound assignment)."""
        rt = self.type_of(right_e)
        rt_result = T.FLOAT if sym_op == "/" or T.FLOAT in (left_t, rt) else T.INT
        a = self.coerce(left, left_t, rt_result, span)
        b = self.value(right_e, rt_result)
        out = dst if dst.type == rt_result else self.temp(rt_result)
        self.emit(_ARITH[sym_op], out, (a, b), span)
        if out is not dst:
            self.emit("i2f", dst, (out,), span)

    def stmt_ExprStmt(self, s: A.ExprStmt):
        """stmt: expr   (a call)"""
        self.expr(s.expr)

    def stmt_If(self, s: A.If):
        """if_stmt: "if" expr block ("else" (block | if_stmt))?"""
        then, done = self.new_block(), self.new_block()
        other = self.new_block() if s.orelse is not None else done
        self.cond(s.cond, then, other)
        self.block = then
        self.scoped_block(s.then)
        if self.block.term is None:
            self.block.term = Instr("jmp", None, (), s.then.span, done)
        if s.orelse is not None:
            self.block = other
            if isinstance(s.orelse, A.Block):
                self.scoped_block(s.orelse)
            else:
                self.stmt_If(s.orelse)
            if self.block.term is None:
                self.block.term = Instr("jmp", None, (), s.span, done)
        self.block = done

    def stmt_While(self, s: A.While):
        """stmt: "while" expr block   — rotated: test once before, then at the bottom of each iteration"""
        outermost = self._enter_loop(s)
        body, test, done = self.new_block(), self.new_block(), self.new_block()
        self._inside_loop(body, test)
        self.cond(s.cond, body, done)
        self.block = body
        self.loops.append((test, done))
        self.scoped_block(s.body)
        self.jump_to(test, s.span)
        self.cond(s.cond, body, done)
        self.loops.pop()
        self._leave_loop(outermost)
        self.block = done

    def stmt_For(self, s: A.For):
        """stmt: "for" NAME "in" expr ".." expr ("step" expr)? block

        i = start; limit = stop - step (saturated); if i has not reached stop: body; then each iteration
        ends in one FORUP/FORDN/FORSTEP: while i is short of limit, i += step and go round again. Comparing
        with the limit before stepping means the loop variable never overflows, even next to the int64 ends.
        """
        outermost = self._enter_loop(s)
        sym = self.c.symbols[id(s)]
        i = self.fn.new_vreg("i", T.INT, s.var, pinned=True)
        self.value_into(s.start, T.INT, i)
        stop = self.value(s.stop, T.INT)
        limit = self.fn.new_vreg("i", T.INT, None, pinned=True)
        i.partner = limit
        known = _static_int(self.c, s.step) if s.step is not None else 1
        body, cont, done = self.new_block(), self.new_block(), self.new_block()
        self._inside_loop(body, cont)
        if known is not None and known != 0 and -(2**31) <= known < 2**31:
            step = None
            self.emit("forlim", limit, (stop,), s.span, known)
            a, b = (i, stop) if known > 0 else (stop, i)
            self.block.term = Instr("brcmp", None, (a, b), s.span, ("lt", body, done))
        else:
            step_span = s.step.span
            step = self.fn.new_vreg("i", T.INT, None, pinned=True)      # evaluated once, read every step
            self.value_into(s.step, T.INT, step)
            ok, bad = self.new_block(), self.new_block()
            self.block.term = Instr("brcmp", None, (step, self.const_int(0, step_span)), step_span, ("ne", ok, bad))
            self.block = bad
            self.terminate("trap", (), step_span, "for loop step is zero")
            self.block = ok
            self.emit("forlim", limit, (stop, step), s.span)
            up, down = self.new_block(), self.new_block()
            self.block.term = Instr("brcmp", None, (step, self.const_int(0, s.span)), s.span, ("lt", down, up))
            up.term = Instr("brcmp", None, (i, stop), s.span, ("lt", body, done))
            down.term = Instr("brcmp", None, (stop, i), s.span, ("lt", body, done))
        self.env[sym.uid] = i
        self.fn.vars.append(VarDecl(s.var, i, T.INT, s.body.span, s.var_span))
        self.block = body
        self.loops.append((cont, done))
        self.scoped_block(s.body)
        self.loops.pop()
        self.jump_to(cont, s.span)
        args = (i, limit) if step is None else (i, limit, step)
        self.block.term = Instr("forloop", None, args, s.span, (known if step is None else None, body, done))
        self._leave_loop(outermost)
        self.block = done

    def stmt_Break(self, s: A.Break):
        """stmt: "break" """
        self.terminate("jmp", (), s.span, self.loops[-1][1])

    def stmt_Continue(self, s: A.Continue):
        """stmt: "continue" """
        self.terminate("jmp", (), s.span, self.loops[-1][0])

    def stmt_Return(self, s: A.Return):
        """stmt: "return" (expr | record)?"""
        if s.value is None:
            self.terminate("ret", (), s.span)
        elif isinstance(s.value, A.RecordLit):
            declared = dict(self.fn.record)
            written = {f.name: self.value(f.value, declared[f.name]) for f in s.value.fields}
            regs = [written[name] for name, _ in self.fn.record]      # evaluated as written, kept as declared
            self.terminate("retrec", regs, s.span, self.fn.record)
        else:
            self.terminate("ret", (self.value(s.value, self.fn.ret),), s.span)

    def stmt_Assert(self, s: A.Assert):
        """stmt: "assert" expr ("," STRING)?"""
        ok, bad = self.new_block(), self.new_block()
        self.cond(s.cond, ok, bad)
        self.block = bad
        msg = f"assertion failed: {s.message}" if s.message is not None else \
            f"assertion failed: {A.unparse_expr(s.cond)}"
        self.terminate("trap", (), s.span, msg)
        self.block = ok

    # -- conditions
    def cond(self, e, t: Block, f: Block):
        """Lower a bool expression as control flow: go to ``t`` when true, ``f`` when false."""
        if isinstance(e, A.Logic):
            mid = self.new_block()
            if e.op == "and":
                self.cond(e.left, mid, f)
            else:
                self.cond(e.left, t, mid)
            self.block = mid
            self.cond(e.right, t, f)
            return
        if isinstance(e, A.Unary) and e.op == "not":
            self.cond(e.operand, f, t)
            return
        if isinstance(e, A.BoolLit):
            self.block.term = Instr("jmp", None, (), e.span, t if e.value else f)
            return
        if isinstance(e, A.Binary) and e.op in _SWAP:
            op, a, b = self.compare_operands(e)
            self.block.term = Instr("brcmp", None, (a, b), e.span, (op, t, f))
            return
        v = self.value(e, T.BOOL)
        self.block.term = Instr("br", None, (v,), e.span, (t, f))

    def compare_operands(self, e: A.Binary):
        """(op, a, b) with ``>``/``>=`` turned into ``<``/``<=`` by swapping, both in one bank."""
        op, swap = _SWAP[e.op]
        lt, rt = self.type_of(e.left), self.type_of(e.right)
        common = T.FLOAT if T.FLOAT in (lt, rt) else (T.BOOL if lt == T.BOOL else T.INT)
        a = self.value(e.left, common)
        b = self.value(e.right, common)
        return (op, b, a) if swap else (op, a, b)

    # -- expressions
    def value(self, e, want: str) -> VReg:
        """Lower ``e`` and convert it to type ``want`` (only int→float ever converts)."""
        r = self.expr(e)
        return self.coerce(r, self.type_of(e), want, e.span)

    def value_into(self, e, want: str, dst: VReg):
        """Lower ``e`` straight into ``dst`` (of type ``want``)."""
        t = self.type_of(e)
        if t == want or bank(t) == bank(want):
            self.expr(e, dst=dst)
        else:
            tmp = self.expr(e)
            self.emit("i2f", dst, (tmp,), e.span)

    def coerce(self, r: VReg, have: str, want: str, span) -> VReg:
        """Convert ``r`` from ``have`` to ``want`` (int → float), or return it as is."""
        if have == T.INT and want == T.FLOAT:
            return self.emit("i2f", self.temp(T.FLOAT), (r,), span)
        return r

    def const_int(self, v: int, span) -> VReg:
        return self.invariant("const", T.INT, v, span, None)

    def invariant(self, op: str, type_: str, value, span, dst: VReg | None) -> VReg:
        """A ``const`` or ``param`` load; inside a loop, one load before the outermost loop instead.

        A loop body then reads the value from a register; an operand with an immediate form still
        becomes an immediate (the load is dead and removed). The load carries the loop statement's span,
        so stepping never visits a line of the loop body before the loop starts.
        """
        if dst is not None or not self.loops:
            return self.emit(op, dst if dst is not None else self.temp(type_), (), span, value)
        key = (op, type_, type(value), value if not isinstance(value, float) else value.hex())
        r = self.hoisted.get(key)
        if r is None:
            r = self.temp(type_)
            self.hoist.instrs.append(Instr(op, r, (), self.hoist_span, value))
            self.hoisted[key] = r
        return r

    def _enter_loop(self, s) -> bool:
        """Before lowering a loop: the outermost one makes the current block the place loads go."""
        if self.loops:
            return False
        self.hoist, self.hoist_span, self.hoisted = self.block, s.span, {}
        return True

    def _leave_loop(self, outermost: bool) -> None:
        if outermost:
            self.hoist, self.hoist_span, self.hoisted = None, None, {}

    def out(self, e, dst):
        return dst if dst is not None else self.temp(self.type_of(e))

    def expr(self, e, dst: VReg | None = None) -> VReg | None:
        """Lower an expression; its value ends up in ``dst`` when given (which is then returned)."""
        r = getattr(self, "expr_" + type(e).__name__)(e, dst)
        if dst is not None and r is not dst and r is not None:
            self.emit("mov", dst, (r,), e.span)
            return dst
        return r

    def expr_IntLit(self, e, dst):
        """atom: INT"""
        return self.invariant("const", self.type_of(e), e.value, e.span, dst)

    def expr_FloatLit(self, e, dst):
        """atom: FLOAT"""
        return self.invariant("const", self.type_of(e), e.value, e.span, dst)

    def expr_BoolLit(self, e, dst):
        """atom: "true" | "false" """
        return self.invariant("const", self.type_of(e), int(e.value), e.span, dst)

    def expr_Name(self, e, dst):
        """atom: NAME"""
        sym = self.c.symbols[id(e)]
        if sym.kind == "const":
            v = sym.value
            return self.invariant("const", self.type_of(e), int(v) if sym.type == T.BOOL else v, e.span, dst)
        if sym.kind == "param":
            return self.invariant("param", self.type_of(e), self.model_params[sym.name], e.span, dst)
        return self.env[sym.uid]

    def expr_Unary(self, e, dst):
        """unary: "-" unary | not_expr: "not" not_expr"""
        a = self.expr(e.operand)
        return self.emit("neg" if e.op == "-" else "not", self.out(e, dst), (a,), e.span)

    def expr_Binary(self, e, dst):
        """sum/product/power/comparison"""
        if e.op in _SWAP:
            op, a, b = self.compare_operands(e)
            return self.emit(op, self.out(e, dst), (a, b), e.span)
        t = self.type_of(e)
        a = self.value(e.left, t)
        b = self.value(e.right, t)
        return self.emit(_ARITH[e.op], self.out(e, dst), (a, b), e.span)

    def expr_Logic(self, e, dst):
        """or_expr / and_expr as a value: short-circuit control flow writing 0 or 1"""
        r = self.out(e, dst)
        t, f, done = self.new_block(), self.new_block(), self.new_block()
        self.cond(e, t, f)
        self.block = t
        self.emit("const", r, (), e.span, 1)
        t.term = Instr("jmp", None, (), e.span, done)
        self.block = f
        self.emit("const", r, (), e.span, 0)
        f.term = Instr("jmp", None, (), e.span, done)
        self.block = done
        return r

    def expr_Convert(self, e, dst):
        """atom: SCALAR_TYPE "(" expr ")" """
        t = self.type_of(e.arg)
        a = self.expr(e.arg)
        if e.type == T.FLOAT and t != T.FLOAT:
            return self.emit("i2f", self.out(e, dst), (a,), e.span)
        if e.type == T.INT and t == T.FLOAT:
            return self.emit("f2i", self.out(e, dst), (a,), e.span)
        return a

    def expr_NewArray(self, e, dst):
        """atom: "new" SCALAR_TYPE "[" expr ("," expr)? "]" """
        dims = [self.value(d, T.INT) for d in e.dims]
        return self.emit("new", self.out(e, dst), dims, e.span, e.elem)

    def element(self, e: A.Index):
        """(array register, flat index register) of ``a[i]`` or ``m[i, j]``; checks bounds at run time."""
        arr = self.expr(e.target)
        idx = [self.value(i, T.INT) for i in e.indices]
        if len(idx) == 1:
            return arr, idx[0]
        return arr, self.emit("idx2", self.temp(T.INT), (arr, idx[0], idx[1]), e.span)

    def expr_Index(self, e, dst):
        """postfix: postfix "[" args "]" """
        arr, flat = self.element(e)
        return self.emit("aload", self.out(e, dst), (arr, flat), e.span)

    def expr_Call(self, e, dst):
        """postfix: postfix "(" [args] ")" """
        sig = self.c.functions.get(e.func)
        if sig is not None:
            args = [self.value(a, pt) for a, (_, pt) in zip(e.args, sig.params)]
            r = None if sig.ret == T.VOID else self.out(e, dst)
            return self.emit("call", r, args, e.span, e.func)
        return getattr(self, "builtin_" + e.func, self.builtin_math)(e, dst)

    # -- builtins
    def builtin_math(self, e, dst):
        a = self.value(e.args[0], T.FLOAT)
        return self.emit("math", self.out(e, dst), (a,), e.span, e.func)

    def builtin_print(self, e, dst):
        items, regs = [], []
        for a in e.args:
            if isinstance(a, A.StrLit):
                items.append(("str", a.value))
            else:
                items.append(("val", self.type_of(a), len(regs)))
                regs.append(self.expr(a))
        self.emit("print", None, regs, e.span, tuple(items))

    def builtin_abs(self, e, dst):
        return self.emit("abs", self.out(e, dst), (self.expr(e.args[0]),), e.span)

    def _float2(self, op, e, dst):
        a, b = (self.value(x, T.FLOAT) for x in e.args)
        return self.emit(op, self.out(e, dst), (a, b), e.span)

    def builtin_atan2(self, e, dst):
        return self._float2("atan2", e, dst)

    def builtin_pow(self, e, dst):
        return self._float2("pow", e, dst)

    def _minmax(self, op, e, dst):
        t = self.type_of(e)
        acc = self.value(e.args[0], t)
        for k, a in enumerate(e.args[1:], start=2):
            b = self.value(a, t)
            acc = self.emit(op, dst if (k == len(e.args) and dst is not None) else self.temp(t), (acc, b), e.span)
        return acc

    def builtin_min(self, e, dst):
        return self._minmax("min", e, dst)

    def builtin_max(self, e, dst):
        return self._minmax("max", e, dst)

    def _array1(self, op, e, dst):
        return self.emit(op, self.out(e, dst), (self.expr(e.args[0]),), e.span)

    def builtin_len(self, e, dst):
        return self._array1("len", e, dst)

    def builtin_rows(self, e, dst):
        return self._array1("rows", e, dst)

    def builtin_cols(self, e, dst):
        return self._array1("cols", e, dst)

    def builtin_copy(self, e, dst):
        return self._array1("copy", e, dst)

    def builtin_sum(self, e, dst):
        return self._array1("sum", e, dst)

    def builtin_fill(self, e, dst):
        arr = self.expr(e.args[0])
        v = self.value(e.args[1], T.elem_of(self.type_of(e.args[0])))
        self.emit("fill", None, (arr, v), e.span)

    def builtin_rand(self, e, dst):
        return self.emit("rand", self.out(e, dst), (), e.span)

    def builtin_randn(self, e, dst):
        return self.emit("randn", self.out(e, dst), (), e.span)

    def builtin_randint(self, e, dst):
        lo, hi = (self.value(a, T.INT) for a in e.args)
        return self.emit("randint", self.out(e, dst), (lo, hi), e.span)


def _static_int(c: Checked, e) -> int | None:
    """The value of an int expression known before the run (literal, constant, negation), else None."""
    if isinstance(e, A.IntLit):
        return e.value
    if isinstance(e, A.Unary) and e.op == "-":
        v = _static_int(c, e.operand)
        return -v if v is not None else None
    if isinstance(e, A.Name):
        sym = c.symbols.get(id(e))
        if sym is not None and sym.kind == "const" and sym.type == T.INT:
            return sym.value
    return None


def lower(checked: Checked) -> ModuleIR:
    """Lower a checked module to IR; model parameters get constant-pool slots per bank in order."""
    m = checked.module
    slots = {"i": 0, "f": 0}
    params, slot_of = [], {}
    for p in m.params:
        sym = checked.params[p.name]
        b = bank(sym.type)
        default, lo, hi = sym.value
        params.append(ParamDecl(p.name, sym.type, default, lo, hi, slots[b], p.name_span))
        slot_of[p.name] = slots[b]
        slots[b] += 1
    functions = [_FnLowering(checked, slot_of, f).lower() for f in m.functions]
    return ModuleIR(name=m.name, version=m.version, file=checked.file, source=checked.source,
                    functions=functions, params=params, uses=list(m.uses))
