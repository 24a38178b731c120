"""Parsing: model source text → AST.

Input: source text and a file name. Output: an ``ast.Module``, or ``MVMSyntaxError`` with file:line:col,
a caret excerpt and what was expected. Lark (LALR) parses ``grammar/mvm.lark``; a postlexer turns
newlines and ``;`` into statement separators; a builder embedded in the parse makes one AST class per
grammar alias, with no parse tree in between.

Why the basic lexer and not the contextual one: the postlexer holds a separator back for one token, to
drop it before ``}`` and ``else``; the contextual lexer lexes that next token in the parser state *before*
the separator, where a keyword such as ``param`` is not acceptable. Keywords still win over names because
Lark turns a NAME whose text is a keyword into that keyword.
"""

from __future__ import annotations

import functools
import hashlib
import os
import threading
from pathlib import Path

import attrs
import lark
from lark import Lark, Token
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

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
    """The Lark parser with the AST builder embedded, built once per process (Lark caches the LALR tables
    on disk too).

    Positions come from the tokens, which the builder sees because every token is kept; Lark's
    ``propagate_positions`` only annotates parse trees, and this parser builds none.
    """
    text = _grammar_path().read_text()
    return Lark(text, parser="lalr", lexer="basic", postlex=_Separators(),
                transformer=_BUILDER, keep_all_tokens=True, maybe_placeholders=True, cache=_cache_file(text))


def _cache_file(grammar: str) -> str | bool:
    """Where Lark keeps the parse tables: named by the grammar's content, so a reinstall reuses them (Lark
    itself checks the grammar and options against the file)."""
    base = os.environ.get("MVM_CACHE_DIR") or os.path.join(os.path.expanduser("~"), ".cache", "mvm")
    try:
        os.makedirs(base, exist_ok=True)
        probe = os.path.join(base, ".w")
        with open(probe, "w"):
            pass
        digest = hashlib.sha256(grammar.encode("utf-8")).hexdigest()[:16]
        return os.path.join(base, f"lark-{lark.__version__}-{digest}.tmp")
    except OSError:
        return False


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


class _Builder:
    """Builds the AST while Lark parses (an embedded LALR transformer): one method per grammar alias.

    Lark calls each method with the rule's children, every token kept (``keep_all_tokens``), so a node's
    span runs from its first token to its last, keywords and brackets included. No parse tree is built and
    nothing is walked twice, which is most of what parsing used to cost. ``file`` and ``source`` are set per
    parse, under ``_PARSE_LOCK``.
    """

    file: str | None = None
    source: str = ""

    # -- helpers
    def _span(self, first, last) -> A.Span:
        """The span from the start of ``first`` to the end of ``last`` (each a token or an AST node)."""
        if isinstance(first, Token):
            line, col, start = first.line, first.column, first.start_pos
        else:
            s = first.span
            line, col, start = s.line, s.col, s.start
        if isinstance(last, Token):
            end_line, end_col, end = last.end_line, last.end_column, last.end_pos
        else:
            s = last.span
            end_line, end_col, end = s.end_line, s.end_col, s.end
        return A.Span(self.file, line, col, end_line, end_col, start, end)

    def _whole(self, c: list) -> A.Span:
        return self._span(c[0], c[-1])

    def _error(self, msg: str, span: A.Span, hint: str | None = None) -> MVMSyntaxError:
        end = span.end_col if span.end_line == span.line else None
        return MVMSyntaxError(msg, file=self.file, line=span.line, col=span.col, end_col=end,
                              source=self.source, hint=hint)

    def __default__(self, data, children, meta):
        if data.startswith("__"):       # Lark's helper for a repetition; the parent rule splices it in
            return lark.Tree(data, children)
        raise AssertionError(f"grammar rule {data!r} has no AST builder")

    # -- file structure
    def start(self, c):
        header = c[0]
        name = str(header[1])
        version = _unescape(str(header[3]), header[3], self.file, self.source) if len(header) == 4 else None
        groups = {A.Use: [], A.Param: [], A.Const: [], A.Function: []}
        for it in c[1:]:
            if not isinstance(it, Token):
                groups[type(it)].append(it)
        last = c[-1] if len(c) > 1 else header[-1]
        return A.Module(name=name, version=version, uses=tuple(groups[A.Use]),
                        params=tuple(groups[A.Param]), consts=tuple(groups[A.Const]),
                        functions=tuple(groups[A.Function]), span=self._span(header[0], last))

    def header(self, c):
        return c            # ``model NAME [version STRING]``: ``start`` reads the tokens

    def use(self, c):
        constraint = alias = None
        for tok in c[2:]:
            if tok.type == "STRING":
                constraint = _unescape(str(tok), tok, self.file, self.source)
            elif tok.type == "NAME":
                alias = str(tok)
        return A.Use(name=str(c[1]), constraint=constraint, alias=alias, span=self._whole(c))

    def param(self, c):
        name = c[1]
        if len(c) == 7:         # ``in [lo, hi]``: the range's tokens
            rng = c[6]
            lo, hi, last = rng[2], rng[4], rng[-1]
        else:
            lo = hi = None
            last = c[5]
        return A.Param(name=str(name), type=c[3], default=c[5], lo=lo, hi=hi, span=self._span(c[0], last),
                       name_span=self._span(name, name))

    def range(self, c):
        return c

    def const(self, c):
        name = c[1]
        return A.Const(name=str(name), value=c[3], span=self._whole(c), name_span=self._span(name, name))

    def fn(self, c):
        name = c[1]
        ret = c[6] if len(c) == 8 else None
        return A.Function(name=str(name), params=c[3] or (), ret=ret, body=c[-1], span=self._whole(c),
                          name_span=self._span(name, name))

    def fparams(self, c):
        return tuple(p for p in c if not isinstance(p, Token))

    def fparam(self, c):
        return A.FParam(name=str(c[0]), type=c[2], span=self._whole(c))

    def record_type(self, c):
        return A.RecordType(fields=tuple(f for f in c if not isinstance(f, Token)), span=self._whole(c))

    def field_type(self, c):
        return A.FieldType(name=str(c[0]), type=c[2], span=self._whole(c))

    def scalar_type(self, c):
        return A.TypeRef(name=str(c[0]), span=self._whole(c))

    def array1_type(self, c):
        return A.TypeRef(name=f"{c[0]}[]", span=self._whole(c))

    def array2_type(self, c):
        return A.TypeRef(name=f"{c[0]}[,]", span=self._whole(c))

    # -- statements
    def block(self, c):
        stmts = tuple(s for s in c[1:-1] if s is not None and not isinstance(s, Token))
        return A.Block(stmts=stmts, span=self._whole(c))

    def let(self, c):
        name = c[1]
        return A.Let(name=str(name), type=c[3] if len(c) == 6 else None, value=c[-1], span=self._whole(c),
                     name_span=self._span(name, name))

    def assign(self, c):
        target, op, value = c
        if not isinstance(target, (A.Name, A.Index)):
            raise self._error("cannot assign to this expression", target.span,
                              hint="only a variable or an array element can be assigned")
        return A.Assign(target=target, op=str(op), value=value, span=self._whole(c))

    def expr_stmt(self, c):
        return A.ExprStmt(expr=c[0], span=self._whole(c))

    def if_(self, c):
        return A.If(cond=c[1], then=c[2], orelse=c[4] if len(c) == 5 else None, span=self._whole(c))

    def while_(self, c):
        return A.While(cond=c[1], body=c[2], span=self._whole(c))

    def for_(self, c):
        var = c[1]
        return A.For(var=str(var), start=c[3], stop=c[5], step=c[7] if len(c) == 9 else None, body=c[-1],
                     span=self._whole(c), var_span=self._span(var, var))

    def break_(self, c):
        return A.Break(span=self._whole(c))

    def continue_(self, c):
        return A.Continue(span=self._whole(c))

    def return_(self, c):
        return A.Return(value=c[1] if len(c) == 2 else None, span=self._whole(c))

    def assert_(self, c):
        msg = _unescape(str(c[3]), c[3], self.file, self.source) if len(c) == 4 else None
        return A.Assert(cond=c[1], message=msg, span=self._whole(c))

    def record(self, c):
        return A.RecordLit(fields=tuple(f for f in c if not isinstance(f, Token)), span=self._whole(c))

    def field(self, c):
        return A.FieldInit(name=str(c[0]), value=c[2], span=self._whole(c))

    # -- expressions
    def logic(self, c):
        """``and``/``or`` operands in a row → a tree: ``and`` binds tighter, both associate to the left."""
        return _by_precedence(c, _LOGIC_PRECEDENCE, A.Logic)

    def not_(self, c):
        return A.Unary(op="not", operand=c[1], span=self._whole(c))

    def arith(self, c):
        """Operands and operators in a row → a tree by precedence: * / // % over + - over comparisons."""
        comparisons = [op for op in c[1::2] if _PRECEDENCE[str(op)] == 1]
        if len(comparisons) > 1:
            tok = comparisons[1]
            raise self._error(f"unexpected `{tok}`: comparisons do not chain", self._span(tok, tok),
                              hint="comparisons do not chain: write `a < b and b < c`")
        return _by_precedence(c, _PRECEDENCE, A.Binary)

    def neg(self, c):
        return A.Unary(op="-", operand=c[1], span=self._whole(c))

    def pow_(self, c):
        return A.Binary(op="**", left=c[0], right=c[2], span=self._whole(c))

    def call(self, c):
        target = c[0]
        if not isinstance(target, A.Name):
            raise self._error("only a named function can be called", target.span)
        return A.Call(func=target.id, args=c[2] or (), span=self._whole(c), func_span=target.span)

    def index(self, c):
        return A.Index(target=c[0], indices=c[2], span=self._whole(c))

    def args(self, c):
        return tuple(a for a in c if not isinstance(a, Token))

    def atom(self, c):
        """``( expr )``: the expression, its span widened to the parentheses."""
        return attrs.evolve(c[1], span=self._whole(c))

    def string(self, c):
        tok = c[0]
        return A.StrLit(value=_unescape(str(tok), tok, self.file, self.source), span=self._whole(c))

    def int_lit(self, c):
        tok = c[0]
        value = int(str(tok).replace("_", ""))
        if value > INT64_MAX:
            raise self._error(f"integer literal {tok} does not fit in 64 bits", self._span(tok, tok),
                              hint="the largest int is 9223372036854775807; write a float (e.g. 1e19)")
        return A.IntLit(value=value, span=self._whole(c))

    def float_lit(self, c):
        tok = c[0]
        value = float(str(tok).replace("_", ""))
        if value == float("inf"):
            raise self._error(f"float literal {tok} is too large for float64", self._span(tok, tok),
                              hint="the largest float is about 1.8e308")
        return A.FloatLit(value=value, span=self._whole(c))

    def true_lit(self, c):
        return A.BoolLit(value=True, span=self._whole(c))

    def false_lit(self, c):
        return A.BoolLit(value=False, span=self._whole(c))

    def name(self, c):
        return A.Name(id=str(c[0]), span=self._whole(c))

    def convert(self, c):
        return A.Convert(type=str(c[0]), arg=c[2], span=self._whole(c))

    def new_array(self, c):
        dims = tuple(d for d in c[3:-1] if d is not None and not isinstance(d, Token))
        return A.NewArray(elem=str(c[1]), dims=dims, span=self._whole(c))

    def assign_op(self, c):
        return c[0]

    def binop(self, c):
        return c[0]         # the token itself: a chained comparison is reported at its position

    logic_op = binop


_BUILDER = _Builder()
# the builder holds the file being parsed; one parse at a time (parsing holds the GIL anyway)
_PARSE_LOCK = threading.Lock()


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
    parser = _parser()
    with _PARSE_LOCK:
        _BUILDER.file, _BUILDER.source = file, source
        try:
            return parser.parse(source)
        except UnexpectedInput as err:
            raise _syntax_error(err, file, source) from None
        finally:
            _BUILDER.file, _BUILDER.source = None, ""
