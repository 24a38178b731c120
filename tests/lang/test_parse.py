"""Parsing: the grammar accepts the language, builds AST with spans, and reports syntax errors precisely."""

from pathlib import Path

import pytest

from mvm.errors import MVMSyntaxError
from mvm.lang import ast as A
from mvm.lang.parse import parse

EXAMPLES = sorted(Path(__file__).resolve().parents[2].joinpath("examples").glob("*.mvm"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_round_trip_through_unparse(path):
    m = parse(path.read_text(), str(path))
    assert parse(A.unparse(m)) == m


def test_every_node_carries_its_source_position():
    src = "model m\nfn main() -> int {\n    let x = 1 + 2 * 3\n    return x\n}\n"
    m = parse(src, "m.mvm")
    let = m.functions[0].body.stmts[0]
    assert (let.span.line, let.span.col) == (3, 5)
    assert (let.value.span.line, let.value.span.col) == (3, 13)
    assert let.value.right.span.col == 17 and let.value.right.span.file == "m.mvm"


def test_spans_run_from_first_token_to_last_including_keywords_and_parentheses():
    src = "model m\nfn main() -> float {\n    let y = -(1.0 + 2.0) * 3.0\n    while y > 0.0 { y -= 1.0 }\n    return y\n}\n"
    fn = parse(src, "m.mvm").functions[0]
    let, loop, ret = fn.body.stmts
    text = src.splitlines()
    assert src[let.span.start:let.span.end] == "let y = -(1.0 + 2.0) * 3.0"
    neg = let.value.left
    assert src[neg.span.start:neg.span.end] == "-(1.0 + 2.0)"
    assert src[neg.operand.span.start:neg.operand.span.end] == "(1.0 + 2.0)"
    assert src[loop.span.start:loop.span.end] == "while y > 0.0 { y -= 1.0 }"
    assert (loop.body.span.line, loop.body.span.col) == (4, 19)
    assert (fn.span.line, fn.span.col, fn.span.end_line, fn.span.end_col) == (2, 1, 6, 2)
    assert text[ret.span.line - 1][ret.span.col - 1:ret.span.end_col - 1] == "return y"


def test_parsing_in_threads_keeps_each_file_in_its_own_spans():
    from concurrent.futures import ThreadPoolExecutor

    def one(k):
        m = parse(f"model m{k}\nfn main() -> int {{\n    return {k} + 1\n}}\n", f"f{k}.mvm")
        e = m.functions[0].body.stmts[0].value
        return m.name, e.span.file, e.left.value

    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(one, range(64)))
    assert got == [(f"m{k}", f"f{k}.mvm", k) for k in range(64)]


def test_precedence_of_operators():
    m = parse("model m\nconst X = -2 ** 2 + 3 * 4 % 5 - 1\n")
    e = m.consts[0].value
    assert A.unparse_expr(e) == "-2 ** 2 + 3 * 4 % 5 - 1"
    assert isinstance(e, A.Binary) and e.op == "-"
    assert isinstance(e.left.left, A.Unary) and e.left.left.operand.op == "**"


def test_power_is_right_associative():
    e = parse("model m\nconst X = 2 ** 3 ** 2\n").consts[0].value
    assert e.op == "**" and e.right.op == "**"


def test_lexical_forms():
    m = parse('model m version "1.0"\nconst A = 1_000\nconst B = 1e-3; const C = 2.\nconst D = true\n')
    vals = [c.value for c in m.consts]
    assert vals[0] == A.IntLit(value=1000)
    assert vals[1] == A.FloatLit(value=0.001) and vals[2] == A.FloatLit(value=2.0)
    assert vals[3] == A.BoolLit(value=True)
    assert m.version == "1.0"


def test_range_after_int_is_not_a_float():
    m = parse("model m\nfn main() {\n    for i in 0..10 step 2 { }\n}\n")
    f = m.functions[0].body.stmts[0]
    assert f.start == A.IntLit(value=0) and f.stop == A.IntLit(value=10) and f.step == A.IntLit(value=2)


def test_newlines_inside_brackets_and_before_else_are_not_separators():
    src = ("model m\nfn main() -> {a: int,\n   b: float} {\n    let x = max(1,\n        2)\n"
           "    if x > 1 {\n        x = 2\n    }\n    else {\n        x = 3\n    }\n"
           "    return {a: x,\n        b: 1.0}\n}\n")
    m = parse(src)
    assert isinstance(m.functions[0].body.stmts[1].orelse, A.Block)


def test_use_lines_are_kept():
    m = parse('model m\nuse toolbox ">=0.1" as tb\nuse other\n')
    assert m.uses[0] == A.Use(name="toolbox", constraint=">=0.1", alias="tb")
    assert m.uses[1] == A.Use(name="other", constraint=None, alias=None)


@pytest.mark.parametrize("src, line, col, fragment", [
    ("model m\nfn main() {\n    let x = (1 + 2\n}\n", 4, 1, "unexpected `}`"),
    ("model m\nfn main() {\n    let = 3\n}\n", 3, 9, "unexpected `=`"),
    ("model m\nconst X = 1 < 2 < 3\n", 2, 17, "unexpected `<`"),
    ("model m\nfn main() {\n    x = 'a'\n}\n", 3, 9, "unexpected character"),
    ("model m\nfn main() {\n", 2, 12, "unexpected end of file"),
    ("model m\nconst X = 99999999999999999999\n", 2, 11, "does not fit in 64 bits"),
    ("model m\nfn main() {\n    1 + 2 = 3\n}\n", 3, 5, "cannot assign"),
    ('model m\nfn main() {\n    print("a\\q")\n}\n', 3, 13, "unknown escape"),
    ("fn main() {}\n", 1, 1, "unexpected `fn`"),
])
def test_syntax_errors_name_the_position_and_show_a_caret(src, line, col, fragment):
    with pytest.raises(MVMSyntaxError) as exc:
        parse(src, "bad.mvm")
    e = exc.value
    assert (e.line, e.col) == (line, col), str(e)
    assert fragment in e.message
    text = str(e)
    assert text.startswith(f"bad.mvm:{line}:{col}: syntax error:")
    assert "^" in text


def test_chained_comparison_gets_a_hint():
    with pytest.raises(MVMSyntaxError) as exc:
        parse("model m\nconst X = 1 < 2 < 3\n")
    assert "do not chain" in exc.value.hint


def test_a_float_literal_beyond_float64_is_an_error_not_inf():
    with pytest.raises(MVMSyntaxError) as exc:
        parse("model m\nconst X = 1e400\n")
    assert "too large for float64" in exc.value.message and (exc.value.line, exc.value.col) == (2, 11)
