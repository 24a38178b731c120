"""Hand-assembled programs shared by the VM tests, with their expected results computed in Python."""

from __future__ import annotations

import numpy as np
from vmasm import Fn, PrintItem, RecordField, assemble
from vmref import PySFC64

SOURCE = "\n".join(f"line {k} of the model" for k in range(1, 200))


def mixed_program(n: int = 40):
    """Loop of rand draws through a float call into an array, prints, sum, randint, randn; record result.

    main: I0 n, I1 arr, I2 i, I3 k, I5 lo, I6 hi; F0 x, F2 s, F3 arg/result of g, F4 z."""
    main = Fn("main", [
        ("LOADI", 0, n),
        ("NEW_F", 1, 0),
        ("LOADI", 2, 0),
        "top:",
        ("RAND", 0),
        ("MOV_F", 3, 0),
        ("CALL", "g", 7, 3),
        ("ASTORE_F", 1, 2, 3),
        ("HOST", 0),
        ("ADDI_I", 2, 2, 1),
        ("JLT_I", 2, 0, "top"),
        ("SUM_F", 2, 1),
        ("LOADI", 5, 0),
        ("LOADI", 6, 100),
        ("RANDINT", 3, 5, 6),
        ("RANDN", 4),
        ("RET_REC", 0),
    ], ret="record", frame_i=8, frame_f=6, line=20,
        vars=[("n", "int", 0, 1, 17), ("arr", "float[]", 1, 2, 17), ("i", "int", 2, 3, 17)])
    g = Fn("g", [("MUL_F", 1, 0, 0), ("ADDK_F", 0, 1, 0), ("RET_F", 0)], params=[("x", "float")],
           ret="float", frame_i=0, frame_f=2, line=10, vars=[("x", "float", 0, 0, 3)])
    hosts = [(PrintItem(type="str", text="i ="), PrintItem(type="int", reg=2), PrintItem(type="float", reg=3))]
    record = [RecordField(name="s", type="float", bank="f", reg=2),
              RecordField(name="k", type="int", bank="i", reg=3),
              RecordField(name="arr", type="float[]", bank="i", reg=1),
              RecordField(name="z", type="float", bank="f", reg=4)]
    return assemble([main, g], kf=[1.0], hosts=hosts, records=[record], source=SOURCE)


def mixed_expected(seed: int, n: int = 40):
    """What ``mixed_program`` returns and prints, computed with numpy and the documented algorithms."""
    py = PySFC64(seed)
    arr = []
    lines = []
    for i in range(n):
        x = py.rand()
        y = x * x + 1.0
        arr.append(y)
        lines.append(f"i = {i} {y!r}")
    s = 0.0
    for v in arr:
        s += v
    k = py.randint(0, 100)
    z = py.randn()
    return {"s": s, "k": k, "arr": np.array(arr), "z": z}, lines


def loop_program(n: int):
    """``main`` counts I0 from 0 to n with two instructions per iteration; returns I0."""
    return assemble([Fn("main", [("LOADI", 0, 0), ("LOADI", 1, n), "top:", ("ADDI_I", 0, 0, 1),
                                 ("JLT_I", 0, 1, "top"), ("RET_I", 0)], ret="int", frame_i=2, frame_f=0,
                                lines=[1, 1, 2, 2, 3])], source=SOURCE)


def spin_program():
    """``main`` loops forever."""
    return assemble([Fn("main", [("LOADI", 0, 0), "top:", ("ADDI_I", 0, 0, 1), ("JMP", "top"), ("RET_I", 0)],
                        ret="int", frame_i=1, frame_f=0)], source=SOURCE)
