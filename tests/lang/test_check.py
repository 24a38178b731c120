"""Type checking: every diagnostic names the problem, its position, and a hint where one helps."""

import pytest

from mvm.errors import MVMTypeError
from mvm.lang.check import check
from mvm.lang.parse import parse


def checked(src):
    return check(parse(src, "t.mvm"), src, "t.mvm")


def error_of(src) -> MVMTypeError:
    with pytest.raises(MVMTypeError) as exc:
        checked(src)
    return exc.value


def fn(body: str, sig: str = "fn main()") -> str:
    return "model t\nparam beta: float = 0.3\nconst K = 2\n" + sig + " {\n" + body + "\n}\n"


# (body, line, col, message fragment, hint fragment or None); body starts on line 5
CASES = [
    ("    let x = 1\n    x = 1.5", 6, 9, "cannot assign float to int variable `x`", "int(x)"),
    ("    let y = bta", 5, 13, "unknown name `bta`", "did you mean `beta`?"),
    ("    let x = 1\n    let x = 2", 6, 9, "already declared in this block", None),
    ("    beta = 1.0", 5, 5, "cannot assign to model parameter `beta`", "let x = beta"),
    ("    K = 3", 5, 5, "cannot assign to model constant `K`", None),
    ("    for i in 0..3 { i = 2 }", 5, 21, "cannot assign to loop variable `i`", "read-only"),
    ("    if 1 { }", 5, 8, "condition of `if` must be bool, not int", "x != 0"),
    ("    let a = new float[3]\n    let b = a + 1.0", 6, 13, "cannot take float[] and float", "element by element"),
    ("    let x = true + 1", 5, 13, "cannot take bool and int", None),
    ("    break", 5, 5, "`break` outside a loop", None),
    ("    let x = sqrt(1, 2)", 5, 13, "`sqrt` takes 1 argument(s), got 2", None),
    ("    let x = sqt(2.0)", 5, 13, "unknown function `sqt`", "did you mean `sqrt`?"),
    ("    let a = new float[2.0]", 5, 23, "array size must be int, not float", "int(x)"),
    ("    let a = new float[2]\n    let x = a[1.0]", 6, 15, "index must be int, not float", "int(x)"),
    ("    let a = new float[2, 2]\n    let x = a[1]", 6, 13, "takes 2 index(es), got 1", None),
    ("    let x = 1\n    x", 6, 5, "this expression does nothing", "only a call"),
    ("    let s = max(\"text\", 1)", 5, 17, "strings are only allowed in print", None),
    ("    for i in 0.0..3 { }", 5, 14, "start of a for range must be int, not float", None),
    ("    let b = bool(1)", 5, 13, "bool(x) is not a conversion", "x != 0"),
    ("    let x = 1 and true", 5, 13, "`and` needs bool operands, not int", None),
    ("    let a = new bool[3]", 5, 13, "arrays of bool are not supported", None),
    ("    let f = main", 5, 13, "function `main` used as a value", None),
    ("    fill(new float[2], true)", 5, 24, "cannot fill float[] with bool", None),
    ("    let x = randint(1.0, 2)", 5, 21, "`randint` needs int bounds", None),
    ("    let x: int = 2.5", 5, 18, "cannot initialise int variable `x` with float", "int(x)"),
]


@pytest.mark.parametrize("body, line, col, message, hint", CASES, ids=[c[3][:40] for c in CASES])
def test_type_errors_have_position_message_and_hint(body, line, col, message, hint):
    e = error_of(fn(body))
    assert (e.line, e.col) == (line, col), str(e)
    assert message in e.message, e.message
    if hint is not None:
        assert e.hint and hint in e.hint, e.hint
    text = str(e)
    assert text.startswith(f"t.mvm:{line}:{col}: type error:") and "^" in text


def test_missing_return_points_at_the_end_of_the_function():
    e = error_of("model t\nfn f(x: int) -> int {\n    if x > 0 { return 1 }\n}\n")
    assert "missing return" in e.message and e.line == 4


def test_return_on_every_path_through_if_else_is_accepted():
    checked("model t\nfn f(x: int) -> int {\n    if x > 0 { return 1 } else if x < 0 { return -1 } else { return 0 }\n}\n")


@pytest.mark.parametrize("name", ["seed", "mode", "limits", "params"])
def test_reserved_parameter_names_are_rejected_with_a_hint(name):
    e = error_of(f"model t\nparam {name}: int = 1\n")
    assert f"`{name}` is reserved" in e.message and (e.line, e.col) == (2, 7)
    assert "Model.run" in e.hint


def test_parameter_default_outside_its_range():
    e = error_of("model t\nparam p: float = 7.0 in [0.0, 5.0]\n")
    assert "outside its range" in e.message


def test_constants_fold_in_any_order_and_cycles_are_errors():
    c = checked("model t\nconst A = B * 2\nconst B = 3 + 4\n")
    assert c.consts["A"].value == 14
    e = error_of("model t\nconst A = B\nconst B = A\n")
    assert "defined in terms of itself" in e.message


def test_constant_may_not_use_a_parameter():
    e = error_of("model t\nparam p: int = 1\nconst A = p + 1\n")
    assert "`p` is a parameter" in e.message


def test_record_result_rules():
    sig = "fn main() -> {a: float, b: int[]}"
    e = error_of(fn("    return {b: new int[1], c: 1.0}", sig))
    assert "do not match the declared" in e.message
    e = error_of("model t\nfn r() -> {a: float} {\n    return {a: 1.0}\n}\nfn main() {\n    let x = r()\n}\n")
    assert "returns a record" in e.message and e.line == 6


def test_int_widens_to_float_but_nothing_else_converts_implicitly():
    checked(fn("    let x = 1.0\n    x = 3\n    x += 2"))
    e = error_of(fn("    let n = 1\n    n /= 2"))
    assert "cannot assign float to int" in e.message


def test_shadowing_in_an_inner_block_is_allowed():
    checked(fn("    let x = 1\n    if true {\n        let x = 2.5\n        print(x)\n    }\n    x = 3"))


def test_duplicate_declarations_and_builtin_names():
    assert "declared twice" in error_of("model t\nconst A = 1\nfn A() { }\n").message
    assert "is a builtin" in error_of("model t\nfn sqrt(x: float) -> float { return x }\n").message


def test_call_argument_types_are_checked():
    e = error_of("model t\nfn f(n: int) -> int { return n }\nfn main() {\n    let x = f(1.5)\n}\n")
    assert "argument `n` of `f` is int, but this is float" in e.message and e.hint == "use int(x)"


def test_a_let_in_the_body_may_shadow_a_function_parameter():
    checked("model t\nfn f(n: int) -> int {\n    let n = n * 2\n    return n\n}\n")
