"""The disassembler: expected lines for the sample program, source interleaving, determinism, and no crash
on bad indices."""

from __future__ import annotations

import numpy as np

from mvm.bytecode import opcodes as O
from mvm.bytecode.disasm import disassemble, instruction

from .asm import assemble, evolve, fn, set_code
from .samples import sir_program

P = sir_program()
TEXT = disassemble(P)
LINES = TEXT.splitlines()


def test_expected_lines():
    expected = [
        "; model sir version 1.2.0 (sir.mvm): 3 functions, 29 instructions, 5 float and 1 int constants",
        "; param beta: float = 0.3 in [0.0, 5.0]  (kf0)",
        "fn infections(s: float f0, i: float f1) -> float  ; #0, pc [0, 5), frame i0 f3, line 4",
        "  ; var s: float f0 live [0, 5)",
        "            ; 5: return beta * s * i / 1000.0",
        "0000    5  LOADK_F    f2, kf0=$beta",
        "0001    |  MUL_F      f2, f2, f0",
        "0003    |  DIVK_F     f2, f2, kf1=1000.0",
        "0004    |  RET_F      f2",
        "fn check(n: int i0)  ; #1, pc [5, 8), frame i1 f0, line 7",
        "0005    8  JGEI_I     i0, 0, -> 7",
        '0006    |  TRAP       "negative days"',
        "0007    7  RET",
        "fn main() -> record  ; #2, pc [8, 29), frame i4 f6, line 10",
        "0008   11  LOADK_I    i0, ki0=$days",
        "0010   12  LOADK_F    f0, kf2=999.0",
        "0014    |  CALL       check, i3, f6",
        "0016    |  JLE_I      i0, i2, -> 27",
        "0019    |  CALL       infections, i4, f4",
        "0022   18  ASTORE_F   i1, i2, f1",
        "0025   14  ADDI_I     i2, i2, 1",
        "0026    |  JMP        -> 16",
        '0027   21  HOST       print("peak", f2)',
        "0028   22  RET_REC    {peak: f2, infected: i1}",
    ]
    for line in expected:
        assert line in LINES, line
    # every instruction has exactly one line, in pc order
    pcs = [int(line[:4]) for line in LINES if line[:4].isdigit()]
    assert pcs == list(range(len(P.code)))


def test_source_interleaved_on_line_change_only():
    comments = [line.strip() for line in LINES if line.startswith("            ; ")]
    assert comments.count("; 14: for d in 0..days {") == 2   # loop header, then the increment
    assert "; 12: let s = 999.0; let i = 1.0; let peak = 0.0" in comments
    idx = LINES.index("0010   12  LOADK_F    f0, kf2=999.0")
    assert LINES[idx - 1].strip().startswith("; 12:")
    assert not LINES[idx + 1].strip().startswith(";")


def test_without_source():
    text = disassemble(sir_program(source=False))
    assert "            ; " not in text
    assert "0001    |  MUL_F      f2, f2, f0" in text


def test_deterministic():
    assert disassemble(sir_program()) == TEXT
    assert TEXT.endswith("\n")


def test_operand_shapes():
    prog = assemble(fn("f", [("MATH_F", 1, 0, O.MATH1.index("sqrt")), ("LOADI", 0, -5), ("ADDK_F", 0, 0, 0),
                             ("RANDINT", 0, 0, 0), ("RET_F", 1)],
                       params=[("x", "float")], ret="float", frame_i=1, frame_f=2), kf=[float("nan")])
    text = disassemble(prog)
    assert "MATH_F     f1, f0, sqrt" in text
    assert "LOADI      i0, -5" in text
    assert "ADDK_F     f0, f0, kf0=nan" in text
    assert "RANDINT    i0, i0, i0" in text
    assert instruction(prog, 0) == "MATH_F     f1, f0, sqrt"


def test_bad_indices_do_not_crash():
    bad = set_code(set_code(sir_program(), 0, 2, 99), 19, 1, 99)
    bad = set_code(set_code(bad, 6, 1, 99), 1, 0, 250)
    text = disassemble(evolve(bad, hosts=(), records=()))
    assert "kf99=?" in text and "fn?99" in text and "str?99" in text and "??? 250" in text
    assert "host?0" in text and "rec?0" in text


def test_empty_program():
    assert disassemble(assemble(kf=np.zeros(0))).startswith("; model t: 0 functions")
