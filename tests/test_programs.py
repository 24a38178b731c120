"""Run every program under ``tests/programs/`` and check the expectations written in its comments.

Input: ``tests/programs/<feature>/<case>.mvm``, each a small model whose comments say what must happen
(the clox test layout):

    # expect: TEXT                               the next line the run prints (lines are checked in order)
    # expect result: PYTHON-LITERAL              what main returns to the host; ints, floats and bools
                                                 must keep their Python type, arrays come back as numpy
                                                 arrays and are written as (nested) lists
    # expect error: [line N:C] FRAGMENT          compiling fails with MVMSyntaxError or MVMTypeError at
                                                 line N, column C, and FRAGMENT is in its message or hint
    # expect runtime error: [line N:C] FRAGMENT  running fails with MVMRuntimeError at N:C (the printed
                                                 lines before the error are still checked)
    # expect message: FRAGMENT                   one more fragment the error's message or hint contains
    # xfail: REASON                              a known compiler bug: the case must fail (strict xfail)

Every run gets a fuel limit, so a program that loops forever fails instead of hanging the suite.

Output: one pytest case per program, named ``<feature>/<case>``.
"""

from __future__ import annotations

import ast
import math
import re
from pathlib import Path

import attrs
import numpy as np
import pytest

import mvm
from mvm.errors import Cancelled, LimitExceeded, MVMRuntimeError, MVMSyntaxError, MVMTypeError

PROGRAMS_DIR = Path(__file__).parent / "programs"
PROGRAMS = sorted(PROGRAMS_DIR.rglob("*.mvm"))

_EXPECT = re.compile(r"#\s*expect(?: (result|error|runtime error|message))?:(.*)$")
_XFAIL = re.compile(r"^#\s*xfail:\s*(.*)$", re.MULTILINE)
_LOCATED = re.compile(r"\s*\[line (\d+):(\d+)\]\s?(.*)$")

FUEL = 20_000_000     # instructions per run; the largest program here needs well under a million


@attrs.define
class Expectations:
    """What one program's comments say must happen when it is compiled and run."""

    output: list[str] = attrs.field(factory=list)
    result: object = None
    has_result: bool = False
    compile_error: tuple[int, int, str] | None = None
    runtime_error: tuple[int, int, str] | None = None
    messages: list[str] = attrs.field(factory=list)

    @property
    def empty(self) -> bool:
        """True when the program states no expectation at all (which is a mistake in the test)."""
        return not (self.output or self.has_result or self.compile_error or self.runtime_error)


def _located(text: str, where: str) -> tuple[int, int, str]:
    """Split ``[line N:C] fragment`` into (N, C, fragment)."""
    m = _LOCATED.match(text)
    if not m:
        raise ValueError(f"{where}: expected '[line N:C] fragment', got {text!r}")
    return int(m.group(1)), int(m.group(2)), m.group(3).strip()


def parse_expectations(source: str, where: str = "<program>") -> Expectations:
    """Collect the ``# expect...`` comments of a program, in order."""
    exp = Expectations()
    for number, line in enumerate(source.splitlines(), start=1):
        m = _EXPECT.search(line)
        if not m:
            continue
        kind, text = m.group(1), m.group(2)
        # one space after the colon separates it from the text; anything further is part of the text
        text = text[1:] if text.startswith(" ") else text
        at = f"{where}:{number}"
        if kind is None:
            exp.output.append(text)
        elif kind == "result":
            exp.result = ast.literal_eval(text.strip())
            exp.has_result = True
        elif kind == "error":
            exp.compile_error = _located(text, at)
        elif kind == "runtime error":
            exp.runtime_error = _located(text, at)
        else:
            exp.messages.append(text.strip())
    return exp


def same_value(actual, expected, *, top: bool = True) -> bool:
    """Strict equality of a host result and an expected literal.

    Scalars must have the same Python type (``3`` is not ``3.0`` and ``1`` is not ``True``); floats
    compare bit-for-bit in the sense that ``nan`` equals ``nan`` and ``-0.0`` differs from ``0.0``.
    A top-level list stands for a numpy array; a dict stands for a record, fields in declared order.
    """
    if isinstance(expected, dict):
        return (isinstance(actual, dict) and list(actual) == list(expected)
                and all(same_value(actual[k], v) for k, v in expected.items()))
    if isinstance(expected, list):
        if top:
            if not isinstance(actual, np.ndarray):
                return False
            actual = actual.tolist()
        return (isinstance(actual, list) and len(actual) == len(expected)
                and all(same_value(a, e, top=False) for a, e in zip(actual, expected)))
    if type(actual) is not type(expected):
        return False
    if isinstance(expected, float):
        if math.isnan(expected):
            return math.isnan(actual)
        return actual == expected and math.copysign(1.0, actual) == math.copysign(1.0, expected)
    return actual == expected


def _error_text(err) -> str:
    """The parts of a diagnostic a fragment may come from: the message and the hint (not the excerpt)."""
    return f"{err.message}\n{err.hint or ''}"


def _check_error(err, path: Path, line: int, col: int, fragment: str, messages: list[str]) -> None:
    """Position, file and fragments of a compile or runtime error."""
    assert (err.line, err.col) == (line, col), f"wrong position, diagnostic was:\n{err}"
    assert err.file is not None and Path(err.file).name == path.name, f"wrong file, diagnostic was:\n{err}"
    for piece in [fragment, *messages]:
        assert piece in _error_text(err), f"{piece!r} not in diagnostic:\n{err}"


def _printed_lines(capfd) -> list[str]:
    """Lines the run wrote to standard output since the last call."""
    out = capfd.readouterr().out
    return out.splitlines()


def _case(path: Path):
    """A pytest parameter for one program, strictly xfailed when the program says ``# xfail: reason``."""
    name = path.relative_to(PROGRAMS_DIR).with_suffix("").as_posix()
    m = _XFAIL.search(path.read_text())
    marks = [pytest.mark.xfail(strict=True, reason=m.group(1).strip())] if m else []
    return pytest.param(path, id=name, marks=marks)


def _limits():
    """The limits every run of the corpus gets."""
    return mvm.Limits(fuel=FUEL)


@pytest.mark.parametrize("path", [_case(p) for p in PROGRAMS])
def test_program(path: Path, capfd) -> None:
    """Compile and run one program, and check every expectation in its comments."""
    exp = parse_expectations(path.read_text(), str(path))
    assert not exp.empty, f"{path} states no expectation"

    if exp.compile_error:
        with pytest.raises((MVMSyntaxError, MVMTypeError)) as info:
            mvm.load(str(path))
        _check_error(info.value, path, *exp.compile_error, exp.messages)
        return

    model = mvm.load(str(path))
    capfd.readouterr()
    if exp.runtime_error:
        with pytest.raises(MVMRuntimeError) as info:
            model.run(limits=_limits())
        assert not isinstance(info.value, (LimitExceeded, Cancelled)), str(info.value)
        assert _printed_lines(capfd) == exp.output
        _check_error(info.value, path, *exp.runtime_error, exp.messages)
        return

    result = model.run(limits=_limits())
    assert _printed_lines(capfd) == exp.output
    if exp.has_result:
        assert same_value(result, exp.result), f"result {result!r}, expected {exp.result!r}"


def test_runtime_traceback_has_one_line_per_frame() -> None:
    """An error three calls deep carries three DSL frames, the innermost (where it happened) last."""
    model = mvm.load(str(PROGRAMS_DIR / "runtime" / "traceback.mvm"))
    with pytest.raises(MVMRuntimeError) as info:
        model.run(limits=_limits())
    frames = info.value.traceback
    assert len(frames) == 3, frames
    assert "main" in frames[0] and "middle" in frames[1] and "inner" in frames[2]
    assert ":5:" in frames[2] and ":9:" in frames[1] and ":14:" in frames[0]


def test_every_feature_has_programs() -> None:
    """The corpus covers every area of the language (guards against a directory going missing)."""
    features = {p.parent.name for p in PROGRAMS}
    assert {"lexical", "statements", "scope", "operators", "builtins", "arrays", "functions", "types",
            "print", "runtime"} <= features
    assert len(PROGRAMS) >= 60


def test_expectation_parser() -> None:
    """The comment syntax the corpus relies on."""
    exp = parse_expectations(
        "print(1) # expect: 1\n"
        "# expect:\n"
        "# expect:  two spaces\n"
        "# expect result: {'a': [1, 2.5]}\n"
        "# expect runtime error: [line 3:14] index 5\n"
        "# expect message: length 3\n")
    assert exp.output == ["1", "", " two spaces"]
    assert exp.has_result and exp.result == {"a": [1, 2.5]}
    assert exp.runtime_error == (3, 14, "index 5")
    assert exp.messages == ["length 3"]
    assert parse_expectations("# expect error: [line 1:2] \n").compile_error == (1, 2, "")
    assert same_value(np.array([1, 2]), [1, 2]) and not same_value(np.array([1.0, 2.0]), [1, 2])
    assert not same_value(1, True) and not same_value(3, 3.0) and same_value(float("nan"), float("nan"))
    assert not same_value(0.0, -0.0) and not same_value([1, 2], [1, 2])
