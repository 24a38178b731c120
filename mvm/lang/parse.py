"""Parsing: model source text → AST.

Input: source text and a file name. Output: an ``ast.Module``, or ``MVMSyntaxError`` with file:line:col,
a caret excerpt and what was expected. Lark (LALR) parses ``grammar/mvm.lark``; a postlexer turns
newlines and ``;`` into statement separators; a transformer builds one AST class per grammar alias.

Why the basic lexer and not the contextual one: the postlexer holds a separator back for one token, to
drop it before ``}`` and ``else``; the contextual lexer lexes that next token in the parser state *before*
the separator, where a keyword such as ``param`` is not acceptable. Keywords still win over names because
Lark turns a NAME whose text is a keyword into that keyword.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

import lark
from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken, VisitError

from mvm.errors import MVMSyntaxError
from mvm.lang import ast as A

_GRAMMAR = Path(__file__).resolve().parent.parent.parent / "grammar" / "mvm.lark"
_PACKAGED_GRAMMAR = Path(__file__).resolve().parent / "mvm.lark"

INT64_MAX = 2**63 - 1

# a newline right after one of these continues the statement
_CONTINUES = {"{", ",", "(", "[", "+", "-", "*", "/", "//", "%", "**", "=", "+=", "-=", "*=", "/=",
              "==", "!=", "<", "<=", ">", ">=", "and", "or", "not", "->", ":", ".."}
# a separator right before one of these is dropped
_CLOSES = {"}", "else"}
_PUNCT_TYPES = {"NAME", "INT", "FLOAT", "STRING", "SCALAR_TYPE"}
# binding strength of the operators of the flat ``arith`` rule (all left-associative)
_PRECEDENCE = {"==": 1, "!=": 1, "<": 1, "<=": 1, ">": 1, ">=": 1, "+": 2, "-": 2,
               "*": 3, "/": 3, "//": 3, "%": 3}
_LOGIC_PRECEDENCE = {"or": 1, "and": 2}


def _by_precedence(items: list, precedence: dict, cls):
    """Build left-associative ``cls`` nodes from ``[operand, op, operand, ...]`` by operator precedence."""
    out, pending = [items[0]], []

    def reduce():
        right, left = out.pop(), out.pop()
        out.append(cls(op=str(pending.pop()), left=left, right=right, span=left.span.to(right.span)))

    for op, operand in zip(items[1::2], items[2::2]):
        while pending and precedence[str(pending[-1])] >= precedence[str(op)]:
            reduce()
        pending.append(op)
        out.append(operand)
    while pending:
        reduce()
    return out[0]


class _Separators:
    """Postlexer: newlines and ``;`` become ``_SEP`` where they end a statement, and vanish elsewhere."""

    always_accept = ("NEWLINE", "SEMI")

    def process(self, stream):
        """Yield the token stream with statement separators normalised (never two in a row)."""
        depth = 0
        pending = None
        prev = None            # value of the last punctuation/keyword token, None at start
        for tok in stream:
            if tok.type in ("NEWLINE", "SEMI"):
                if tok.type == "NEWLINE" and (depth > 0 or prev is None or prev in _CONTINUES):
                    continue
                if pending is None:
                    pending = Token.new_borrow_pos("_SEP", tok.value, tok)
                continue
            value = None if tok.type in _PUNCT_TYPES else str(tok)
            if value in ("(", "["):
                depth += 1
            elif value in (")", "]"):
                depth = max(0, depth - 1)
            if pending is not None:
                if value not in _CLOSES:
                    yield pending
                pending = None
            yield tok
            prev = value if value is not None else "<atom>"


def _grammar_path() -> Path:
    return _GRAMMAR if _GRAMMAR.exists() else _PACKAGED_GRAMMAR


@functools.lru_cache(maxsize=1)
def _parser() -> Lark:
    """The Lark parser, built once per process (Lark caches the LALR tables on disk too)."""
    path = _grammar_path()
    return Lark(path.read_text(), parser="lalr", lexer="basic", postlex=_Separators(),
                propagate_positions=True, maybe_placeholders=True, cache=_cache_file(path))


def _cache_file(path: Path) -> str | bool:
    base = os.environ.get("MVM_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "mvm")
    try:
        os.makedirs(base, exist_ok=True)
        probe = os.path.join(base, ".w")
        with open(probe, "w"):
            pass
        return os.path.join(base, f"lark-{lark.__version__}-{os.stat(path).st_mtime_ns}.tmp")
    except OSError:
        return False


def _tok_span(tok: Token, file: str | None) -> A.Span:
    return A.Span(file, tok.line, tok.column, tok.end_line, tok.end_column, tok.start_pos, tok.end_pos)


_NAMES = {"_SEP": "end of statement (newline or ;)", "NAME": "a name", "INT": "an integer",
          "FLOAT": "a float", "STRING": "a string", "SCALAR_TYPE": "a type (int, float, bool)",
          "$END": "end of file"}


def _describe(term: str) -> str:
    if term in _NAMES:
        return _NAMES[term]
    try:
        pat = next(t for t in _parser().terminals if t.name == term).pattern
        if pat.type == "str":
            return f"`{pat.value}`"
    except StopIteration:
        pass
    return term.lower()


def _unescape(raw: str, tok: Token, file, source) -> str:
    out = []
    body = raw[1:-1]
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            nxt = body[i + 1] if i + 1 < len(body) else ""
            if nxt not in '"\\nt':
                raise MVMSyntaxError(f"unknown escape `\\{nxt}` in string", file=file, line=tok.line,
                                     col=tok.column + 1 + i, end_col=tok.column + 3 + i, source=source,
                                     hint='use \\" \\\\ \\n or \\t')
            out.append({"n": "\n", "t": "\t"}.get(nxt, nxt))
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


@v_args(meta=True, inline=True)
class _ToAst(Transformer):
    """Parse tree → AST; one method per grammar alias."""

    def __init__(self, file: str | None, source: str):
        super().__init__()
        self.file = file
        self.source = source

    # -- helpers
    def _span(self, meta) -> A.Span:
        if getattr(meta, "empty", True):
            return A.NOSPAN
        return A.Span(self.file, meta.line, meta.column, meta.end_line, meta.end_column,
                      meta.start_pos, meta.end_pos)

    def _error(self, msg: str, span: A.Span, hint: str | None = None) -> MVMSyntaxError:
        end = span.end_col if span.end_line == span.line else None
        return MVMSyntaxError(msg, file=self.file, line=span.line, col=span.col, end_col=end,
                              source=self.source, hint=hint)

    def __default__(self, data, children, meta):
        raise AssertionError(f"grammar rule {data!r} has no AST builder")

    # -- file structure
    def start(self, meta, header, *items):
        name, version = header
        groups = {A.Use: [], A.Param: [], A.Const: [], A.Function: []}
        for it in items:
            groups[type(it)].append(it)
        return A.Module(name=name, version=version, uses=tuple(groups[A.Use]),
                        params=tuple(groups[A.Param]), consts=tuple(groups[A.Const]),
                        functions=tuple(groups[A.Function]), span=self._span(meta))

    def header(self, meta, name, version=None):
        return str(name), (_unescape(str(version), version, self.file, self.source) if version else None)

    def use(self, meta, name, *rest):
        constraint = alias = None
        for tok in rest:
            if tok.type == "STRING":
                constraint = _unescape(str(tok), tok, self.file, self.source)
            else:
                alias = str(tok)
        return A.Use(name=str(name), constraint=constraint, alias=alias, span=self._span(meta))

    def param(self, meta, name, type_, default, rng=None):
        lo, hi = rng if rng is not None else (None, None)
        return A.Param(name=str(name), type=type_, default=default, lo=lo, hi=hi, span=self._span(meta),
                       name_span=_tok_span(name, self.file))

    def range(self, meta, lo, hi):
        return (lo, hi)

    def const(self, meta, name, value):
        return A.Const(name=str(name), value=value, span=self._span(meta), name_span=_tok_span(name, self.file))

    def fn(self, meta, name, params, *rest):
        ret = rest[0] if len(rest) == 2 else None
        body = rest[-1]
        return A.Function(name=str(name), params=params or (), ret=ret, body=body, span=self._span(meta),
                          name_span=_tok_span(name, self.file))

    def fparams(self, meta, *ps):
        return tuple(ps)

    def fparam(self, meta, name, type_):
        return A.FParam(name=str(name), type=type_, span=self._span(meta))

    def record_type(self, meta, *fields):
        return A.RecordType(fields=tuple(fields), span=self._span(meta))

    def field_type(self, meta, name, type_):
        return A.FieldType(name=str(name), type=type_, span=self._span(meta))

    def scalar_type(self, meta, tok):
        return A.TypeRef(name=str(tok), span=self._span(meta))

    def array1_type(self, meta, tok):
        return A.TypeRef(name=f"{tok}[]", span=self._span(meta))

    def array2_type(self, meta, tok):
        return A.TypeRef(name=f"{tok}[,]", span=self._span(meta))

    # -- statements
    def block(self, meta, *stmts):
        return A.Block(stmts=tuple(s for s in stmts if s is not None), span=self._span(meta))

    def let(self, meta, name, *rest):
        type_ = rest[0] if len(rest) == 2 else None
        return A.Let(name=str(name), type=type_, value=rest[-1], span=self._span(meta),
                     name_span=_tok_span(name, self.file))

    def assign(self, meta, target, op, value):
        if not isinstance(target, (A.Name, A.Index)):
            raise self._error("cannot assign to this expression", target.span,
                              hint="only a variable or an array element can be assigned")
        return A.Assign(target=target, op=op, value=value, span=self._span(meta))

    def expr_stmt(self, meta, e):
        return A.ExprStmt(expr=e, span=self._span(meta))

    def if_(self, meta, cond, then, orelse=None):
        return A.If(cond=cond, then=then, orelse=orelse, span=self._span(meta))

    def while_(self, meta, cond, body):
        return A.While(cond=cond, body=body, span=self._span(meta))

    def for_(self, meta, var, start, stop, *rest):
        step = rest[0] if len(rest) == 2 else None
        return A.For(var=str(var), start=start, stop=stop, step=step, body=rest[-1], span=self._span(meta),
                     var_span=_tok_span(var, self.file))

    def break_(self, meta):
        return A.Break(span=self._span(meta))

    def continue_(self, meta):
        return A.Continue(span=self._span(meta))

    def return_(self, meta, value=None):
        return A.Return(value=value, span=self._span(meta))

    def assert_(self, meta, cond, msg=None):
        text = _unescape(str(msg), msg, self.file, self.source) if msg is not None else None
        return A.Assert(cond=cond, message=text, span=self._span(meta))

    def record(self, meta, *fields):
        return A.RecordLit(fields=tuple(fields), span=self._span(meta))

    def field(self, meta, name, value):
        return A.FieldInit(name=str(name), value=value, span=self._span(meta))

    # -- expressions
    def logic(self, meta, *items):
        """``and``/``or`` operands in a row → a tree: ``and`` binds tighter, both associate to the left."""
        return _by_precedence(list(items), _LOGIC_PRECEDENCE, A.Logic)

    def not_(self, meta, operand):
        return A.Unary(op="not", operand=operand, span=self._span(meta))

    def arith(self, meta, *items):
        """Operands and operators in a row → a tree by precedence: * / // % over + - over comparisons."""
        operands, ops = list(items[0::2]), list(items[1::2])
        comparisons = [op for op in ops if _PRECEDENCE[str(op)] == 1]
        if len(comparisons) > 1:
            tok = comparisons[1]
            raise self._error(f"unexpected `{tok}`: comparisons do not chain", _tok_span(tok, self.file),
                              hint="comparisons do not chain: write `a < b and b < c`")
        return _by_precedence(list(items), _PRECEDENCE, A.Binary)

    def neg(self, meta, operand):
        return A.Unary(op="-", operand=operand, span=self._span(meta))

    def pow_(self, meta, base, exp):
        return A.Binary(op="**", left=base, right=exp, span=self._span(meta))

    def call(self, meta, target, args=None):
        if not isinstance(target, A.Name):
            raise self._error("only a named function can be called", target.span)
        return A.Call(func=target.id, args=args or (), span=self._span(meta), func_span=target.span)

    def index(self, meta, target, args):
        return A.Index(target=target, indices=args, span=self._span(meta))

    def args(self, meta, *items):
        return tuple(items)

    def string(self, meta, tok):
        return A.StrLit(value=_unescape(str(tok), tok, self.file, self.source), span=self._span(meta))

    def int_lit(self, meta, tok):
        value = int(str(tok).replace("_", ""))
        if value > INT64_MAX:
            raise self._error(f"integer literal {tok} does not fit in 64 bits", _tok_span(tok, self.file),
                              hint="the largest int is 9223372036854775807; write a float (e.g. 1e19)")
        return A.IntLit(value=value, span=self._span(meta))

    def float_lit(self, meta, tok):
        value = float(str(tok).replace("_", ""))
        if value == float("inf"):
            raise self._error(f"float literal {tok} is too large for float64", _tok_span(tok, self.file),
                              hint="the largest float is about 1.8e308")
        return A.FloatLit(value=value, span=self._span(meta))

    def true_lit(self, meta):
        return A.BoolLit(value=True, span=self._span(meta))

    def false_lit(self, meta):
        return A.BoolLit(value=False, span=self._span(meta))

    def name(self, meta, tok):
        return A.Name(id=str(tok), span=self._span(meta))

    def convert(self, meta, tok, e):
        return A.Convert(type=str(tok), arg=e, span=self._span(meta))

    def new_array(self, meta, tok, *dims):
        return A.NewArray(elem=str(tok), dims=tuple(d for d in dims if d is not None), span=self._span(meta))

    def assign_op(self, meta, tok):
        return str(tok)

    def binop(self, meta, tok):
        return tok          # the token itself: a chained comparison is reported at its position

    logic_op = binop


def _syntax_error(err: UnexpectedInput, file: str | None, source: str) -> MVMSyntaxError:
    line, col = max(1, getattr(err, "line", 1) or 1), max(1, getattr(err, "column", 1) or 1)
    end_col = None
    hint = None
    if isinstance(err, UnexpectedCharacters):
        ch = source[err.pos_in_stream] if 0 <= err.pos_in_stream < len(source) else "?"
        msg = f"unexpected character {ch!r}"
        if ch == "'":
            hint = 'strings use double quotes: "text"'
    elif isinstance(err, UnexpectedToken):
        tok = err.token
        if tok.type == "$END":
            msg = "unexpected end of file"
            lines = source.splitlines() or [""]
            line, col = len(lines), len(lines[-1]) + 1
        else:
            shown = "end of statement" if tok.type == "_SEP" else f"`{tok}`"
            msg = f"unexpected {shown}"
            if tok.type != "_SEP" and tok.end_line == tok.line and tok.end_column:
                end_col = tok.end_column
        expected = sorted({_describe(t) for t in err.expected if not t.startswith("__")})
        if expected:
            shown = ", ".join(expected[:8]) + (", ..." if len(expected) > 8 else "")
            msg += f"; expected {shown}"
        if tok.type in ("LESSTHAN", "MORETHAN", "__ANON") or str(tok) in ("<", ">", "<=", ">=", "==", "!="):
            hint = "comparisons do not chain: write `a < b and b < c`"
    elif isinstance(err, UnexpectedEOF):
        msg = "unexpected end of file"
    else:
        msg = str(err).splitlines()[0]
    return MVMSyntaxError(msg, file=file, line=line, col=col, end_col=end_col, source=source, hint=hint)


def parse(source: str, file: str | None = None) -> A.Module:
    """Parse model source into an AST; raise ``MVMSyntaxError`` for anything that is not the grammar."""
    if "\x00" in source:
        pos = source.index("\x00")
        line = source.count("\n", 0, pos) + 1
        col = pos - (source.rfind("\n", 0, pos) + 1) + 1
        raise MVMSyntaxError("NUL character in source", file=file, line=line, col=col, source=source)
    try:
        tree = _parser().parse(source)
    except UnexpectedInput as err:
        raise _syntax_error(err, file, source) from None
    try:
        return _ToAst(file, source).transform(tree)
    except VisitError as err:
        if isinstance(err.orig_exc, MVMSyntaxError):
            raise err.orig_exc from None
        raise
