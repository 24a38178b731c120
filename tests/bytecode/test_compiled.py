"""The bytecode tools on what the compiler really emits: every example verifies, round-trips through .mvmc
bytes and disassembles; random corruptions of compiled code raise nothing but BytecodeError."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mvm.bytecode import mvmc
from mvm.bytecode.disasm import disassemble
from mvm.bytecode.verify import RULES, verify
from mvm.errors import BytecodeError

from .asm import set_code
from .test_mvmc import assert_same

compiler = pytest.importorskip("mvm.compiler")

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.mvm"))


def _compile(path: Path):
    return compiler.compile_program(path.read_text(encoding="utf-8"), file=str(path))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example(path):
    program = _compile(path)
    verify(program)
    data = mvmc.dumps(program)
    again = mvmc.loads(data)
    assert_same(program, again)
    assert mvmc.dumps(again) == data
    text = disassemble(program)
    assert text == disassemble(again)
    for f in program.functions:
        assert f"fn {f.name}(" in text
    assert text.count("\n") >= len(program.code)


TOOLBOX = _compile(ROOT / "examples" / "toolbox.mvm") if (ROOT / "examples" / "toolbox.mvm").exists() else None


@pytest.mark.skipif(TOOLBOX is None, reason="examples/toolbox.mvm missing")
@settings(max_examples=150, deadline=None)
@given(st.data())
def test_fuzz_compiled_code(data):
    p = TOOLBOX
    for _ in range(data.draw(st.integers(1, 3))):
        pc = data.draw(st.integers(0, len(p.code) - 1))
        col = data.draw(st.integers(0, 3))
        p = set_code(p, pc, col, data.draw(st.one_of(st.integers(-2, 100), st.integers(-(2 ** 31), 2 ** 31 - 1))))
    try:
        verify(p)
    except BytecodeError as err:
        assert err.rule in RULES, str(err)
        return
    assert_same(p, mvmc.loads(mvmc.dumps(p)))   # whatever passes also survives the file format
    disassemble(p)
