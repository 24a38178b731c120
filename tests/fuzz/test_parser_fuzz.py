"""Robustness of the compiler front end: any text gives a model or a clean diagnostic.

Input: arbitrary text (hypothesis ``text()``), text over the language's own characters, sequences of
the language's tokens (keywords, operators, punctuation, names, numbers, strings, comments, newlines),
alone or inside a model header and a ``main`` body, and generated well-typed programs with a few tokens
mutated. Output: ``mvm.compile_source`` either succeeds or raises ``MVMSyntaxError``/``MVMTypeError`` with
line >= 1, col >= 1 and, when the position points at a character of the text, a caret excerpt in
``str(err)``; any other exception fails the test. Mutants that still compile must also verify and run to
a result or an ``MVMRuntimeError``.

``MVM_FUZZ_EXAMPLES`` sets the example count of the slow variants (default 3000).
"""

from __future__ import annotations

import io
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mvm

_FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_SLOW = settings(max_examples=int(os.environ.get("MVM_FUZZ_EXAMPLES", "3000")), deadline=None,
                 suppress_health_check=[HealthCheck.too_slow])

KEYWORDS = ["model", "version", "use", "as", "param", "const", "fn", "let", "if", "else", "while", "for",
            "in", "step", "break", "continue", "return", "assert", "new", "and", "or", "not", "true",
            "false", "int", "float", "bool"]
BUILTINS = ["sqrt", "exp", "log", "log10", "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "sinh",
            "cosh", "tanh", "abs", "floor", "ceil", "min", "max", "pow", "len", "rows", "cols", "copy",
            "fill", "sum", "rand", "randn", "randint", "print", "main"]
OPERATORS = ["+", "-", "*", "/", "//", "%", "**", "==", "!=", "<", "<=", ">", ">=", "=", "+=", "-=", "*=",
             "/=", "..", "->", "!", "&", "|", "^", "@", "$", "?", "'", "\\"]
PUNCT = ["(", ")", "[", "]", "{", "}", ",", ":", ";", ".", "\n", "\n", "\n", "\r\n", "\t"]

names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,6}", fullmatch=True)
numbers = st.one_of(
    st.integers(0, 2**70).map(str),
    st.from_regex(r"[0-9][0-9_]{0,4}(\.[0-9_]{0,4})?([eE][+-]?[0-9]{0,3})?", fullmatch=True),
    st.floats(allow_nan=False, allow_infinity=False, min_value=0).map(repr),
)
strings = st.one_of(
    st.from_regex(r'"([^"\\\n]|\\[^\n]){0,8}"', fullmatch=True),
    st.just('"'), st.just('"unterminated'),
)
comments = st.from_regex(r"#[^\n]{0,10}", fullmatch=True)
token = st.one_of(st.sampled_from(KEYWORDS), st.sampled_from(BUILTINS), st.sampled_from(OPERATORS),
                  st.sampled_from(PUNCT), names, numbers, strings, comments)
separator = st.sampled_from([" ", " ", " ", "", "\n", "  ", ";"])


@st.composite
def token_text(draw, max_tokens: int = 40) -> str:
    """Tokens of the language in random order, joined by random whitespace."""
    toks = draw(st.lists(st.tuples(token, separator), max_size=max_tokens))
    return "".join(t + s for t, s in toks)


@st.composite
def framed_token_text(draw) -> str:
    """Random tokens placed where they reach deeper into the grammar: after a header or in ``main``."""
    body = draw(token_text(max_tokens=30))
    frame = draw(st.sampled_from(["header", "main", "fn", "expr"]))
    if frame == "header":
        return "model m\n" + body
    if frame == "main":
        return "model m\nfn main() -> int {\n" + body + "\n}\n"
    if frame == "fn":
        return "model m\nparam p: float = 1.0\nfn f(x: int, a: float[]) -> float {\n" + body + "\n}\n"
    return "model m\nfn main() -> float {\n    let x = 1\n    return " + body + "\n}\n"


LANG_CHARS = list("model fn let if else while for in step return 0123456789.+-*/%=<>!(){}[],:;\"#\\\n\t _abxyz")
lang_text = st.text(alphabet=st.sampled_from(LANG_CHARS), max_size=80)

_EXCERPT = re.compile(r"^ *\d+ \| .*\n +\| [ \t]*\^+", re.MULTILINE)


def _points_into(text: str, line: int, col: int) -> bool:
    """Whether (line, col) is the position of a character of ``text`` (lines split at ``\\n``)."""
    lines = text.split("\n")
    if line > len(lines):
        return False
    return col <= len(lines[line - 1])


def compile_or_diagnose(text: str):
    """Compile ``text``; return the diagnostic raised, or None. Anything but a compile error escapes."""
    try:
        mvm.compile_source(text)
    except (mvm.MVMSyntaxError, mvm.MVMTypeError) as err:
        return err
    return None


def check_text(text: str) -> None:
    """The contract: a model, or MVMSyntaxError/MVMTypeError with a position and a caret excerpt."""
    err = compile_or_diagnose(text)
    if err is None:
        return
    assert isinstance(err.line, int) and err.line >= 1, f"line {err.line!r} for {text!r}:\n{err}"
    assert isinstance(err.col, int) and err.col >= 1, f"col {err.col!r} for {text!r}:\n{err}"
    if _points_into(text, err.line, err.col):
        assert _EXCERPT.search(str(err)), f"no caret excerpt for {text!r}:\n{err}"


def check_excerpt_line(text: str) -> None:
    """The excerpt shows the line the position names (lines are split at ``\\n``, as the lexer counts)."""
    err = compile_or_diagnose(text)
    if err is None or not _points_into(text, err.line, err.col):
        return
    wanted = text.split("\n")[err.line - 1].rstrip("\r")
    shown = str(err)
    m = _EXCERPT.search(shown)
    assert m, f"no caret excerpt for {text!r}:\n{shown}"
    first = m.group(0).split("\n")[0]
    assert first.split(" | ", 1)[1] == wanted, f"excerpt shows the wrong line for {text!r}:\n{shown}"


# ---- fast variants --------------------------------------------------------------------------------

@_FAST
@given(st.text(max_size=200))
def test_arbitrary_text(text):
    check_text(text)


@_FAST
@given(lang_text)
def test_text_over_language_characters(text):
    check_text(text)


@_FAST
@given(token_text())
def test_token_sequences(text):
    check_text(text)


@_FAST
@given(framed_token_text())
def test_token_sequences_in_a_model(text):
    check_text(text)


@_FAST
@given(st.one_of(framed_token_text(), lang_text))
def test_excerpt_shows_the_error_line(text):
    check_excerpt_line(text)


# ---- slow variants --------------------------------------------------------------------------------

@pytest.mark.slow
@_SLOW
@given(st.text(max_size=400))
def test_arbitrary_text_many(text):
    check_text(text)


@pytest.mark.slow
@_SLOW
@given(st.one_of(token_text(max_tokens=80), framed_token_text(), lang_text))
def test_token_sequences_many(text):
    check_text(text)
    check_excerpt_line(text)


# ---- deterministic edge cases ---------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "", "\n", "model", "model m", "model m\n", "model m version", "model m version \"1\"",
    "model m\nfn", "model m\nfn main(", "model m\nfn main() -> int {", "model m\nfn main() -> int { return",
    "\ufeffmodel m", "model m\x00", "model m\r", "model m\rfn main() -> int { return 1 }",
    "model m\nfn main() -> int { return 1 }\x0c", "model m\nfn main() -> int {\n    return 'a'\n}",
    "model m\nfn main() -> int { return \"\\q\" }", "model m\nfn main() -> int { return 99999999999999999999 }",
    "model m\nfn main() -> int { return 1 < 2 < 3 }", "model m\nfn main() -> int { 1 = 2 }",
    "model m\nfn main() -> int { return (1)(2) }", "model m\nfn main() -> int { return f()() }",
    "model m\nfn main() -> int { return 1 }\nfn main() -> int { return 2 }",
    "model m\nparam seed: int = 1\nfn main() -> int { return 1 }",
    "model m\nfn main() -> int { let x = 1; let x = 2; return x }",
    "model m\nfn main() -> int { return \"s\" }", "model m\nfn main() -> int { return [1] }",
    "model m\nfn main() { return {a: 1} }", "model m\nfn main() -> {a: int} { return 1 }",
    "model m\nfn main() -> {a: int, a: int} { return {a: 1, a: 2} }",
    "model m\nfn main() -> int { return bool(1) }", "model m\nfn main() -> int { let a = new bool[3]; return 0 }",
    "model m\nfn main() -> int { let a = new int[2, 3, 4]; return 0 }",
    "model m\nfn main() -> int { let a = new int[2]; return a[0, 1] }",
    "model m\nfn main() -> int { let a = new int[2]; return a[] }",
    "model m\nfn main() -> int { return a[0] }", "model m\nfn main() -> int { return main }",
    "model m\nfn main() -> int { return sqrt }", "model m\nfn main() -> int { return len(1) }",
    "model m\nfn main() -> int { print(new int[2]); return 0 }",
    "model m\nconst A = B\nconst B = A\nfn main() -> int { return A }",
    "model m\nconst A = 1 // 0\nfn main() -> int { return A }",
    "model m\nconst A = rand()\nfn main() -> float { return A }",
    "model m\nparam p: int = 5 in [0, 3]\nfn main() -> int { return p }",
    "model m\nparam p: float = 1.0 in [2.0, 0.0]\nfn main() -> float { return p }",
    "model m\nparam p: bool = true in [false, true]\nfn main() -> bool { return p }",
    "model m\nfn f() -> {a: int} { return {a: 1} }\nfn main() -> int { let r = f(); return 0 }",
    "model m\nfn main() -> int { for i in 0..3 { i = 1 }; return 0 }",
    "model m\nfn main() -> int { break; return 0 }", "model m\nfn main() -> int { while true { } }",
    "model m\nuse other \">=1\" as o\nfn main() -> int { return 0 }",
    "model m\nfn main() -> int { return 1 }}", "model m\nfn main() -> int {{ return 1 }",
])
def test_edge_texts(text):
    check_text(text)
    check_excerpt_line(text)


@pytest.mark.parametrize("depth", [50, 200, 1000])
def test_deep_nesting_is_a_model_or_a_diagnostic(depth):
    """Deeply nested parentheses must not surface as RecursionError."""
    text = "model m\nfn main() -> int {\n    return " + "(" * depth + "1" + ")" * depth + "\n}\n"
    check_text(text)
    text = "model m\nfn main() -> int {\n    return " + "-" * depth + "1\n}\n"
    check_text(text)
    text = "model m\nfn main() -> int {\n    return " + " + ".join(["1"] * depth) + "\n}\n"
    check_text(text)


# ---- mutated well-typed programs ------------------------------------------------------------------

_TOKEN_RE = re.compile(r'"(?:[^"\\\n]|\\.)*"|[A-Za-z_0-9]+(?:\.(?!\.)[0-9_]*(?:[eE][+-]?[0-9]+)?)?|\.\.|//|\*\*|'
                       r'==|!=|<=|>=|\+=|-=|\*=|/=|->|\n|[^\sA-Za-z_0-9]')
_LIMITS = dict(fuel=200_000, call_depth=200, heap_bytes=1 << 22, wall_time=10.0)


@st.composite
def mutated_programs(draw) -> str:
    """A generated well-typed program with a few tokens deleted, replaced, duplicated or swapped."""
    from mvmfuzz_gen import programs
    src = draw(programs(max_depth=2)).mvm
    spans = [m.span() for m in _TOKEN_RE.finditer(src)]
    for _ in range(draw(st.integers(1, 3))):
        if not spans:
            break
        k = draw(st.integers(0, len(spans) - 1))
        a, b = spans[k]
        how = draw(st.sampled_from(["delete", "replace", "duplicate", "swap"]))
        if how == "delete":
            src = src[:a] + " " + src[b:]
        elif how == "replace":
            src = src[:a] + draw(token) + src[b:]
        elif how == "duplicate":
            src = src[:b] + " " + src[a:b] + src[b:]
        else:
            j = draw(st.integers(0, len(spans) - 1))
            c, d = spans[j]
            if b <= c:
                src = src[:a] + src[c:d] + src[b:c] + src[a:b] + src[d:]
        spans = [m.span() for m in _TOKEN_RE.finditer(src)]
    return src


def check_mutant(text: str) -> None:
    """A mutant either fails to compile with a clean diagnostic, or compiles, verifies and runs to a
    result or an ``MVMRuntimeError`` (limits included); nothing else may escape."""
    check_text(text)
    try:
        model = mvm.compile_source(text)
    except (mvm.MVMSyntaxError, mvm.MVMTypeError):
        return
    try:
        model.run(limits=mvm.Limits(**_LIMITS), stdout=io.StringIO())
    except mvm.MVMRuntimeError as err:
        # these traps guard the VM's own invariants; a verified, well-typed program never reaches them
        for bad in ("invalid array handle", "wrong element type", "invalid opcode", "trap code"):
            assert bad not in err.message, f"internal trap from a compiled program:\n{err}\n{text}"
    except mvm.MVMError as err:
        if "has no `main`" in str(err) or "takes arguments" in str(err):
            return
        raise


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(mutated_programs())
def test_mutated_programs(text):
    check_mutant(text)


@pytest.mark.slow
@settings(max_examples=int(os.environ.get("MVM_FUZZ_EXAMPLES", "3000")), deadline=None,
          suppress_health_check=list(HealthCheck))
@given(mutated_programs())
def test_mutated_programs_many(text):
    check_mutant(text)
