"""AST of the model language: frozen, slotted attrs classes, each carrying a ``Span``.

Input: built by ``mvm.lang.parse`` from Lark's parse tree. Output: read by the checker and the lowering.
Equality ignores spans, so tests compare structure; ``unparse`` prints a node back as DSL source.
"""

from __future__ import annotations

from typing import Union

import attrs


@attrs.frozen
class Span:
    """A source range: file, 1-based line/col of start and end (end exclusive), and byte offsets."""

    file: str | None
    line: int
    col: int
    end_line: int
    end_col: int
    start: int = 0
    end: int = 0

    def to(self, other: "Span") -> "Span":
        """The span covering ``self`` up to the end of ``other``."""
        return Span(self.file, self.line, self.col, other.end_line, other.end_col, self.start, other.end)

    def contains(self, other: "Span") -> bool:
        """Whether ``other`` lies inside this span."""
        return self.start <= other.start and other.end <= self.end

    def __str__(self) -> str:
        return f"{self.file or '<source>'}:{self.line}:{self.col}"


NOSPAN = Span(None, 0, 0, 0, 0)


def _span():
    return attrs.field(eq=False, repr=False, default=NOSPAN)


node = attrs.frozen(kw_only=True)


# ---- types as written -------------------------------------------------------------------------

@node
class TypeRef:
    """A written type: ``int``, ``float``, ``bool``, ``float[]``, ``int[,]`` ..."""

    name: str
    span: Span = _span()


@node
class FieldType:
    """``name: type`` inside a record result type."""

    name: str
    type: TypeRef
    span: Span = _span()


@node
class RecordType:
    """``{name: type, ...}``: the result type of a function that returns a record."""

    fields: tuple[FieldType, ...]
    span: Span = _span()


# ---- expressions ------------------------------------------------------------------------------

@node
class IntLit:
    """An int literal."""

    value: int
    span: Span = _span()


@node
class FloatLit:
    """A float literal."""

    value: float
    span: Span = _span()


@node
class BoolLit:
    """``true`` or ``false``."""

    value: bool
    span: Span = _span()


@node
class StrLit:
    """A string literal (only in ``print`` and ``assert``)."""

    value: str
    span: Span = _span()


@node
class Name:
    """A reference to a local, parameter, constant or function."""

    id: str
    span: Span = _span()


@node
class Unary:
    """``-x`` or ``not x``."""

    op: str
    operand: "Expr"
    span: Span = _span()


@node
class Binary:
    """Arithmetic (``+ - * / // % **``) or comparison (``== != < <= > >=``)."""

    op: str
    left: "Expr"
    right: "Expr"
    span: Span = _span()


@node
class Logic:
    """Short-circuit ``and`` / ``or``."""

    op: str
    left: "Expr"
    right: "Expr"
    span: Span = _span()


@node
class Call:
    """A call of a model function or a builtin."""

    func: str
    args: tuple["Expr", ...]
    span: Span = _span()
    func_span: Span = _span()


@node
class Index:
    """``a[i]`` or ``m[i, j]``."""

    target: "Expr"
    indices: tuple["Expr", ...]
    span: Span = _span()


@node
class Convert:
    """``int(x)``, ``float(x)`` or ``bool(x)``."""

    type: str
    arg: "Expr"
    span: Span = _span()


@node
class NewArray:
    """``new float[n]`` or ``new int[r, c]``."""

    elem: str
    dims: tuple["Expr", ...]
    span: Span = _span()


Expr = Union[IntLit, FloatLit, BoolLit, StrLit, Name, Unary, Binary, Logic, Call, Index, Convert, NewArray]


@node
class FieldInit:
    """``name: expr`` inside a record literal."""

    name: str
    value: Expr
    span: Span = _span()


@node
class RecordLit:
    """``{name: expr, ...}``, only after ``return``."""

    fields: tuple[FieldInit, ...]
    span: Span = _span()


# ---- statements -------------------------------------------------------------------------------

@node
class Block:
    """``{ stmt; ... }``: a scope."""

    stmts: tuple["Stmt", ...]
    span: Span = _span()


@node
class Let:
    """``let x [: type] = e``."""

    name: str
    type: TypeRef | None
    value: Expr
    span: Span = _span()
    name_span: Span = _span()


@node
class Assign:
    """``target op= value`` where op is ``=``, ``+=``, ``-=``, ``*=`` or ``/=``."""

    target: Expr
    op: str
    value: Expr
    span: Span = _span()


@node
class ExprStmt:
    """A call used as a statement."""

    expr: Expr
    span: Span = _span()


@node
class If:
    """``if c { } [else { } | else if ...]``."""

    cond: Expr
    then: Block
    orelse: Union[Block, "If", None]
    span: Span = _span()


@node
class While:
    """``while c { }``."""

    cond: Expr
    body: Block
    span: Span = _span()


@node
class For:
    """``for var in start..stop [step k] { }``."""

    var: str
    start: Expr
    stop: Expr
    step: Expr | None
    body: Block
    span: Span = _span()
    var_span: Span = _span()


@node
class Break:
    """``break``."""

    span: Span = _span()


@node
class Continue:
    """``continue``."""

    span: Span = _span()


@node
class Return:
    """``return [e | {record}]``."""

    value: Union[Expr, RecordLit, None]
    span: Span = _span()


@node
class Assert:
    """``assert c [, "message"]``."""

    cond: Expr
    message: str | None
    span: Span = _span()


Stmt = Union[Let, Assign, ExprStmt, If, While, For, Break, Continue, Return, Assert]


# ---- declarations -----------------------------------------------------------------------------

@node
class Use:
    """``use NAME [CONSTRAINT] [as ALIAS]``."""

    name: str
    constraint: str | None
    alias: str | None
    span: Span = _span()


@node
class Param:
    """``param NAME: TYPE = DEFAULT [in [LO, HI]]``."""

    name: str
    type: TypeRef
    default: Expr
    lo: Expr | None
    hi: Expr | None
    span: Span = _span()
    name_span: Span = _span()


@node
class Const:
    """``const NAME = EXPR``."""

    name: str
    value: Expr
    span: Span = _span()
    name_span: Span = _span()


@node
class FParam:
    """A function parameter ``name: type``."""

    name: str
    type: TypeRef
    span: Span = _span()


@node
class Function:
    """``fn NAME(params) [-> type | {record}] { body }``."""

    name: str
    params: tuple[FParam, ...]
    ret: Union[TypeRef, RecordType, None]
    body: Block
    span: Span = _span()
    name_span: Span = _span()


@node
class Module:
    """A whole model file."""

    name: str
    version: str | None
    uses: tuple[Use, ...]
    params: tuple[Param, ...]
    consts: tuple[Const, ...]
    functions: tuple[Function, ...]
    span: Span = _span()


# ---- printing back as source --------------------------------------------------------------------

_PREC = {"or": 1, "and": 2, "not": 3, "==": 4, "!=": 4, "<": 4, "<=": 4, ">": 4, ">=": 4,
         "+": 5, "-": 5, "*": 6, "/": 6, "//": 6, "%": 6, "neg": 7, "**": 8}


def _quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


def unparse_expr(e, prec: int = 0) -> str:
    """Print an expression as DSL source, parenthesised only where precedence needs it."""
    if isinstance(e, IntLit):
        return str(e.value)
    if isinstance(e, FloatLit):
        r = repr(e.value)
        return r if r not in ("inf", "nan", "-inf") else f"({r})"
    if isinstance(e, BoolLit):
        return "true" if e.value else "false"
    if isinstance(e, StrLit):
        return _quote(e.value)
    if isinstance(e, Name):
        return e.id
    if isinstance(e, Unary):
        p = _PREC["neg" if e.op == "-" else "not"]
        inner = unparse_expr(e.operand, p)
        s = f"-{inner}" if e.op == "-" else f"not {inner}"
        return f"({s})" if p < prec else s
    if isinstance(e, (Binary, Logic)):
        p = _PREC[e.op]
        if e.op == "**":   # right associative; its left operand binds tighter than unary minus
            s = f"{unparse_expr(e.left, p + 1)} ** {unparse_expr(e.right, _PREC['neg'])}"
        elif p == 4:       # comparisons do not chain
            s = f"{unparse_expr(e.left, p + 1)} {e.op} {unparse_expr(e.right, p + 1)}"
        else:
            s = f"{unparse_expr(e.left, p)} {e.op} {unparse_expr(e.right, p + 1)}"
        return f"({s})" if p < prec else s
    if isinstance(e, Call):
        return f"{e.func}({', '.join(unparse_expr(a) for a in e.args)})"
    if isinstance(e, Index):
        return f"{unparse_expr(e.target, 9)}[{', '.join(unparse_expr(a) for a in e.indices)}]"
    if isinstance(e, Convert):
        return f"{e.type}({unparse_expr(e.arg)})"
    if isinstance(e, NewArray):
        return f"new {e.elem}[{', '.join(unparse_expr(a) for a in e.dims)}]"
    if isinstance(e, RecordLit):
        return "{" + ", ".join(f"{f.name}: {unparse_expr(f.value)}" for f in e.fields) + "}"
    raise TypeError(f"not an expression: {e!r}")


def _type_str(t) -> str:
    if isinstance(t, RecordType):
        return "{" + ", ".join(f"{f.name}: {f.type.name}" for f in t.fields) + "}"
    return t.name


def _unparse_block(b: Block, ind: str) -> str:
    if not b.stmts:
        return "{\n" + ind + "}"
    inner = "\n".join(_unparse_stmt(s, ind + "    ") for s in b.stmts)
    return "{\n" + inner + "\n" + ind + "}"


def _unparse_stmt(s, ind: str) -> str:
    if isinstance(s, Let):
        ann = f": {s.type.name}" if s.type else ""
        return f"{ind}let {s.name}{ann} = {unparse_expr(s.value)}"
    if isinstance(s, Assign):
        return f"{ind}{unparse_expr(s.target)} {s.op} {unparse_expr(s.value)}"
    if isinstance(s, ExprStmt):
        return ind + unparse_expr(s.expr)
    if isinstance(s, If):
        out = f"{ind}if {unparse_expr(s.cond)} {_unparse_block(s.then, ind)}"
        if isinstance(s.orelse, If):
            out += " else " + _unparse_stmt(s.orelse, ind).lstrip()
        elif s.orelse is not None:
            out += " else " + _unparse_block(s.orelse, ind)
        return out
    if isinstance(s, While):
        return f"{ind}while {unparse_expr(s.cond)} {_unparse_block(s.body, ind)}"
    if isinstance(s, For):
        step = f" step {unparse_expr(s.step)}" if s.step is not None else ""
        return (f"{ind}for {s.var} in {unparse_expr(s.start)}..{unparse_expr(s.stop)}{step} "
                f"{_unparse_block(s.body, ind)}")
    if isinstance(s, Break):
        return ind + "break"
    if isinstance(s, Continue):
        return ind + "continue"
    if isinstance(s, Return):
        return ind + ("return" if s.value is None else f"return {unparse_expr(s.value)}")
    if isinstance(s, Assert):
        msg = f", {_quote(s.message)}" if s.message is not None else ""
        return f"{ind}assert {unparse_expr(s.cond)}{msg}"
    raise TypeError(f"not a statement: {s!r}")


def unparse(m: Module) -> str:
    """Print a module back as DSL source; ``parse(unparse(m)) == m``."""
    out = [f"model {m.name}" + (f" version {_quote(m.version)}" if m.version is not None else "")]
    for u in m.uses:
        out.append(f"use {u.name}" + (f" {_quote(u.constraint)}" if u.constraint else "")
                   + (f" as {u.alias}" if u.alias else ""))
    for p in m.params:
        rng = f" in [{unparse_expr(p.lo)}, {unparse_expr(p.hi)}]" if p.lo is not None else ""
        out.append(f"param {p.name}: {p.type.name} = {unparse_expr(p.default)}{rng}")
    for c in m.consts:
        out.append(f"const {c.name} = {unparse_expr(c.value)}")
    for f in m.functions:
        ps = ", ".join(f"{p.name}: {p.type.name}" for p in f.params)
        ret = f" -> {_type_str(f.ret)}" if f.ret is not None else ""
        out.append(f"fn {f.name}({ps}){ret} {_unparse_block(f.body, '')}")
    return "\n".join(out) + "\n"
