"""Random well-typed mvm programs, each rendered twice: as mvm source and as an equivalent Python program.

Input: a hypothesis ``draw`` (``programs()`` is the strategy). Output: ``GenProgram`` with the model
source, the Python oracle source (which uses ``mvmfuzz_rt`` for every operation whose mvm semantics differ
from Python's), the parameter overrides, the seed of the run and a few ``Model.call``s of helper functions
with host arguments.

Programs use int, float and bool expressions with every operator, comparisons, ``and``/``or``/``not``,
``if``/``else if``/``else``, bounded ``while`` loops, ``for`` loops with positive, negative, zero and
computed steps, ``break``/``continue``, early returns, functions with up to six parameters of every type,
recursion and mutual recursion, 1-D and 2-D arrays, builtins, ``rand``/``randn``/``randint``, ``print``,
params (overridden per run), constants and record results. ``print`` statements of the visible variables
at the end of ``main``, of some functions and of some loop bodies make intermediate values observable.

The generator keeps programs well typed and terminating by construction: loops have bounded trip counts,
recursion carries a depth argument, array indices are usually reduced with ``% len(a)``. Expressions
have no side effects other than ``rand()`` draws and runtime errors, so the evaluation order that matters
is the left-to-right order both renderings share. Runtime errors (division by zero, out-of-bounds
indices, ...) are allowed: the oracle raises ``ExpectedRuntimeError`` and mvm must raise
``MVMRuntimeError``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from hypothesis import strategies as st

INT, FLOAT, BOOL = "int", "float", "bool"
A1I, A1F, A2I, A2F = "int[]", "float[]", "int[,]", "float[,]"
ARRAYS = (A1I, A1F, A2I, A2F)
SCALARS = (INT, FLOAT, BOOL)

# mvm precedence levels (spec §6.1)
OR, AND, NOT, CMP, ADD, MUL, NEG, POW, POST, ATOM = range(1, 11)

INT64_MAX = 2**63 - 1

# Known-bug switches (comma-separated in MVM_FUZZ_AVOID) steer the generator around a reported bug so
# that a run can look for other ones; the tests use none of them by default.
AVOID = frozenset(x.strip() for x in os.environ.get("MVM_FUZZ_AVOID", "").split(",") if x.strip())

# mvm local names; reused across blocks so that shadowing happens
LOCAL_NAMES = ("x", "y", "z", "n", "k", "t", "acc", "tmp", "q", "w", "u", "v")
ARRAY_NAMES = ("a", "b", "m", "g", "arr", "buf")
LOOP_NAMES = ("i", "j", "r", "c", "d2")


def elem(t: str) -> str:
    """Element type of an array type."""
    return INT if t.startswith("int") else FLOAT


def is2d(t: str) -> bool:
    return t.endswith("[,]")


@dataclass
class Ex:
    """An expression in both renderings; ``py`` is always self-delimiting (atomic or parenthesised)."""

    src: str
    py: str
    prec: int
    type: str


@dataclass
class Var:
    """A name visible to the generator."""

    name: str
    py: str
    type: str
    mutable: bool = True      # may be the target of an assignment
    writable: bool = True     # (arrays) elements may be stored: the array belongs to this function
    owned: bool = True        # (arrays) created in this function, so it may be returned


@dataclass
class Func:
    """A generated function's signature."""

    name: str
    params: list[tuple[str, str]]
    ret: str | None
    recursive: bool           # its first parameter is the depth bound ``dep: int``


@dataclass
class Ctx:
    """Where the generator currently is inside a function body."""

    func: Func | None
    loop_depth: int = 0
    in_while: bool = False


@dataclass
class GenProgram:
    """A generated program: model source, oracle source, run overrides and seed."""

    mvm: str
    python: str
    params: dict = field(default_factory=dict)
    seed: int = 0
    main_ret: str = INT
    calls: list = field(default_factory=list)     # [(function name, [(type, value), ...])] for Model.call


def quote(text: str) -> str:
    """An mvm string literal for ``text`` (escapes of spec §1.4)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


def paren(e: Ex, need: int) -> str:
    """``e``'s mvm text, parenthesised when its precedence is below ``need``."""
    return e.src if e.prec >= need else f"({e.src})"


def py_as(e: Ex, t: str) -> str:
    """Python text of ``e`` converted to type ``t`` (only int → float widens)."""
    if t == FLOAT and e.type == INT:
        return f"_f({e.py})"
    return e.py


def render_int(v: int, style: int) -> str:
    """An int literal, sometimes with ``_`` separators."""
    s = str(v)
    if style == 1 and len(s) > 3:
        parts = []
        while len(s) > 3:
            parts.insert(0, s[-3:])
            s = s[:-3]
        parts.insert(0, s)
        return "_".join(parts)
    return s


def render_float(v: float, style: int) -> str:
    """A non-negative finite float literal that reads back as exactly ``v``."""
    r = repr(v)
    if style == 1 and r.endswith(".0") and "e" not in r:
        return r[:-1]                   # "2." form
    if style == 2 and "e" not in r and "." in r:
        whole, frac = r.split(".")
        if len(whole) > 3:
            return render_int(int(whole), 1) + "." + frac
    if style == 3 and r.endswith(".0") and "e" not in r and len(r) < 12:
        m = r[:-2]
        return f"{m}e0"
    return r


class Gen:
    """Draws one program. Every decision is a hypothesis draw, so examples shrink."""

    def __init__(self, draw, *, max_depth: int = 3):
        self.draw = draw
        self.max_depth = max_depth
        self.uid = 0
        self.globals: dict[str, Var] = {}
        self.scopes: list[dict[str, Var]] = []
        self.ctx = Ctx(None)
        self.callable: list[Func] = []
        self.const_mode = False
        self._const_values: dict[str, object] = {}
        self.all_sigs: list[Func] = []

    # ---- drawing helpers --------------------------------------------------------------------------

    def chance(self, pct: int) -> bool:
        """True with about ``pct`` percent; shrinks to False."""
        return self.draw(st.integers(0, 99)) >= 100 - pct

    def pick(self, options):
        return self.draw(st.sampled_from(list(options)))

    def weighted(self, options):
        """Pick a value from ``[(weight, value), ...]``; shrinks toward the first entry."""
        total = sum(w for w, _ in options)
        k = self.draw(st.integers(0, total - 1))
        for w, v in options:
            if k < w:
                return v
            k -= w
        raise AssertionError

    def fresh(self, prefix: str = "L") -> str:
        self.uid += 1
        return f"{prefix}{self.uid}"

    # ---- scopes -----------------------------------------------------------------------------------

    def visible(self) -> dict[str, Var]:
        """Name → variable as mvm resolves it here (innermost wins)."""
        out = dict(self.globals)
        for scope in self.scopes:
            out.update(scope)
        return out

    def vars_of(self, t: str, *, mutable=False, writable=False) -> list[Var]:
        vs = [v for v in self.visible().values() if v.type == t]
        if mutable:
            vs = [v for v in vs if v.mutable]
        if writable:
            vs = [v for v in vs if v.writable]
        return sorted(vs, key=lambda v: v.name)

    def declare(self, name: str, t: str, **kw) -> Var:
        v = Var(name, self.fresh(), t, **kw)
        self.scopes[-1][name] = v
        return v

    def new_local_name(self, t: str) -> str:
        """A name not yet declared in the current block (shadowing outer ones is fine)."""
        pool = ARRAY_NAMES if t in ARRAYS else LOCAL_NAMES
        taken = set(self.scopes[-1])
        free = [n for n in pool if n not in taken]
        if not free:
            return f"{pool[0]}{self.fresh('_')}"
        return self.pick(free)

    # ---- expressions ------------------------------------------------------------------------------

    def expr(self, t: str, d: int) -> Ex:
        """An expression of type ``t``; for FLOAT the result may be an INT (the context widens)."""
        if t == INT:
            e = self.int_expr(d)
        elif t == FLOAT:
            e = self.float_expr(d)
        elif t == BOOL:
            e = self.bool_expr(d)
        else:
            e = self.array_expr(t, d)
        if e.prec < ATOM and self.chance(5):
            e = Ex(f"({e.src})", e.py, ATOM, e.type)
        return e

    CONST_KINDS = {"leaf", "arith", "divmod", "pow", "neg", "conv", "convb", "div", "fdivmod", "int",
                   "cmp", "and", "or", "not"}

    def allowed(self, options):
        """In a constant expression only operators and conversions may appear (spec §2.4)."""
        if self.const_mode:
            return [(w, k) for w, k in options if k in self.CONST_KINDS]
        return options

    def num_expr(self, d: int) -> Ex:
        return self.float_expr(d) if self.chance(50) else self.int_expr(d)

    def int_lit(self) -> Ex:
        v = self.weighted([(6, "small"), (2, "mid"), (2, "big")])
        if v == "small":
            n = self.draw(st.integers(0, 10))
        elif v == "mid":
            n = self.draw(st.integers(0, 100_000))
        else:
            n = self.draw(st.sampled_from([INT64_MAX, 2**62, 2**32, 3037000499, 3037000500, 2**31 - 1, 2**31,
                                           2**31 + 1, 2**15 - 1, 2**15, 2**16, 2**63 - 2, 2**53 + 1])
                          | st.integers(0, INT64_MAX))
        return Ex(render_int(n, self.draw(st.integers(0, 1))), str(n), ATOM, INT)

    def float_lit(self) -> Ex:
        kind = self.weighted([(5, "small"), (3, "frac"), (1, "any")])
        if kind == "small":
            v = float(self.draw(st.integers(0, 10)))
        elif kind == "frac":
            v = self.pick([0.5, 0.1, 0.25, 2.5, 1e-3, 3.75, 1.5, 0.3, 1e-9, 12345.678])
        else:
            v = self.draw(st.floats(min_value=0.0, allow_nan=False, allow_infinity=False))
        style = self.draw(st.integers(0, 3))
        return Ex(render_float(v, style), repr(v), ATOM, FLOAT)

    def var_ref(self, t: str) -> Ex | None:
        vs = self.vars_of(t)
        if not vs:
            return None
        v = self.pick(vs)
        return Ex(v.name, v.py, ATOM, v.type)

    def leaf(self, t: str) -> Ex:
        if t == BOOL:
            if self.chance(50):
                r = self.var_ref(BOOL)
                if r:
                    return r
            b = self.chance(50)
            return Ex("true" if b else "false", "True" if b else "False", ATOM, BOOL)
        if self.chance(55):
            r = self.var_ref(t)
            if r:
                return r
        if t == FLOAT and self.chance(8):
            # the special values, written as expressions: nan, inf, -inf, -0.0
            return self.pick([Ex("(0.0 / 0.0)", "_fdiv(0.0, 0.0)", ATOM, FLOAT),
                              Ex("(1.0 / 0.0)", "_fdiv(1.0, 0.0)", ATOM, FLOAT),
                              Ex("(-1.0 / 0.0)", "_fdiv(-1.0, 0.0)", ATOM, FLOAT),
                              Ex("-0.0", "(-0.0)", NEG, FLOAT)])
        lit = self.int_lit() if t == INT else self.float_lit()
        return self.neg(lit) if self.chance(30) else lit

    def arith(self, op: str, a: Ex, b: Ex) -> Ex:
        """``a op b`` with mvm's typing: int op int stays int (except ``/``), otherwise float."""
        is_int = a.type == INT and b.type == INT and op != "/"
        rt = INT if is_int else FLOAT
        if op == "**":
            src = f"{paren(a, POST)} ** {paren(b, NEG)}"
            prec = POW
        else:
            level = ADD if op in "+-" else MUL
            src = f"{paren(a, level)} {op} {paren(b, level + 1)}"
            prec = level
        if is_int:
            fn = {"+": "_iadd", "-": "_isub", "*": "_imul", "//": "_ifloordiv", "%": "_imod",
                  "**": "_ipow"}[op]
            py = f"{fn}({a.py}, {b.py})"
        else:
            x, y = py_as(a, FLOAT), py_as(b, FLOAT)
            if op in ("+", "-", "*"):
                py = f"({x} {op} {y})"
            else:
                fn = {"/": "_fdiv", "//": "_ffloordiv", "%": "_fmod", "**": "_fpow"}[op]
                py = f"{fn}({x}, {y})"
        return Ex(src, py, prec, rt)

    def neg(self, a: Ex) -> Ex:
        src = f"-{paren(a, NEG)}"
        py = f"_ineg({a.py})" if a.type == INT else f"(-{a.py})"
        return Ex(src, py, NEG, a.type)

    def call_builtin(self, name: str, args: list[Ex], rt: str, py: str) -> Ex:
        return Ex(f"{name}({', '.join(a.src for a in args)})", py, POST, rt)

    def divisor(self, d: int) -> Ex:
        """An int divisor: raw (may be zero) or made non-zero with ``abs(e) + 1``."""
        e = self.int_expr(d)
        how = self.weighted([(4, "guard"), (3, "raw"), (3, "negguard")])
        if how == "raw" or self.const_mode:
            return e
        ab = self.call_builtin("abs", [e], INT, f"_iabs({e.py})")
        g = self.arith("+", ab, Ex("1", "1", ATOM, INT))
        if how == "negguard":
            return self.neg(g)
        return g

    def small_nonneg(self, d: int, mod: int) -> Ex:
        """``e % mod``: an int in [0, mod)."""
        e = self.int_expr(d)
        return self.arith("%", e, Ex(str(mod), str(mod), ATOM, INT))

    def index1(self, av: Ex, d: int) -> Ex:
        """An index for 1-D array ``av``: usually ``e % len(a)``, sometimes a raw small literal."""
        if self.chance(8):
            n = self.draw(st.integers(0, 6))
            return Ex(str(n), str(n), ATOM, INT)
        e = self.int_expr(d)
        ln = Ex(f"len({av.src})", f"_len({av.py})", POST, INT)
        return self.arith("%", e, ln)

    def index2(self, mv: Ex, d: int) -> tuple[Ex, Ex]:
        if self.chance(8):
            i = self.draw(st.integers(0, 4))
            j = self.draw(st.integers(0, 4))
            return Ex(str(i), str(i), ATOM, INT), Ex(str(j), str(j), ATOM, INT)
        r = Ex(f"rows({mv.src})", f"_rows({mv.py})", POST, INT)
        c = Ex(f"cols({mv.src})", f"_cols({mv.py})", POST, INT)
        return self.arith("%", self.int_expr(d), r), self.arith("%", self.int_expr(d), c)

    def array_read(self, t: str, d: int) -> Ex | None:
        """``a[i]`` or ``m[i, j]`` of a visible array with element type ``t``."""
        cands = [v for v in self.visible().values() if v.type in ARRAYS and elem(v.type) == t]
        if not cands:
            return None
        v = self.pick(sorted(cands, key=lambda v: v.name))
        av = Ex(v.name, v.py, ATOM, v.type)
        if is2d(v.type):
            i, j = self.index2(av, d)
            return Ex(f"{v.name}[{i.src}, {j.src}]", f"_ld2({v.py}, {i.py}, {j.py})", POST, t)
        i = self.index1(av, d)
        return Ex(f"{v.name}[{i.src}]", f"_ld1({v.py}, {i.py})", POST, t)

    def array_scalar(self, d: int, want_int: bool) -> Ex | None:
        """``len``/``rows``/``cols``/``sum`` of a visible array (or of a fresh array expression)."""
        arrs = sorted((v for v in self.visible().values() if v.type in ARRAYS), key=lambda v: v.name)
        if not arrs:
            return None
        v = self.pick(arrs)
        av = Ex(v.name, v.py, ATOM, v.type)
        if self.chance(15):
            av = Ex(f"copy({v.name})", f"_copy({v.py})", POST, v.type)
        if want_int:
            opts = ["len", "rows", "cols"] + (["sum"] if elem(v.type) == INT else [])
        else:
            if elem(v.type) != FLOAT:
                return None
            opts = ["sum"]
        fn = self.pick(opts)
        return Ex(f"{fn}({av.src})", f"_{fn}({av.py})", POST, INT if want_int else FLOAT)

    def peers(self) -> list[Func]:
        """Functions the current one may call with a smaller depth: every recursive function (itself too)."""
        cur = self.ctx.func
        if cur is None or not cur.recursive or self.ctx.loop_depth > 0:
            return []
        return [f for f in self.all_sigs if f.recursive]

    def call_expr(self, rt: str, d: int) -> Ex | None:
        """A call of a generated function whose result type is ``rt``."""
        fs = [f for f in self.callable + self.peers() if f.ret == rt]
        if not fs:
            return None
        f = self.pick(fs)
        return self.call_of(f, d)

    def call_of(self, f: Func, d: int) -> Ex:
        args_src, args_py = [], []
        for k, (pname, ptype) in enumerate(f.params):
            if k == 0 and f.recursive:
                if f in self.peers():
                    dv = self.scopes[0]["dep"]
                    step = self.pick([1, 2])
                    a = Ex(f"dep - {step}", f"_isub({dv.py}, {step})", ADD, INT)
                else:
                    n = self.draw(st.integers(0, 4))
                    a = Ex(str(n), str(n), ATOM, INT)
            elif ptype in ARRAYS:
                a = self.array_arg(ptype, d, need_writable=f.ret is None)
            else:
                a = self.expr(ptype, d - 1)
            args_src.append(a.src)
            args_py.append(py_as(a, ptype))
        trailing = "," if args_src and self.chance(5) else ""
        return Ex(f"{f.name}({', '.join(args_src)}{trailing})", f"f_{f.name}({', '.join(args_py)})", POST,
                  f.ret or "void")

    def array_arg(self, t: str, d: int, need_writable: bool) -> Ex:
        """An array argument; a void callee may write into it, so it must be ours to write."""
        vs = self.vars_of(t, writable=need_writable)
        if vs and self.chance(80):
            v = self.pick(vs)
            return Ex(v.name, v.py, ATOM, t)
        return self.array_expr(t, d)

    def int_expr(self, d: int) -> Ex:
        if d <= 0:
            return self.leaf(INT)
        kind = self.weighted(self.allowed([
            (4, "leaf"), (6, "arith"), (2, "divmod"), (1, "pow"), (1, "neg"), (2, "minmax"), (1, "abs"),
            (2, "conv"), (2, "index"), (1, "arrfn"), (1, "call"), (1, "randint"), (1, "convb"),
        ]))
        if kind == "arith":
            op = self.pick(["+", "-", "*"])
            return self.arith(op, self.int_expr(d - 1), self.int_expr(d - 1))
        if kind == "divmod":
            op = self.pick(["//", "%"])
            return self.arith(op, self.int_expr(d - 1), self.divisor(d - 1))
        if kind == "pow":
            base = self.int_expr(d - 1)
            if self.chance(15):
                ex = self.int_expr(d - 1)
            else:
                ex = self.small_nonneg(d - 1, 5)
            return self.arith("**", base, ex)
        if kind == "neg":
            return self.neg(self.int_expr(d - 1))
        if kind == "minmax":
            fn = self.pick(["min", "max"])
            a, b = self.int_expr(d - 1), self.int_expr(d - 1)
            return self.call_builtin(fn, [a, b], INT, f"_i{fn}({a.py}, {b.py})")
        if kind == "abs":
            a = self.int_expr(d - 1)
            return self.call_builtin("abs", [a], INT, f"_iabs({a.py})")
        if kind == "conv":
            a = self.float_expr(d - 1)
            if not self.const_mode and self.chance(75):
                # clamp so that a nan or a huge value does not end the run too often
                lo = Ex("-1e15", "-1e15", NEG, FLOAT)
                hi = Ex("1e15", "1e15", ATOM, FLOAT)
                inner = self.call_builtin("max", [lo, a], FLOAT, f"_fmax(-1e15, {py_as(a, FLOAT)})")
                a = self.call_builtin("min", [hi, inner], FLOAT, f"_fmin(1e15, {inner.py})")
            return Ex(f"int({a.src})", f"_f2i({py_as(a, FLOAT)})" if a.type == FLOAT else a.py, POST, INT)
        if kind == "convb":
            b = self.bool_expr(d - 1)
            return Ex(f"int({b.src})", f"_b2i({b.py})", POST, INT)
        if kind == "index":
            r = self.array_read(INT, d - 1)
            if r:
                return r
        if kind == "arrfn":
            r = self.array_scalar(d - 1, True)
            if r:
                return r
        if kind == "call":
            r = self.call_expr(INT, d - 1)
            if r:
                return r
        if kind == "randint":
            lo = self.int_expr(d - 1) if self.chance(20) else self.int_lit()
            if self.chance(85):
                span = self.draw(st.integers(1, 1000))
                hi = self.arith("+", lo, Ex(str(span), str(span), ATOM, INT))
            else:
                hi = self.int_expr(d - 1)
            return self.call_builtin("randint", [lo, hi], INT, f"_randint({lo.py}, {hi.py})")
        return self.leaf(INT)

    def float_expr(self, d: int) -> Ex:
        """A float-context expression (sometimes of type int, which the context widens)."""
        if d <= 0:
            return self.leaf(FLOAT) if self.chance(85) else self.leaf(INT)
        kind = self.weighted(self.allowed([
            (4, "leaf"), (7, "arith"), (2, "div"), (2, "fdivmod"), (1, "pow"), (1, "neg"), (3, "math1"),
            (1, "math2"), (2, "minmax"), (1, "conv"), (2, "index"), (1, "arrfn"), (1, "call"), (1, "rand"),
            (1, "int"),
        ]))
        if kind == "arith":
            op = self.pick(["+", "-", "*"])
            a, b = self.float_expr(d - 1), self.float_expr(d - 1)
            return self.arith(op, a, b)
        if kind == "div":
            return self.arith("/", self.num_expr(d - 1), self.num_expr(d - 1))
        if kind == "fdivmod" and not (self.const_mode and "const-float-ops" in AVOID):
            op = self.pick(["//", "%"])
            a, b = self.float_expr(d - 1), self.float_expr(d - 1)
            if a.type == INT and b.type == INT:
                b = Ex(f"float({b.src})", f"_f({b.py})", POST, FLOAT)
            return self.arith(op, a, b)
        if kind == "pow" and not (self.const_mode and "const-float-ops" in AVOID):
            a, b = self.float_expr(d - 1), self.float_expr(d - 1)
            if a.type == INT and b.type == INT:
                a = Ex(f"float({a.src})", f"_f({a.py})", POST, FLOAT)
            if self.const_mode or self.chance(50):
                return self.arith("**", a, b)
            return self.call_builtin("pow", [a, b], FLOAT, f"_fpow({py_as(a, FLOAT)}, {py_as(b, FLOAT)})")
        if kind == "neg":
            return self.neg(self.float_expr(d - 1))
        if kind == "math1":
            fn = self.pick(["sqrt", "exp", "log", "sin", "cos", "tan", "atan", "tanh", "floor", "ceil",
                            "abs", "log10", "asin", "acos", "sinh", "cosh"])
            a = self.float_expr(d - 1)
            if fn == "abs":
                if a.type == INT:
                    return self.call_builtin("abs", [a], INT, f"_iabs({a.py})")
                return self.call_builtin("abs", [a], FLOAT, f"_fabs({a.py})")
            if fn == "sqrt" and self.chance(50):
                inner = self.call_builtin("abs", [a], a.type, f"_iabs({a.py})" if a.type == INT else
                                          f"_fabs({a.py})")
                a = inner
            return self.call_builtin(fn, [a], FLOAT, f"_{fn}({py_as(a, FLOAT)})")
        if kind == "math2":
            a, b = self.float_expr(d - 1), self.float_expr(d - 1)
            return self.call_builtin("atan2", [a, b], FLOAT, f"_atan2({py_as(a, FLOAT)}, {py_as(b, FLOAT)})")
        if kind == "minmax":
            fn = self.pick(["min", "max"])
            a, b = self.float_expr(d - 1), self.float_expr(d - 1)
            if a.type == INT and b.type == INT:
                return self.call_builtin(fn, [a, b], INT, f"_i{fn}({a.py}, {b.py})")
            return self.call_builtin(fn, [a, b], FLOAT, f"_f{fn}({py_as(a, FLOAT)}, {py_as(b, FLOAT)})")
        if kind == "conv":
            if self.chance(70):
                a = self.int_expr(d - 1)
                return Ex(f"float({a.src})", f"_f({a.py})", POST, FLOAT)
            if self.chance(50):
                b = self.bool_expr(d - 1)
                return Ex(f"float({b.src})", f"_b2f({b.py})", POST, FLOAT)
            a = self.float_expr(d - 1)
            return Ex(f"float({a.src})", f"_f({a.py})", POST, FLOAT)
        if kind == "index":
            r = self.array_read(FLOAT, d - 1)
            if r:
                return r
        if kind == "arrfn":
            r = self.array_scalar(d - 1, False)
            if r:
                return r
        if kind == "call":
            r = self.call_expr(FLOAT, d - 1)
            if r:
                return r
        if kind == "rand":
            if self.chance(70):
                return Ex("rand()", "_rand()", POST, FLOAT)
            return Ex("randn()", "_randn()", POST, FLOAT)
        if kind == "int":
            return self.int_expr(d - 1)
        return self.leaf(FLOAT)

    def compare(self, d: int) -> Ex:
        if self.chance(20):
            a, b = self.bool_expr(d - 1), self.bool_expr(d - 1)
            op = self.pick(["==", "!="])
            return Ex(f"{paren(a, ADD)} {op} {paren(b, ADD)}", f"({a.py} {op} {b.py})", CMP, BOOL)
        a, b = self.num_expr(d - 1), self.num_expr(d - 1)
        op = self.pick(["<", "<=", ">", ">=", "==", "!="])
        if a.type == INT and b.type == INT:
            x, y = a.py, b.py
        else:
            x, y = py_as(a, FLOAT), py_as(b, FLOAT)
        return Ex(f"{paren(a, ADD)} {op} {paren(b, ADD)}", f"({x} {op} {y})", CMP, BOOL)

    def bool_expr(self, d: int) -> Ex:
        if d <= 0:
            return self.leaf(BOOL)
        kind = self.weighted(self.allowed([(2, "leaf"), (6, "cmp"), (2, "and"), (2, "or"), (2, "not"),
                                           (1, "call")]))
        if kind == "cmp":
            return self.compare(d)
        if kind in ("and", "or"):
            a, b = self.bool_expr(d - 1), self.bool_expr(d - 1)
            level = AND if kind == "and" else OR
            return Ex(f"{paren(a, level)} {kind} {paren(b, level + 1)}", f"({a.py} {kind} {b.py})", level, BOOL)
        if kind == "not":
            a = self.bool_expr(d - 1)
            return Ex(f"not {paren(a, NOT)}", f"(not {a.py})", NOT, BOOL)
        if kind == "call":
            r = self.call_expr(BOOL, d - 1)
            if r:
                return r
        return self.leaf(BOOL)

    def array_size(self, d: int) -> Ex:
        how = self.weighted([(6, "lit"), (3, "mod"), (1, "raw")])
        if how == "lit":
            n = self.draw(st.integers(1, 6)) if self.chance(95) else 0
            return Ex(str(n), str(n), ATOM, INT)
        if how == "mod":
            e = self.small_nonneg(d, 6)
            return self.arith("+", e, Ex("1", "1", ATOM, INT))
        e = self.small_nonneg(d, 7)
        return self.arith("-", e, Ex("1", "1", ATOM, INT))     # -1 .. 5: may be a negative size

    def array_expr(self, t: str, d: int) -> Ex:
        """An array-valued expression whose array belongs to the caller (new, copy or call result)."""
        kind = self.weighted([(5, "new"), (2, "copy"), (2, "call")])
        if kind == "copy":
            vs = self.vars_of(t)
            if vs:
                v = self.pick(vs)
                return Ex(f"copy({v.name})", f"_copy({v.py})", POST, t)
        if kind == "call":
            r = self.call_expr(t, d)
            if r:
                return r
        k = elem(t)
        if is2d(t):
            r, c = self.array_size(d - 1), self.array_size(d - 1)
            return Ex(f"new {k}[{r.src}, {c.src}]", f"_new2({k!r}, {r.py}, {c.py})", ATOM, t)
        n = self.array_size(d - 1)
        return Ex(f"new {k}[{n.src}]", f"_new1({k!r}, {n.py})", ATOM, t)

    # ---- statements -------------------------------------------------------------------------------

    def block(self, depth: int, n_max: int = 4, prelude=None, observe: bool = False):
        """A list of statements in a new scope: (mvm statement texts, python lines)."""
        self.scopes.append({})
        if prelude:
            prelude()
        n = self.draw(st.integers(0, n_max))
        src, py = [], []
        for _ in range(n):
            s, p = self.stmt(depth)
            src.append(s)
            py.extend(p)
        if observe:
            o = self.observe()
            if o:
                src.append(o[0])
                py.extend(o[1])
        self.scopes.pop()
        return src, py

    def join_block(self, stmts: list[str], indent: str) -> str:
        """``{ ... }`` around statement texts, on one line or many."""
        if not stmts:
            return "{ }" if self.chance(50) else "{\n" + indent + "}"
        if len(stmts) <= 2 and all("\n" not in s for s in stmts) and self.chance(30):
            return "{ " + "; ".join(stmts) + " }"
        inner = indent + "    "
        body = ""
        for k, s in enumerate(stmts):
            s = s.replace("\n", "\n" + inner)
            sep = "; " if k + 1 < len(stmts) and "\n" not in s and self.chance(10) else "\n" + inner
            body += s + (sep if k + 1 < len(stmts) else "")
        return "{\n" + inner + body + "\n" + indent + "}"

    @staticmethod
    def indent_py(lines: list[str]) -> list[str]:
        return ["    " + ln for ln in lines] or ["    pass"]

    def stmt(self, depth: int) -> tuple[str, list[str]]:
        opts = [(5, "let"), (5, "assign"), (2, "compound"), (3, "store"), (1, "fill"), (1, "callstmt"),
                (1, "assert"), (1, "print")]
        if depth < self.max_depth:
            opts += [(3, "if"), (2, "for"), (2, "while")]
        if self.ctx.loop_depth > 0:
            opts += [(1, "break"), (1, "continue")]
        if self.ctx.func is not None and self.ctx.func.ret is not None and self.ctx.func.ret != "record":
            opts += [(1, "return")]
        kind = self.weighted(opts)
        method = getattr(self, f"s_{kind}")
        r = method(depth)
        if r is None:
            return self.s_let(depth)
        return r

    def s_let(self, depth):
        t = self.weighted([(4, INT), (4, FLOAT), (2, BOOL), (1, A1I), (1, A1F), (1, A2I), (1, A2F)])
        e = self.expr(t, (5 if self.chance(10) else 2) if t in SCALARS else 1)
        name = self.new_local_name(t)
        annotate = ""
        vt = e.type
        if t == FLOAT and e.type == INT and self.chance(50):
            annotate, vt = ": float", FLOAT
        elif t in SCALARS and self.chance(10):
            annotate = f": {e.type}"
        py_val = py_as(e, vt)
        v = self.declare(name, vt)
        return f"let {name}{annotate} = {e.src}", [f"{v.py} = {py_val}"]

    def assign_target(self, scalar_only=False):
        vs = [v for v in self.visible().values() if v.mutable and (v.type in SCALARS or not scalar_only)]
        if not vs:
            return None
        return self.pick(sorted(vs, key=lambda v: (v.name, v.py)))

    def s_assign(self, depth):
        v = self.assign_target()
        if v is None:
            return None
        if v.type in ARRAYS:
            e = self.array_expr(v.type, 1)
            return f"{v.name} = {e.src}", [f"{v.py} = {e.py}"]
        e = self.expr(v.type, 2)
        return f"{v.name} = {e.src}", [f"{v.py} = {py_as(e, v.type)}"]

    def s_compound(self, depth):
        v = self.assign_target(scalar_only=True)
        if v is None or v.type == BOOL:
            return None
        if v.type == INT:
            op = self.pick(["+=", "-=", "*="])
            e = self.int_expr(2)
        else:
            op = self.pick(["+=", "-=", "*=", "/="])
            e = self.float_expr(2)
        res = self.arith(op[0], Ex(v.name, v.py, ATOM, v.type), e)
        return f"{v.name} {op} {e.src}", [f"{v.py} = {py_as(res, v.type)}"]

    def s_store(self, depth):
        arrs = [v for v in self.visible().values() if v.type in ARRAYS and v.writable]
        if not arrs:
            return None
        v = self.pick(sorted(arrs, key=lambda v: (v.name, v.py)))
        av = Ex(v.name, v.py, ATOM, v.type)
        k = elem(v.type)
        ops = ["=", "=", "+=", "-=", "*="] + (["/="] if k == FLOAT else [])
        op = self.pick(ops)
        if is2d(v.type):
            i, j = self.index2(av, 1)
            tgt_src = f"{v.name}[{i.src}, {j.src}]"
            idx_py = [f"_i1 = {i.py}", f"_i2 = {j.py}"]
            load = Ex(tgt_src, f"_ld2({v.py}, _i1, _i2)", POST, k)
            store = f"_st2({v.py}, _i1, _i2, {{}})"
        else:
            i = self.index1(av, 1)
            tgt_src = f"{v.name}[{i.src}]"
            idx_py = [f"_i1 = {i.py}"]
            load = Ex(tgt_src, f"_ld1({v.py}, _i1)", POST, k)
            store = f"_st1({v.py}, _i1, {{}})"
        e = self.expr(k, 2)
        if op == "=":
            val = py_as(e, k)
        else:
            val = py_as(self.arith(op[0], load, e), k)
        # evaluation order of the spec (§5): indices, then the value, then the bounds check at the store
        lines = idx_py + [f"_val = {val}" if op == "=" else f"_e = {e.py}"]
        if op != "=":
            e2 = Ex(e.src, "_e", ATOM, e.type)
            val = py_as(self.arith(op[0], load, e2), k)
            lines.append(f"_val = {val}")
        lines.append(store.format("_val"))
        return f"{tgt_src} {op} {e.src}", lines

    def s_fill(self, depth):
        arrs = [v for v in self.visible().values() if v.type in ARRAYS and v.writable]
        if not arrs:
            return None
        v = self.pick(sorted(arrs, key=lambda v: (v.name, v.py)))
        k = elem(v.type)
        e = self.expr(k, 1)
        return f"fill({v.name}, {e.src})", [f"_fill({v.py}, {py_as(e, k)})"]

    def s_callstmt(self, depth):
        fs = self.callable + self.peers()
        if not fs:
            return None
        f = self.pick(fs)
        e = self.call_of(f, 1)
        return e.src, [e.py]

    def s_assert(self, depth):
        c = self.bool_expr(1)
        if self.chance(50):
            return f"assert {c.src}", [f"_assert({c.py})"]
        return f'assert {c.src}, "check failed"', [f"_assert({c.py}, 'check failed')"]

    def s_print(self, depth):
        items_src, items_py = [], []
        for _ in range(self.draw(st.integers(0, 4))):
            kind = self.weighted([(3, "num"), (1, "bool"), (1, "str"), (1, "array")])
            if kind == "str":
                text = self.draw(st.text(alphabet=st.sampled_from(list('ab "\\\n\t,[]#')), max_size=6))
                items_src.append(quote(text))
                items_py.append(repr(text))
                continue
            if kind == "array":
                arrs = sorted((v for v in self.visible().values() if v.type in ARRAYS), key=lambda v: v.py)
                if arrs:
                    v = self.pick(arrs)
                    items_src.append(v.name)
                    items_py.append(v.py)
                    continue
            e = self.bool_expr(1) if kind == "bool" else self.num_expr(2)
            items_src.append(e.src)
            items_py.append(e.py)
        return f"print({', '.join(items_src)})", [f"_print({', '.join(items_py)})"]

    def observe(self, every: bool = False) -> tuple[str, list[str]] | None:
        """``print`` of visible variables, so that values the result does not use are compared too."""
        vs = sorted(self.visible().values(), key=lambda v: v.py)
        if not every:
            vs = [v for v in vs if self.chance(40)]
        if not vs:
            return None
        return (f"print({', '.join(v.name for v in vs)})", [f"_print({', '.join(v.py for v in vs)})"])

    def s_break(self, depth):
        return "break", ["break"]

    def s_continue(self, depth):
        return "continue", ["continue"]

    def s_return(self, depth):
        f = self.ctx.func
        e = self.ret_value(f.ret)
        return f"return {e.src}", [f"return {py_as(e, f.ret)}"]

    def ret_value(self, t: str) -> Ex:
        if t in ARRAYS:
            vs = [v for v in self.vars_of(t) if v.owned]
            if vs and self.chance(70):
                v = self.pick(vs)
                return Ex(v.name, v.py, ATOM, t)
            return self.array_expr(t, 1)
        return self.expr(t, 2)

    def s_if(self, depth):
        ind = "    " * 0
        c = self.bool_expr(2)
        src_then, py_then = self.block(depth + 1)
        text = f"if {c.src} " + self.join_block(src_then, ind)
        py = [f"if {c.py}:"] + self.indent_py(py_then)
        n_elif = self.weighted([(6, 0), (2, 1), (1, 2)])
        for _ in range(n_elif):
            c2 = self.bool_expr(2)
            s2, p2 = self.block(depth + 1)
            text += self.else_sep() + f"else if {c2.src} " + self.join_block(s2, ind)
            py += [f"elif {c2.py}:"] + self.indent_py(p2)
        if self.chance(50):
            s3, p3 = self.block(depth + 1)
            text += self.else_sep() + "else " + self.join_block(s3, ind)
            py += ["else:"] + self.indent_py(p3)
        return text, py

    def else_sep(self) -> str:
        return "\n" if self.chance(15) else " "

    def loop_body(self, depth, prelude=None, n_max=4):
        self.ctx.loop_depth += 1
        try:
            return self.block(depth + 1, n_max=n_max, prelude=prelude, observe=self.chance(30))
        finally:
            self.ctx.loop_depth -= 1

    def s_for(self, depth):
        # bounds with small trip counts: a in [-2, 8], b in [-3, 10]
        def bound(lo, hi):
            how = self.weighted([(5, "lit"), (3, "mod"), (1, "len")])
            if how == "len":
                arrs = [v for v in self.visible().values() if v.type in ARRAYS]
                if arrs:
                    v = self.pick(sorted(arrs, key=lambda v: (v.name, v.py)))
                    return Ex(f"len({v.name})", f"_len({v.py})", POST, INT)
            if how == "mod":
                e = self.small_nonneg(1, hi - lo + 1)
                if lo:
                    return self.arith("+", e, Ex(str(lo), str(lo), ATOM, INT)) if lo > 0 else \
                        self.arith("-", e, Ex(str(-lo), str(-lo), ATOM, INT))
                return e
            n = self.draw(st.integers(lo, hi))
            return Ex(str(n), str(n), ATOM, INT) if n >= 0 else Ex(f"-{-n}", str(n), NEG, INT)

        a = bound(-2, 8)
        b = bound(-3, 10)
        step_kind = self.weighted([(4, "none"), (4, "const"), (1, "expr")])
        if step_kind == "none":
            k = Ex("1", "1", ATOM, INT)
            step_src = ""
        elif step_kind == "const":
            n = self.pick([1, -1, 2, -2, 3, -3, 0] if self.chance(5) else [1, -1, 2, -2, 3, -3])
            k = Ex(str(n), str(n), ATOM, INT) if n >= 0 else Ex(f"-{-n}", str(n), NEG, INT)
            step_src = f" step {k.src}"
        else:
            e = self.small_nonneg(1, 5)
            k = self.arith("-", e, Ex("2", "2", ATOM, INT))     # -2 .. 2: zero is a runtime error
            step_src = f" step {k.src}"
        rng = ".." if self.chance(70) else " .. "
        names = [n for n in LOOP_NAMES if n not in self.scopes[-1]]
        name = self.pick(names) if names else self.fresh("i")
        holder = {}

        def prelude():
            holder["v"] = self.declare(name, INT, mutable=False)

        src_body, py_body = self.loop_body(depth, prelude)
        v = holder["v"]
        text = f"for {name} in {a.src}{rng}{b.src}{step_src} " + self.join_block(src_body, "")
        py = [f"for {v.py} in _forrange({a.py}, {b.py}, {k.py}):", "    _tick()"] + self.indent_py(py_body)
        return text, py

    def s_while(self, depth):
        cname = self.fresh("wc")
        limit = self.draw(st.integers(0, 6))
        cv = self.declare(cname, INT, mutable=False)
        c = self.bool_expr(1)
        src_body, py_body = self.loop_body(depth)
        with_cond = self.chance(60)
        cond_src = f"{cname} < {limit}" + (f" and {paren(c, AND + 1)}" if with_cond else "")
        cond_py = f"({cv.py} < {limit})" + (f" and {c.py}" if with_cond else "")
        body = [f"{cname} += 1"] + src_body
        text = f"let {cname} = 0\nwhile {cond_src} " + self.join_block(body, "")
        py = [f"{cv.py} = 0", f"while {cond_py}:", "    _tick()", f"    {cv.py} = _iadd({cv.py}, 1)"] + \
            self.indent_py(py_body)
        return text, py

    # ---- declarations -----------------------------------------------------------------------------

    def gen_params_consts(self):
        """``param`` and ``const`` declarations, their Python globals and the run's overrides."""
        psrc, csrc, py, overrides = [], [], [], {}
        for k in range(self.draw(st.integers(0, 2))):
            name = f"P{k}"
            t = self.pick([INT, FLOAT, BOOL])
            value = None
            if t == INT:
                default = self.draw(st.integers(-50, 50))
                rng = " in [-50, 50]" if self.chance(60) else ""
                dsrc = str(default) if default >= 0 else f"-{-default}"
                if self.chance(50):
                    value = self.draw(st.integers(-50, 50))
            elif t == FLOAT:
                default = self.pick([0.0, 0.5, 1.5, 2.0, 10.0])
                rng = " in [0.0, 100.0]" if self.chance(60) else ""
                dsrc = repr(default)
                if self.chance(50):
                    value = self.draw(st.floats(0.0, 100.0))
            else:
                default = self.chance(50)
                rng = ""
                dsrc = "true" if default else "false"
                if self.chance(50):
                    value = self.chance(50)
            psrc.append(f"param {name}: {t} = {dsrc}{rng}")
            if value is not None:
                overrides[name] = value
            py.append(f"g_{name} = {py_value(default if value is None else value)}")
            self.globals[name] = Var(name, f"g_{name}", t, mutable=False)
        for k in range(self.draw(st.integers(0, 3))):
            name = f"K{k}"
            t = self.pick([INT, FLOAT, BOOL])
            e = self.const_expr(t, 2)
            ok, val = self.const_value(e)
            if not ok:
                e = self.int_lit() if t == INT else self.float_lit() if t == FLOAT else Ex("true", "True", ATOM, BOOL)
                ok, val = self.const_value(e)
            csrc.append(f"const {name} = {e.src}")
            py.append(f"c_{name} = {py_value(val)}")
            self._const_values[f"c_{name}"] = val
            self.globals[name] = Var(name, f"c_{name}", e.type, mutable=False)
        return psrc, csrc, py, overrides

    def const_expr(self, t: str, d: int) -> Ex:
        """An expression of literals, earlier constants and operators only (spec §2.4)."""
        saved = self.scopes, self.globals, self.callable
        self.scopes = [{}]
        self.globals = {n: v for n, v in self.globals.items() if v.py.startswith("c_")}
        self.callable = []
        self.const_mode = True
        try:
            return self.expr(t, d)
        finally:
            self.const_mode = False
            self.scopes, self.globals, self.callable = saved

    def const_value(self, e: Ex):
        """Evaluate a constant expression with the oracle: (True, value) or (False, None) if it traps."""
        import mvmfuzz_rt
        ns = dict(vars(mvmfuzz_rt))
        ns.update(self._const_values)
        try:
            return True, eval(e.py, ns)
        except mvmfuzz_rt.ExpectedRuntimeError:
            return False, None

    def signature(self) -> Func:
        recursive = self.chance(35)
        params = [("dep", INT)] if recursive else []
        used = {"dep"}
        for _ in range(self.draw(st.integers(0, 6))):
            t = self.weighted([(4, INT), (4, FLOAT), (2, BOOL), (1, A1I), (1, A1F), (1, A2I), (1, A2F)])
            pn = self.pick([p for p in ("p", "s", "h", "e", "o", "l", "pa", "pb") if p not in used])
            used.add(pn)
            params.append((pn, t))
        ret = self.weighted([(4, INT), (4, FLOAT), (2, BOOL), (2, None), (1, A1F), (1, A1I), (1, A2F)])
        return Func("f", params, ret, recursive)

    def function(self, f: Func) -> tuple[str, list[str]]:
        """One helper function in both renderings."""
        self.ctx = Ctx(f)
        void = f.ret is None
        self.scopes = [{}]
        for pn, pt in f.params:
            self.scopes[0][pn] = Var(pn, self.fresh("p"), pt, mutable=(pn != "dep"),
                                     writable=(pt in ARRAYS and void), owned=False)
        py_params = ", ".join(self.scopes[0][pn].py for pn, _ in f.params)
        src_body, py_body = [], []
        if f.recursive:
            dv = self.scopes[0]["dep"]
            if void:
                src_body.append("if dep <= 0 { return }")
                py_body += [f"if {dv.py} <= 0:", "    return"]
            else:
                self.ctx.loop_depth += 1          # no recursive calls in the base case
                base = self.ret_value(f.ret)
                self.ctx.loop_depth -= 1
                src_body.append(f"if dep <= 0 {{ return {base.src} }}")
                py_body += [f"if {dv.py} <= 0:", f"    return {py_as(base, f.ret)}"]
        for _ in range(self.draw(st.integers(0, 5))):
            s, p = self.stmt(1)
            src_body.append(s)
            py_body.extend(p)
        o = self.observe() if self.chance(50) else None
        if o:
            src_body.append(o[0])
            py_body.extend(o[1])
        if not void:
            self.final_return(f.ret, src_body, py_body)
        self.scopes = []
        self.ctx = Ctx(None)
        params_src = ", ".join(f"{pn}: {pt}" for pn, pt in f.params)
        ret_src = f" -> {f.ret}" if f.ret else ""
        text = f"fn {f.name}({params_src}){ret_src} " + self.join_block(src_body, "")
        return text, [f"def f_{f.name}({py_params}):", "    _tick()"] + self.indent_py(py_body)

    def final_return(self, ret: str, src_body: list[str], py_body: list[str]) -> None:
        """The return that ends a function: plain, or an if/else whose branches both return."""
        if self.chance(20):
            c = self.bool_expr(1)
            a, b = self.ret_value(ret), self.ret_value(ret)
            src_body.append(f"if {c.src} {{\n    return {a.src}\n}} else {{\n    return {b.src}\n}}")
            py_body += [f"if {c.py}:", f"    return {py_as(a, ret)}", "else:", f"    return {py_as(b, ret)}"]
        else:
            e = self.ret_value(ret)
            src_body.append(f"return {e.src}")
            py_body.append(f"return {py_as(e, ret)}")

    def main(self, ret: str) -> tuple[str, list[str]]:
        """``fn main()`` returning a scalar, an array or a record."""
        self.ctx = Ctx(Func("main", [], ret, False))
        self.scopes = [{}]
        src_body, py_body = [], []
        for _ in range(self.draw(st.integers(1, 7))):
            s, p = self.stmt(1)
            src_body.append(s)
            py_body.extend(p)
        o = self.observe(every=True)
        if o:
            src_body.append(o[0])
            py_body.extend(o[1])
        if ret == "record":
            fields = []
            for k in range(self.draw(st.integers(1, 4))):
                t = self.weighted([(4, FLOAT), (4, INT), (1, BOOL), (1, A1F), (1, A1I), (1, A2I)])
                fields.append((f"r{k}", t))
            vals = [(fn, t, self.ret_value(t)) for fn, t in fields]
            written = vals                    # a record literal lists the fields in declared order (§8)
            py_body += [f"_rec_{fn} = {py_as(e, t)}" for fn, t, e in written]
            py_body.append("return Record([" + ", ".join(f"({fn!r}, _rec_{fn})" for fn, _, _ in vals) + "])")
            src_body.append("return {" + ", ".join(f"{fn}: {e.src}" for fn, _, e in written) + "}")
            ret_src = "{" + ", ".join(f"{fn}: {t}" for fn, t in fields) + "}"
        else:
            self.final_return(ret, src_body, py_body)
            ret_src = ret
        self.scopes = []
        self.ctx = Ctx(None)
        text = f"fn main() -> {ret_src} " + self.join_block(src_body, "")
        return text, ["def f_main():"] + self.indent_py(py_body)

    def program(self) -> GenProgram:
        psrc, csrc, py_globals, overrides = self.gen_params_consts()
        # order: plain functions that call only plain ones, then the recursive ones (which call each
        # other with a smaller depth, and the earlier plain ones), then plain ones that may call anything
        # earlier; so every cycle of calls passes a depth that decreases
        drawn = [(self.pick(["leaf", "top"]), self.signature()) for _ in range(self.draw(st.integers(0, 3)))]
        rank = {"leaf": 0, "rec": 1, "top": 2}
        drawn.sort(key=lambda kf: rank["rec" if kf[1].recursive else kf[0]])
        sigs = [f for _, f in drawn]
        for k, f in enumerate(sigs):
            f.name = f"f{k}"
        self.all_sigs = sigs
        fn_src, fn_py = [], []
        for k, f in enumerate(sigs):
            self.callable = [g for g in sigs[:k] if not (f.recursive and g.recursive)]
            text, py = self.function(f)
            fn_src.append(text)
            fn_py.extend(py + [""])
        self.callable = sigs
        main_ret = self.weighted([(4, INT), (4, FLOAT), (1, BOOL), (1, A1F), (1, A1I), (1, A2F), (2, "record")])
        main_text, main_py = self.main(main_ret)
        decls = psrc + csrc + fn_src + [main_text]
        order = self.draw(st.permutations(range(len(decls)))) if self.chance(30) else range(len(decls))
        header = "model fuzz" + (' version "0.0.1"' if self.chance(30) else "")
        gap = "\n\n" if self.chance(70) else "\n"
        mvm_src = header + "\n" + gap + gap.join(decls[i] for i in order) + "\n"
        py_src = "\n".join(["from mvmfuzz_rt import *", ""] + py_globals + [""] + fn_py + main_py) + "\n"
        seed = self.draw(st.integers(0, 2**32 - 1)) if self.chance(30) else 0
        calls = [(f.name, [self.host_arg(f, k, t) for k, (_, t) in enumerate(f.params)])
                 for f in sigs if self.chance(40)]
        return GenProgram(mvm_src, py_src, overrides, seed, main_ret, calls)

    def host_arg(self, f: Func, k: int, t: str):
        """(type, value) of an argument for ``Model.call``: a scalar, a list, or (rows, cols, flat list)."""
        if k == 0 and f.recursive:
            return t, self.draw(st.integers(0, 4))
        if t == INT:
            return t, self.draw(st.integers(-1000, 1000) | st.integers(-2**63, 2**63 - 1))
        if t == FLOAT:
            return t, self.draw(st.floats(-1e6, 1e6) | st.floats(width=64))
        if t == BOOL:
            return t, self.draw(st.booleans())
        scalar = st.integers(-1000, 1000) if elem(t) == INT else st.floats(-1e3, 1e3)
        if is2d(t):
            rows, cols = self.draw(st.integers(0, 3)), self.draw(st.integers(0, 3))
            return t, (rows, cols, [self.draw(scalar) for _ in range(rows * cols)])
        return t, self.draw(st.lists(scalar, max_size=5))


def py_value(v) -> str:
    """Python source for a scalar value, exact for every float (inf and nan included)."""
    if isinstance(v, float):
        return f"float.fromhex({v.hex()!r})"
    return repr(v)


@st.composite
def programs(draw, max_depth: int = 3) -> GenProgram:
    """Hypothesis strategy: one random well-typed program with its Python oracle."""
    return Gen(draw, max_depth=max_depth).program()
