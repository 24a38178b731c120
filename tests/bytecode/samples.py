"""Well-formed hand-assembled programs the bytecode tests start from (and then break)."""

from __future__ import annotations

from mvm.bytecode.program import ParamInfo, PrintItem, RecordField, UseInfo

from .asm import assemble, fn

SIR_SOURCE = """\
model sir version "1.2.0"
param beta: float = 0.3 in [0.0, 5.0]
param days: int = 160 in [1, 100000]
fn infections(s: float, i: float) -> float {
    return beta * s * i / 1000.0
}
fn check(n: int) {
    assert n >= 0, "negative days"
}
fn main() -> {peak: float, infected: float[]} {
    let infected = new float[days]
    let s = 999.0; let i = 1.0; let peak = 0.0
    check(days)
    for d in 0..days {
        let new_inf = infections(s, i)
        s = s - new_inf
        i = i + new_inf
        infected[d] = i
        if i > peak { peak = i }
    }
    print("peak", peak)
    return {peak: peak, infected: infected}
}
"""


def sir_program(source: bool = True):
    """A small SIR-like model exercising calls, loops, arrays, params, host calls, traps and records."""
    infections = fn("infections", [
        ("@", 5),
        ("LOADK_F", 2, 0),          # beta
        ("MUL_F", 2, 2, 0),
        ("MUL_F", 2, 2, 1),
        ("DIVK_F", 2, 2, 1),        # / 1000.0
        ("RET_F", 2),
    ], params=[("s", "float"), ("i", "float")], ret="float", frame_f=3, line=4,
        vars=[("s", "float", 0, 0, 5), ("i", "float", 1, 0, 5)])
    check = fn("check", [
        ("@", 8),
        ("JGEI_I", 0, 0, "ok"),
        ("TRAP", 0),
        "ok:",
        ("@", 7),
        ("RET",),
    ], params=[("n", "int")], frame_i=1, line=7, vars=[("n", "int", 0, 0, 3)])
    main = fn("main", [
        ("@", 11),
        ("LOADK_I", 0, 0),          # days
        ("NEW_F", 1, 0),
        ("@", 12),
        ("LOADK_F", 0, 2),
        ("LOADK_F", 1, 3),
        ("LOADK_F", 2, 4),
        ("@", 13),
        ("MOV_I", 3, 0),
        ("CALL", "check", 3, 6),
        ("@", 14),
        ("LOADI", 2, 0),
        "loop:",
        ("JLE_I", 0, 2, "end"),
        ("@", 15),
        ("MOV_F", 4, 0),
        ("MOV_F", 5, 1),
        ("CALL", "infections", 4, 4),
        ("@", 16),
        ("SUB_F", 0, 0, 4),
        ("@", 17),
        ("ADD_F", 1, 1, 4),
        ("@", 18),
        ("ASTORE_F", 1, 2, 1),
        ("@", 19),
        ("JNLT_F", 2, 1, "next"),
        ("MOV_F", 2, 1),
        "next:",
        ("@", 14),
        ("ADDI_I", 2, 2, 1),
        ("JMP", "loop"),
        "end:",
        ("@", 21),
        ("HOST", 0),
        ("@", 22),
        ("RET_REC", 0),
    ], ret="record", frame_i=4, frame_f=6, line=10,
        vars=[("infected", "float[]", 1, 2, 21), ("s", "float", 0, 3, 21), ("i", "float", 1, 4, 21),
              ("peak", "float", 2, 5, 21), ("d", "int", 2, 10, 19)])
    return assemble(
        infections, check, main,
        kf=[0.3, 1000.0, 999.0, 1.0, 0.0], ki=[160],
        strings=["negative days"],
        hosts=[[PrintItem(type="str", text="peak"), PrintItem(type="float", reg=2)]],
        records=[[RecordField(name="peak", type="float", bank="f", reg=2),
                  RecordField(name="infected", type="float[]", bank="i", reg=1)]],
        params=[ParamInfo(name="beta", type="float", default=0.3, lo=0.0, hi=5.0, slot=0, line=2, col=7),
                ParamInfo(name="days", type="int", default=160, lo=1, hi=100000, slot=0, line=3, col=7)],
        uses=[UseInfo(name="stats", constraint=">=1.0", alias="st", line=1, col=1)],
        name="sir", version="1.2.0", file="sir.mvm", source=SIR_SOURCE if source else None)
