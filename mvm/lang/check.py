"""Type checking and name resolution.

Input: an ``ast.Module`` and its source text. Output: a ``Checked`` record: the type of every expression,
the symbol every name refers to, folded constants, parameter defaults and function signatures; or
``MVMTypeError`` with file:line:col, a caret and a hint. The lowering to IR reads ``Checked``.
"""

from __future__ import annotations

import difflib
import itertools
import math

import attrs

from mvm.errors import MVMTypeError
from mvm.lang import ast as A
from mvm.lang import types as T
from mvm.lang.arith import c_pow, float_floordiv, float_mod, ieee_div, wrap as _wrap

RESERVED_PARAMS = ("seed", "mode", "limits", "params")
INT_MIN, INT_MAX = -(2**63), 2**63 - 1


@attrs.define(eq=False)
class Symbol:
    """Something a name can refer to: a local, a function parameter, a model parameter or a constant."""

    name: str
    kind: str                      # "local" | "arg" | "param" | "const"
    type: str
    span: A.Span
    readonly: bool = False
    value: object = None           # folded value of a const
    uid: int = 0
    scope: A.Span | None = None    # the block the local lives in


@attrs.frozen(kw_only=True)
class Signature:
    """A function's parameter types and result (``record`` is a tuple of (name, type) pairs)."""

    name: str
    params: tuple[tuple[str, str], ...]
    ret: str                       # a value type, "void" or "record"
    record: tuple[tuple[str, str], ...] = ()
    span: A.Span = A.NOSPAN


@attrs.define(eq=False)
class Checked:
    """What the checker learnt about a module; keyed by ``id()`` of AST nodes."""

    module: A.Module
    source: str
    file: str | None
    types: dict = attrs.field(factory=dict)       # id(expr) -> type
    symbols: dict = attrs.field(factory=dict)     # id(Name | Let | For | FParam) -> Symbol
    consts: dict = attrs.field(factory=dict)      # name -> Symbol
    params: dict = attrs.field(factory=dict)      # name -> Symbol (value: (default, lo, hi))
    functions: dict = attrs.field(factory=dict)   # name -> Signature

    def type_of(self, e) -> str:
        """The checked type of expression ``e``."""
        return self.types[id(e)]


class _Scope:
    def __init__(self, parent, span):
        self.parent = parent
        self.names: dict[str, Symbol] = {}
        self.span = span

    def lookup(self, name):
        s = self
        while s is not None:
            if name in s.names:
                return s.names[name]
            s = s.parent
        return None

    def visible(self):
        s, out = self, set()
        while s is not None:
            out.update(s.names)
            s = s.parent
        return out


class Checker:
    """Walks a module once, assigning types and symbols; raises on the first error."""

    def __init__(self, module: A.Module, source: str, file: str | None):
        self.c = Checked(module=module, source=source, file=file)
        self.uids = itertools.count(1)
        self.fn: Signature | None = None
        self.loops = 0

    # -- diagnostics
    def error(self, msg: str, span: A.Span, hint: str | None = None) -> MVMTypeError:
        """A type error at ``span``."""
        end = span.end_col if span.end_line == span.line else None
        return MVMTypeError(msg, file=self.c.file, line=span.line, col=span.col, end_col=end,
                            source=self.c.source, hint=hint)

    def _suggest(self, name: str, candidates) -> str | None:
        close = difflib.get_close_matches(name, sorted(candidates), n=1, cutoff=0.6)
        return f"did you mean `{close[0]}`?" if close else None

    # -- module
    def check(self) -> Checked:
        """Check the whole module and return what was learnt."""
        m = self.c.module
        seen: dict[str, A.Span] = {}
        for decl in itertools.chain(m.params, m.consts, m.functions):
            if decl.name in seen:
                raise self.error(f"`{decl.name}` is declared twice", decl.name_span,
                                 hint=f"the first declaration is at line {seen[decl.name].line}")
            seen[decl.name] = decl.name_span
            if decl.name in T.BUILTINS or decl.name in ("int", "float", "bool"):
                raise self.error(f"`{decl.name}` is a builtin and cannot be redeclared", decl.name_span)
        for u in m.uses:
            if u.name in seen and u.alias is None:
                raise self.error(f"`{u.name}` is both a used model and a declaration", u.span)
        self._check_consts(m.consts)
        for p in m.params:
            self._check_param(p)
        for f in m.functions:
            self.c.functions[f.name] = self._signature(f)
        for f in m.functions:
            self._check_function(f)
        return self.c

    def _check_consts(self, consts):
        pending = {c.name: c for c in consts}
        visiting: list[str] = []

        def resolve(c: A.Const):
            if c.name in self.c.consts:
                return
            if c.name in visiting:
                raise self.error(f"constant `{c.name}` is defined in terms of itself", c.name_span)
            visiting.append(c.name)
            for n in _names_in(c.value):
                if n.id in pending:
                    resolve(pending[n.id])
            value, type_ = self._const_value(c.value)
            visiting.pop()
            self.c.consts[c.name] = Symbol(c.name, "const", type_, c.name_span, readonly=True, value=value,
                                           uid=next(self.uids))

        for c in consts:
            resolve(c)

    def _const_value(self, e):
        """Evaluate a constant expression (literals, constants, arithmetic) to (value, type)."""
        if isinstance(e, A.IntLit):
            return self._typed(e, e.value, T.INT)
        if isinstance(e, A.FloatLit):
            return self._typed(e, e.value, T.FLOAT)
        if isinstance(e, A.BoolLit):
            return self._typed(e, e.value, T.BOOL)
        if isinstance(e, A.Name):
            sym = self.c.consts.get(e.id)
            if sym is None:
                hint = self._suggest(e.id, self.c.consts)
                kind = "a parameter" if any(p.name == e.id for p in self.c.module.params) else "not a constant"
                raise self.error(f"`{e.id}` is {kind}; a constant expression may only use literals and constants",
                                 e.span, hint=hint)
            self.c.symbols[id(e)] = sym
            return self._typed(e, sym.value, sym.type)
        if isinstance(e, A.Unary):
            v, t = self._const_value(e.operand)
            if e.op == "-" and t in T.NUMERIC:
                return self._typed(e, _wrap(-v) if t == T.INT else -v, t)
            if e.op == "not" and t == T.BOOL:
                return self._typed(e, not v, T.BOOL)
        if isinstance(e, A.Convert):
            v, t = self._const_value(e.arg)
            if e.type == "float" and t in (T.INT, T.FLOAT, T.BOOL):
                return self._typed(e, float(v), T.FLOAT)
            if e.type == "int" and t in (T.INT, T.BOOL):
                return self._typed(e, int(v), T.INT)
            if e.type == "int" and t == T.FLOAT and math.isfinite(v) and INT_MIN <= math.trunc(v) <= INT_MAX:
                return self._typed(e, int(math.trunc(v)), T.INT)
        if isinstance(e, A.Binary):
            lv, lt = self._const_value(e.left)
            rv, rt = self._const_value(e.right)
            if lt in T.NUMERIC and rt in T.NUMERIC:
                value = _fold_const(e.op, lv, lt, rv, rt)
                if value is not None:
                    return self._typed(e, value[0], value[1])
                what = {"//": "integer division by zero", "%": "integer modulo by zero",
                        "**": "negative exponent in integer power"}.get(e.op, "an undefined operation")
                raise self.error(f"{what} in a constant expression", e.span,
                                 hint="use floats (e.g. 2.0 ** -1) where a fraction is meant" if e.op == "**" else None)
            if lt == rt == T.BOOL and e.op in ("==", "!="):
                return self._typed(e, (lv == rv) == (e.op == "=="), T.BOOL)
        if isinstance(e, A.Logic):
            lv, lt = self._const_value(e.left)
            rv, rt = self._const_value(e.right)
            if lt == rt == T.BOOL:
                return self._typed(e, (lv and rv) if e.op == "and" else (lv or rv), T.BOOL)
        raise self.error("not a constant expression", e.span,
                         hint="constants and parameter defaults use literals, other constants and + - * / // % **")

    def _typed(self, e, value, type_):
        self.c.types[id(e)] = type_
        return value, type_

    def _check_param(self, p: A.Param):
        if p.name in RESERVED_PARAMS:
            raise self.error(f"`{p.name}` is reserved and cannot name a parameter", p.name_span,
                             hint=f"rename it, e.g. `{p.name}_value`; `{p.name}` is an argument of Model.run")
        t = p.type.name
        if t not in (T.INT, T.FLOAT, T.BOOL):
            raise self.error(f"parameters are int, float or bool, not {t}", p.type.span)
        default, dt = self._const_value(p.default)
        if not T.assignable(t, dt):
            raise self.error(f"default of `{p.name}` is {dt}, but the parameter is {t}", p.default.span,
                             hint="use int(x)" if t == T.INT and dt == T.FLOAT else None)
        default = float(default) if t == T.FLOAT else default
        lo = hi = None
        if p.lo is not None:
            if t == T.BOOL:
                raise self.error("a bool parameter cannot have a range", p.lo.span)
            lo, lt_ = self._const_value(p.lo)
            hi, ht = self._const_value(p.hi)
            for v, vt, e in ((lo, lt_, p.lo), (hi, ht, p.hi)):
                if not T.assignable(t, vt):
                    raise self.error(f"range bound is {vt}, but the parameter is {t}", e.span)
            if lo > hi:
                raise self.error(f"empty range [{lo}, {hi}]", p.lo.span.to(p.hi.span))
            if not lo <= default <= hi:
                raise self.error(f"default {default} of `{p.name}` is outside its range [{lo}, {hi}]",
                                 p.default.span)
        self.c.params[p.name] = Symbol(p.name, "param", t, p.name_span, readonly=True, value=(default, lo, hi),
                                       uid=next(self.uids))

    def _signature(self, f: A.Function) -> Signature:
        names: dict[str, A.Span] = {}
        params = []
        for fp in f.params:
            if fp.name in names:
                raise self.error(f"parameter `{fp.name}` appears twice", fp.span)
            names[fp.name] = fp.span
            self._check_type(fp.type)
            params.append((fp.name, fp.type.name))
        if f.ret is None:
            return Signature(name=f.name, params=tuple(params), ret=T.VOID, span=f.name_span)
        if isinstance(f.ret, A.RecordType):
            fields = []
            for ft in f.ret.fields:
                if ft.name in dict(fields):
                    raise self.error(f"record field `{ft.name}` appears twice", ft.span)
                self._check_type(ft.type)
                fields.append((ft.name, ft.type.name))
            return Signature(name=f.name, params=tuple(params), ret="record", record=tuple(fields),
                             span=f.name_span)
        self._check_type(f.ret)
        return Signature(name=f.name, params=tuple(params), ret=f.ret.name, span=f.name_span)

    def _check_type(self, t: A.TypeRef):
        if t.name.startswith("bool["):
            raise self.error("arrays of bool are not supported", t.span, hint="use an int array of 0 and 1")

    # -- functions and statements
    def _check_function(self, f: A.Function):
        sig = self.c.functions[f.name]
        self.fn = sig
        scope = _Scope(None, f.body.span)
        for fp, (_, t) in zip(f.params, sig.params):
            sym = Symbol(fp.name, "arg", t, fp.span, uid=next(self.uids), scope=f.body.span)
            scope.names[fp.name] = sym
            self.c.symbols[id(fp)] = sym
        returns = self._block(f.body, scope)       # parameters sit in a scope around the body
        if sig.ret != T.VOID and not returns:
            end = A.Span(self.c.file, f.body.span.end_line, max(1, f.body.span.end_col - 1), f.body.span.end_line,
                         f.body.span.end_col, f.body.span.end - 1, f.body.span.end)
            raise self.error(f"missing return at the end of `{f.name}`, which returns {sig.ret}", end,
                             hint="every path through a function with a result must end in `return`")
        self.fn = None

    def _block(self, b: A.Block, scope: _Scope, new_scope: bool = True) -> bool:
        """Check a block; return whether it always returns."""
        inner = _Scope(scope, b.span) if new_scope else scope
        returns = False
        for s in b.stmts:
            if self._stmt(s, inner):
                returns = True
        return returns

    def _stmt(self, s, scope: _Scope) -> bool:
        if isinstance(s, A.Let):
            t = self._value(s.value, scope, what="a `let`")
            if s.type is not None:
                self._check_type(s.type)
                if not T.assignable(s.type.name, t):
                    raise self.error(f"cannot initialise {s.type.name} variable `{s.name}` with {t}", s.value.span,
                                     hint="use int(x)" if s.type.name == T.INT and t == T.FLOAT else None)
                t = s.type.name
            if s.name in scope.names:
                raise self.error(f"`{s.name}` is already declared in this block", s.name_span,
                                 hint=f"assign with `{s.name} = ...`, or declare it in an inner block")
            if s.name in self.c.functions or s.name in T.BUILTINS:
                raise self.error(f"`{s.name}` names a function", s.name_span)
            sym = Symbol(s.name, "local", t, s.name_span, uid=next(self.uids), scope=scope.span)
            scope.names[s.name] = sym
            self.c.symbols[id(s)] = sym
            return False
        if isinstance(s, A.Assign):
            self._assign(s, scope)
            return False
        if isinstance(s, A.ExprStmt):
            if not isinstance(s.expr, A.Call):
                raise self.error("this expression does nothing", s.expr.span,
                                 hint="only a call can stand alone as a statement")
            self._expr(s.expr, scope, stmt=True)
            return False
        if isinstance(s, A.If):
            self._cond(s.cond, scope, "if")
            then = self._block(s.then, scope)
            if s.orelse is None:
                return False
            other = self._block(s.orelse, scope) if isinstance(s.orelse, A.Block) else self._stmt(s.orelse, scope)
            return then and other
        if isinstance(s, A.While):
            self._cond(s.cond, scope, "while")
            self.loops += 1
            self._block(s.body, scope)
            self.loops -= 1
            return False
        if isinstance(s, A.For):
            for e, what in ((s.start, "start"), (s.stop, "end"), (s.step, "step")):
                if e is None:
                    continue
                t = self._expr(e, scope)
                if t != T.INT:
                    raise self.error(f"the {what} of a for range must be int, not {t}", e.span,
                                     hint="use int(x), or a while loop for float steps" if t == T.FLOAT else None)
            body = _Scope(scope, s.body.span)
            sym = Symbol(s.var, "local", T.INT, s.var_span, readonly=True, uid=next(self.uids), scope=s.body.span)
            body.names[s.var] = sym
            self.c.symbols[id(s)] = sym
            self.loops += 1
            self._block(s.body, body)
            self.loops -= 1
            return False
        if isinstance(s, (A.Break, A.Continue)):
            if not self.loops:
                word = "break" if isinstance(s, A.Break) else "continue"
                raise self.error(f"`{word}` outside a loop", s.span)
            return False
        if isinstance(s, A.Return):
            self._return(s, scope)
            return True
        if isinstance(s, A.Assert):
            self._cond(s.cond, scope, "assert")
            return False
        raise AssertionError(f"unknown statement {s!r}")

    def _assign(self, s: A.Assign, scope: _Scope):
        target = s.target
        if isinstance(target, A.Name):
            sym = scope.lookup(target.id)
            if sym is None:
                if target.id in self.c.params or target.id in self.c.consts:
                    kind = "parameter" if target.id in self.c.params else "constant"
                    raise self.error(f"cannot assign to model {kind} `{target.id}`", target.span,
                                     hint=f"copy it into a local first: `let x = {target.id}`")
                raise self._unknown(target, scope)
            if sym.readonly:
                raise self.error(f"cannot assign to loop variable `{target.id}`", target.span,
                                 hint="the loop variable of a for loop is read-only; use a while loop")
            self.c.symbols[id(target)] = sym
            self.c.types[id(target)] = sym.type
            dst = sym.type
            what = f"variable `{target.id}`"
        else:
            dst = self._expr(target, scope)
            what = "array element"
        src = self._value(s.value, scope, what="an assignment")
        if s.op != "=":
            if T.is_array(dst) or dst == T.BOOL or src not in T.NUMERIC:
                raise self.error(f"`{s.op}` needs numbers, not {dst} and {src}", s.span)
            src = T.FLOAT if s.op == "/=" or T.FLOAT in (dst, src) else T.INT
        if not T.assignable(dst, src):
            hint = "use int(x)" if dst == T.INT and src == T.FLOAT else None
            if s.op == "/=" and dst == T.INT:
                hint = "`/` always gives float; for integer division write `x = x // y`"
            raise self.error(f"cannot assign {src} to {dst} {what}", s.value.span, hint=hint)

    def _return(self, s: A.Return, scope: _Scope):
        sig = self.fn
        if s.value is None:
            if sig.ret != T.VOID:
                raise self.error(f"`{sig.name}` must return {sig.ret}", s.span)
            return
        if sig.ret == T.VOID:
            raise self.error(f"`{sig.name}` returns nothing, but this returns a value", s.value.span,
                             hint=f"declare a result type: fn {sig.name}(...) -> TYPE")
        if isinstance(s.value, A.RecordLit):
            if sig.ret != "record":
                raise self.error(f"`{sig.name}` returns {sig.ret}, not a record", s.value.span)
            given = [f.name for f in s.value.fields]
            wanted = [n for n, _ in sig.record]
            if sorted(given) != sorted(wanted) or len(set(given)) != len(given):
                raise self.error(f"record fields {given} do not match the declared {wanted}", s.value.span,
                                 hint="give every declared field exactly once (in any order)")
            declared = dict(sig.record)
            for f in s.value.fields:
                ft = declared[f.name]
                t = self._value(f.value, scope, what="a record field")
                if not T.assignable(ft, t):
                    raise self.error(f"field `{f.name}` is declared {ft}, but this is {t}", f.value.span)
            return
        if sig.ret == "record":
            raise self.error(f"`{sig.name}` returns a record: write `return {{name: value, ...}}`", s.value.span)
        t = self._value(s.value, scope, what="a return")
        if not T.assignable(sig.ret, t):
            raise self.error(f"`{sig.name}` returns {sig.ret}, but this is {t}", s.value.span,
                             hint="use int(x)" if sig.ret == T.INT and t == T.FLOAT else None)

    def _cond(self, e, scope, what):
        t = self._expr(e, scope)
        if t != T.BOOL:
            raise self.error(f"the condition of `{what}` must be bool, not {t}", e.span,
                             hint="compare explicitly, e.g. `x != 0`" if t in T.NUMERIC else None)

    def _value(self, e, scope, what) -> str:
        t = self._expr(e, scope)
        if t in (T.VOID, T.STR):
            raise self.error(f"{'a string' if t == T.STR else 'this call returns nothing and'} cannot be used "
                             f"in {what}", e.span)
        return t

    def _unknown(self, e: A.Name, scope) -> MVMTypeError:
        names = scope.visible() | set(self.c.params) | set(self.c.consts)
        return self.error(f"unknown name `{e.id}`", e.span, hint=self._suggest(e.id, names))

    # -- expressions
    def _expr(self, e, scope: _Scope, stmt: bool = False) -> str:
        t = self._expr_type(e, scope, stmt)
        self.c.types[id(e)] = t
        return t

    def _expr_type(self, e, scope, stmt) -> str:
        if isinstance(e, A.IntLit):
            return T.INT
        if isinstance(e, A.FloatLit):
            return T.FLOAT
        if isinstance(e, A.BoolLit):
            return T.BOOL
        if isinstance(e, A.StrLit):
            raise self.error("strings are only allowed in print and assert messages", e.span)
        if isinstance(e, A.Name):
            sym = scope.lookup(e.id) or self.c.params.get(e.id) or self.c.consts.get(e.id)
            if sym is None:
                if e.id in self.c.functions or e.id in T.BUILTINS:
                    raise self.error(f"function `{e.id}` used as a value", e.span, hint=f"call it: {e.id}(...)")
                raise self._unknown(e, scope)
            self.c.symbols[id(e)] = sym
            return sym.type
        if isinstance(e, A.Unary):
            t = self._expr(e.operand, scope)
            if e.op == "-":
                if t not in T.NUMERIC:
                    raise self.error(f"cannot negate {t}", e.span)
                return t
            if t != T.BOOL:
                raise self.error(f"`not` needs bool, not {t}", e.operand.span,
                                 hint="compare explicitly, e.g. `x == 0`" if t in T.NUMERIC else None)
            return T.BOOL
        if isinstance(e, A.Logic):
            for side in (e.left, e.right):
                t = self._expr(side, scope)
                if t != T.BOOL:
                    raise self.error(f"`{e.op}` needs bool operands, not {t}", side.span,
                                     hint="compare explicitly, e.g. `x != 0`" if t in T.NUMERIC else None)
            return T.BOOL
        if isinstance(e, A.Binary):
            lt = self._expr(e.left, scope)
            rt = self._expr(e.right, scope)
            return self._binary(e, lt, rt)
        if isinstance(e, A.Call):
            return self._call(e, scope, stmt)
        if isinstance(e, A.Index):
            at = self._expr(e.target, scope)
            if not T.is_array(at):
                raise self.error(f"cannot index {at}", e.target.span)
            if len(e.indices) != T.ndim_of(at):
                raise self.error(f"{at} takes {T.ndim_of(at)} index(es), got {len(e.indices)}", e.span)
            for i in e.indices:
                it = self._expr(i, scope)
                if it != T.INT:
                    raise self.error(f"an index must be int, not {it}", i.span,
                                     hint="use int(x)" if it == T.FLOAT else None)
            return T.elem_of(at)
        if isinstance(e, A.Convert):
            t = self._expr(e.arg, scope)
            if e.type == "bool":
                raise self.error("bool(x) is not a conversion", e.span, hint="compare explicitly, e.g. `x != 0`")
            if t not in (T.INT, T.FLOAT, T.BOOL):
                raise self.error(f"cannot convert {t} to {e.type}", e.arg.span)
            return e.type
        if isinstance(e, A.NewArray):
            if e.elem == "bool":
                raise self.error("arrays of bool are not supported", e.span, hint="use an int array of 0 and 1")
            for d in e.dims:
                dt = self._expr(d, scope)
                if dt != T.INT:
                    raise self.error(f"an array size must be int, not {dt}", d.span,
                                     hint="use int(x)" if dt == T.FLOAT else None)
            return f"{e.elem}[]" if len(e.dims) == 1 else f"{e.elem}[,]"
        if isinstance(e, A.RecordLit):
            raise self.error("a record can only be returned", e.span)
        raise AssertionError(f"unknown expression {e!r}")

    def _binary(self, e: A.Binary, lt: str, rt: str) -> str:
        op = e.op
        if op in ("==", "!="):
            if lt == rt == T.BOOL:
                return T.BOOL
        if lt not in T.NUMERIC or rt not in T.NUMERIC:
            bad = e.left if lt not in T.NUMERIC else e.right
            bt = lt if lt not in T.NUMERIC else rt
            hint = None
            if T.is_array(bt):
                hint = "arithmetic works element by element in a loop; arrays are not values"
            elif bt == T.BOOL and op in ("==", "!="):
                hint = "compare a bool only with a bool"
            raise self.error(f"`{op}` cannot take {lt} and {rt}", bad.span, hint=hint)
        if op in ("==", "!=", "<", "<=", ">", ">="):
            return T.BOOL
        if op == "/":
            return T.FLOAT
        return T.INT if lt == rt == T.INT else T.FLOAT

    def _call(self, e: A.Call, scope, stmt: bool) -> str:
        sig = self.c.functions.get(e.func)
        if sig is not None:
            if len(e.args) != len(sig.params):
                raise self.error(f"`{e.func}` takes {len(sig.params)} argument(s), got {len(e.args)}", e.span)
            for a, (pname, pt) in zip(e.args, sig.params):
                at = self._value(a, scope, what="an argument")
                if not T.assignable(pt, at):
                    raise self.error(f"argument `{pname}` of `{e.func}` is {pt}, but this is {at}", a.span,
                                     hint="use int(x)" if pt == T.INT and at == T.FLOAT else None)
            if sig.ret == "record":
                raise self.error(f"`{e.func}` returns a record, which only the host can receive", e.span,
                                 hint="records are results of the model; return scalars or arrays to other functions")
            if sig.ret == T.VOID and not stmt:
                raise self.error(f"`{e.func}` returns nothing and cannot be used as a value", e.span)
            return sig.ret
        if e.func not in T.BUILTINS:
            names = set(self.c.functions) | T.BUILTINS
            raise self.error(f"unknown function `{e.func}`", e.func_span, hint=self._suggest(e.func, names))
        return self._builtin(e, scope, stmt)

    def _builtin(self, e: A.Call, scope, stmt: bool) -> str:
        f, args = e.func, e.args
        if f == "print":
            for a in args:
                if not isinstance(a, A.StrLit):
                    self._value(a, scope, what="print")
                else:
                    self.c.types[id(a)] = T.STR
            return T.VOID

        def arity(n):
            if len(args) != n:
                raise self.error(f"`{f}` takes {n} argument(s), got {len(args)}", e.span)

        ts = [self._value(a, scope, what=f"`{f}`") for a in args]

        def numeric(i):
            if ts[i] not in T.NUMERIC:
                raise self.error(f"`{f}` needs a number, not {ts[i]}", args[i].span)

        def array(i):
            if not T.is_array(ts[i]):
                raise self.error(f"`{f}` needs an array, not {ts[i]}", args[i].span)

        if f in T.MATH1:
            arity(1)
            numeric(0)
            return T.FLOAT
        if f == "abs":
            arity(1)
            numeric(0)
            return ts[0]
        if f in ("atan2", "pow"):
            arity(2)
            numeric(0)
            numeric(1)
            return T.FLOAT
        if f in ("min", "max"):
            if len(args) < 2:
                raise self.error(f"`{f}` takes at least 2 arguments, got {len(args)}", e.span)
            for i in range(len(args)):
                numeric(i)
            return T.INT if all(t == T.INT for t in ts) else T.FLOAT
        if f in ("len", "rows", "cols"):
            arity(1)
            array(0)
            return T.INT
        if f == "copy":
            arity(1)
            array(0)
            return ts[0]
        if f == "sum":
            arity(1)
            array(0)
            return T.elem_of(ts[0])
        if f == "fill":
            arity(2)
            array(0)
            if not T.assignable(T.elem_of(ts[0]), ts[1]):
                raise self.error(f"cannot fill {ts[0]} with {ts[1]}", args[1].span)
            if not stmt:
                raise self.error("`fill` returns nothing and cannot be used as a value", e.span)
            return T.VOID
        if f in ("rand", "randn"):
            arity(0)
            return T.FLOAT
        if f == "randint":
            arity(2)
            for i in range(2):
                if ts[i] != T.INT:
                    raise self.error(f"`randint` needs int bounds, not {ts[i]}", args[i].span)
            return T.INT
        raise AssertionError(f)


def _names_in(e):
    if isinstance(e, A.Name):
        yield e
    for field in attrs.fields(type(e)):
        v = getattr(e, field.name)
        if isinstance(v, tuple):
            for x in v:
                if attrs.has(type(x)):
                    yield from _names_in(x)
        elif attrs.has(type(v)) and not isinstance(v, A.Span):
            yield from _names_in(v)


def _fold_const(op, lv, lt, rv, rt):
    """Fold a numeric binary operation of constants; None when it must not be folded (division by zero)."""
    if op in ("==", "!=", "<", "<=", ">", ">="):
        a, b = (float(lv), float(rv)) if T.FLOAT in (lt, rt) else (lv, rv)
        return {"==": a == b, "!=": a != b, "<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op], T.BOOL
    if lt == rt == T.INT:
        if op in ("//", "%") and rv == 0:
            return None
        if op == "**":
            if rv < 0:
                return None
            return _wrap(pow(lv, rv, 2**64)), T.INT
        if op == "/":
            return ieee_div(float(lv), float(rv)), T.FLOAT
        return _wrap({"+": lv + rv, "-": lv - rv, "*": lv * rv, "//": lv // rv if rv else 0,
                      "%": lv % rv if rv else 0}[op]), T.INT
    a, b = float(lv), float(rv)
    fold = {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b, "/": lambda: ieee_div(a, b),
            "//": lambda: float_floordiv(a, b), "%": lambda: float_mod(a, b), "**": lambda: c_pow(a, b)}
    return fold[op](), T.FLOAT


def check(module: A.Module, source: str, file: str | None = None) -> Checked:
    """Type-check ``module``; raise ``MVMTypeError`` on the first error."""
    return Checker(module, source, file).check()
