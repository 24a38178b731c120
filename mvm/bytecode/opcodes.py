"""The opcode table: every opcode declared once.

Input: nothing. Output: ``OPCODES`` (a tuple of ``Op`` in numbering order), ``BY_NAME`` and one module
constant per opcode (``ADD_I = 7`` ...). The interpreter, the verifier, the disassembler and the table in
``spec/bytecode.md`` are all derived from this table (a test checks each of them against it).

An instruction is one row ``(op, a, b, c)`` of an int32 array. Operand kinds:

=======  =====================================================================================
``_``    unused, must be 0
``ri``   register of the int bank (int64: ints, bools as 0/1, array handles)
``rf``   register of the float bank (float64)
``ki``   index into the int constant pool ``KI``
``kf``   index into the float constant pool ``KF``
``imm``  signed 32-bit immediate
``pc``   absolute jump target, inside the same function
``fn``   function index
``str``  index into the string table (trap messages)
``host`` index into the host-call table (``print`` descriptors)
``rec``  index into the record table (``main`` results)
``m1``   math function id, an index into ``MATH1``
``ri2``  a pair of int registers ``a`` and ``a + 1`` (a for loop's variable and its last start)
``ab``   argument base of a call: a register index of the caller frame (int bank for ``b``,
         float bank for ``c``); the callee's frame starts there, so arguments are its first registers
=======  =====================================================================================

Effects use Lua's register notation: ``I[a]``/``F[a]`` are registers of the current frame, ``KI[b]``
and ``KF[b]`` constants, ``H[h][i]`` element ``i`` of the heap array with handle ``h``.
"""

from __future__ import annotations

import attrs

# flow: how control leaves the instruction (the verifier walks paths with it)
NEXT, JUMP, COND, RETURN, TRAP = "next", "jump", "cond", "return", "trap"


@attrs.frozen
class Op:
    """One opcode: its name, number, operand kinds, control flow and effect in register notation."""

    name: str
    code: int
    operands: tuple[str, str, str]
    flow: str
    effect: str
    group: str


# math functions of MATH_F, in id order (the id is the c operand)
MATH1 = ("sqrt", "exp", "log", "log10", "sin", "cos", "tan", "asin", "acos", "atan",
         "sinh", "cosh", "tanh", "abs", "floor", "ceil")

_T: list[tuple[str, str, str, str, str, str, str]] = [
    # name, a, b, c, flow, effect, group
    ("MOV_I", "ri", "ri", "_", NEXT, "I[a] := I[b]", "move"),
    ("MOV_F", "rf", "rf", "_", NEXT, "F[a] := F[b]", "move"),
    ("LOADI", "ri", "imm", "_", NEXT, "I[a] := b", "move"),
    ("LOADK_I", "ri", "ki", "_", NEXT, "I[a] := KI[b]", "move"),
    ("LOADK_F", "rf", "kf", "_", NEXT, "F[a] := KF[b]", "move"),
    ("I2F", "rf", "ri", "_", NEXT, "F[a] := float(I[b])", "convert"),
    ("F2I", "ri", "rf", "_", NEXT, "I[a] := trunc(F[b]); traps on nan, inf or out of int64 range", "convert"),

    ("ADD_I", "ri", "ri", "ri", NEXT, "I[a] := I[b] + I[c] (wraps)", "int"),
    ("SUB_I", "ri", "ri", "ri", NEXT, "I[a] := I[b] - I[c] (wraps)", "int"),
    ("MUL_I", "ri", "ri", "ri", NEXT, "I[a] := I[b] * I[c] (wraps)", "int"),
    ("FLOORDIV_I", "ri", "ri", "ri", NEXT, "I[a] := floor(I[b] / I[c]); traps when I[c] == 0", "int"),
    ("MOD_I", "ri", "ri", "ri", NEXT, "I[a] := I[b] - I[c] * floor(I[b] / I[c]); traps when I[c] == 0", "int"),
    ("POW_I", "ri", "ri", "ri", NEXT, "I[a] := I[b] ** I[c] (wraps); traps when I[c] < 0", "int"),
    ("NEG_I", "ri", "ri", "_", NEXT, "I[a] := -I[b] (wraps)", "int"),
    ("ADDI_I", "ri", "ri", "imm", NEXT, "I[a] := I[b] + c", "int"),
    ("MULI_I", "ri", "ri", "imm", NEXT, "I[a] := I[b] * c", "int"),
    ("MIN_I", "ri", "ri", "ri", NEXT, "I[a] := min(I[b], I[c])", "int"),
    ("MAX_I", "ri", "ri", "ri", NEXT, "I[a] := max(I[b], I[c])", "int"),
    ("ABS_I", "ri", "ri", "_", NEXT, "I[a] := abs(I[b]) (wraps)", "int"),

    ("ADD_F", "rf", "rf", "rf", NEXT, "F[a] := F[b] + F[c]", "float"),
    ("SUB_F", "rf", "rf", "rf", NEXT, "F[a] := F[b] - F[c]", "float"),
    ("MUL_F", "rf", "rf", "rf", NEXT, "F[a] := F[b] * F[c]", "float"),
    ("DIV_F", "rf", "rf", "rf", NEXT, "F[a] := F[b] / F[c] (IEEE 754: x/0 is inf or nan)", "float"),
    ("FLOORDIV_F", "rf", "rf", "rf", NEXT, "F[a] := floor division with Python's rounding; x//0 is inf or nan", "float"),
    ("MOD_F", "rf", "rf", "rf", NEXT, "F[a] := floor modulo with Python's sign rule; x%0 is nan", "float"),
    ("POW_F", "rf", "rf", "rf", NEXT, "F[a] := pow(F[b], F[c]) (C pow: nan for a negative base and fractional exponent)", "float"),
    ("NEG_F", "rf", "rf", "_", NEXT, "F[a] := -F[b]", "float"),
    ("MIN_F", "rf", "rf", "rf", NEXT, "F[a] := F[c] if F[c] < F[b] else F[b]", "float"),
    ("MAX_F", "rf", "rf", "rf", NEXT, "F[a] := F[c] if F[c] > F[b] else F[b]", "float"),
    ("ATAN2_F", "rf", "rf", "rf", NEXT, "F[a] := atan2(F[b], F[c])", "float"),
    ("ADDK_F", "rf", "rf", "kf", NEXT, "F[a] := F[b] + KF[c]", "float"),
    ("SUBK_F", "rf", "rf", "kf", NEXT, "F[a] := F[b] - KF[c]", "float"),
    ("MULK_F", "rf", "rf", "kf", NEXT, "F[a] := F[b] * KF[c]", "float"),
    ("DIVK_F", "rf", "rf", "kf", NEXT, "F[a] := F[b] / KF[c]", "float"),
    ("KSUB_F", "rf", "rf", "kf", NEXT, "F[a] := KF[c] - F[b]", "float"),
    ("KDIV_F", "rf", "rf", "kf", NEXT, "F[a] := KF[c] / F[b]", "float"),
    ("MATH_F", "rf", "rf", "m1", NEXT, "F[a] := MATH1[c](F[b]) (IEEE: nan outside the domain)", "float"),

    ("LT_I", "ri", "ri", "ri", NEXT, "I[a] := I[b] < I[c]", "compare"),
    ("LE_I", "ri", "ri", "ri", NEXT, "I[a] := I[b] <= I[c]", "compare"),
    ("EQ_I", "ri", "ri", "ri", NEXT, "I[a] := I[b] == I[c]", "compare"),
    ("NE_I", "ri", "ri", "ri", NEXT, "I[a] := I[b] != I[c]", "compare"),
    ("LT_F", "ri", "rf", "rf", NEXT, "I[a] := F[b] < F[c]", "compare"),
    ("LE_F", "ri", "rf", "rf", NEXT, "I[a] := F[b] <= F[c]", "compare"),
    ("EQ_F", "ri", "rf", "rf", NEXT, "I[a] := F[b] == F[c]", "compare"),
    ("NE_F", "ri", "rf", "rf", NEXT, "I[a] := F[b] != F[c]", "compare"),
    ("NOT", "ri", "ri", "_", NEXT, "I[a] := 1 - I[b] (bools are 0 or 1)", "compare"),

    ("JMP", "pc", "_", "_", JUMP, "pc := a", "branch"),
    ("JT", "ri", "pc", "_", COND, "if I[a] != 0: pc := b", "branch"),
    ("JF", "ri", "pc", "_", COND, "if I[a] == 0: pc := b", "branch"),
    ("JLT_I", "ri", "ri", "pc", COND, "if I[a] < I[b]: pc := c", "branch"),
    ("JLE_I", "ri", "ri", "pc", COND, "if I[a] <= I[b]: pc := c", "branch"),
    ("JEQ_I", "ri", "ri", "pc", COND, "if I[a] == I[b]: pc := c", "branch"),
    ("JNE_I", "ri", "ri", "pc", COND, "if I[a] != I[b]: pc := c", "branch"),
    ("JLTI_I", "ri", "imm", "pc", COND, "if I[a] < b: pc := c", "branch"),
    ("JLEI_I", "ri", "imm", "pc", COND, "if I[a] <= b: pc := c", "branch"),
    ("JGTI_I", "ri", "imm", "pc", COND, "if I[a] > b: pc := c", "branch"),
    ("JGEI_I", "ri", "imm", "pc", COND, "if I[a] >= b: pc := c", "branch"),
    ("JEQI_I", "ri", "imm", "pc", COND, "if I[a] == b: pc := c", "branch"),
    ("JNEI_I", "ri", "imm", "pc", COND, "if I[a] != b: pc := c", "branch"),
    ("JLT_F", "rf", "rf", "pc", COND, "if F[a] < F[b]: pc := c", "branch"),
    ("JLE_F", "rf", "rf", "pc", COND, "if F[a] <= F[b]: pc := c", "branch"),
    ("JEQ_F", "rf", "rf", "pc", COND, "if F[a] == F[b]: pc := c", "branch"),
    ("JNLT_F", "rf", "rf", "pc", COND, "if not F[a] < F[b]: pc := c (taken on nan)", "branch"),
    ("JNLE_F", "rf", "rf", "pc", COND, "if not F[a] <= F[b]: pc := c (taken on nan)", "branch"),
    ("JNEQ_F", "rf", "rf", "pc", COND, "if not F[a] == F[b]: pc := c (taken on nan)", "branch"),

    ("NEW_F", "ri", "ri", "_", NEXT, "I[a] := new float array of length I[b]; traps when I[b] < 0", "array"),
    ("NEW_I", "ri", "ri", "_", NEXT, "I[a] := new int array of length I[b]; traps when I[b] < 0", "array"),
    ("NEW2_F", "ri", "ri", "ri", NEXT, "I[a] := new float array of I[b] rows and I[c] columns", "array"),
    ("NEW2_I", "ri", "ri", "ri", NEXT, "I[a] := new int array of I[b] rows and I[c] columns", "array"),
    ("ALOAD_F", "rf", "ri", "ri", NEXT, "F[a] := H[I[b]][I[c]]; traps out of bounds", "array"),
    ("ALOAD_I", "ri", "ri", "ri", NEXT, "I[a] := H[I[b]][I[c]]; traps out of bounds", "array"),
    ("ASTORE_F", "ri", "ri", "rf", NEXT, "H[I[a]][I[b]] := F[c]; traps out of bounds", "array"),
    ("ASTORE_I", "ri", "ri", "ri", NEXT, "H[I[a]][I[b]] := I[c]; traps out of bounds", "array"),
    ("IDX2", "ri", "ri", "ri", NEXT, "I[a] := I[a] * cols(I[b]) + I[c]; traps unless 0 <= I[a] < rows and 0 <= I[c] < cols", "array"),
    ("LEN", "ri", "ri", "_", NEXT, "I[a] := length of 1-D array I[b], rows of a 2-D one", "array"),
    ("ROWS", "ri", "ri", "_", NEXT, "I[a] := rows(I[b]) (a 1-D array has its length as rows)", "array"),
    ("COLS", "ri", "ri", "_", NEXT, "I[a] := cols(I[b]) (a 1-D array has 1 column)", "array"),
    ("COPY", "ri", "ri", "_", NEXT, "I[a] := new array, a copy of I[b]", "array"),
    ("FILL_F", "ri", "rf", "_", NEXT, "every element of H[I[a]] := F[b]", "array"),
    ("FILL_I", "ri", "ri", "_", NEXT, "every element of H[I[a]] := I[b]", "array"),
    ("SUM_F", "rf", "ri", "_", NEXT, "F[a] := sum of H[I[b]], left to right", "array"),
    ("SUM_I", "ri", "ri", "_", NEXT, "I[a] := sum of H[I[b]] (wraps)", "array"),

    ("RAND", "rf", "_", "_", NEXT, "F[a] := (sfc64() >> 11) * 2**-53", "random"),
    ("RANDN", "rf", "_", "_", NEXT, "F[a] := standard normal by Box-Muller from two RAND draws", "random"),
    ("RANDINT", "ri", "ri", "ri", NEXT, "I[a] := uniform int in [I[b], I[c]) by rejection; traps when I[c] <= I[b]", "random"),

    ("CALL", "fn", "ab", "ab", NEXT, "push a frame for function a at int base b, float base c; its pc := entry", "call"),
    ("RET", "_", "_", "_", RETURN, "pop the frame (halt when it is the outermost)", "call"),
    ("RET_I", "ri", "_", "_", RETURN, "I[0] := I[a]; pop the frame (halt when outermost)", "call"),
    ("RET_F", "rf", "_", "_", RETURN, "F[0] := F[a]; pop the frame (halt when outermost)", "call"),
    ("RET_REC", "rec", "_", "_", RETURN, "halt with the record a (only in the outermost frame)", "call"),
    ("HOST", "host", "_", "_", NEXT, "return to the host for call a (print); resume at pc + 1", "call"),
    ("TRAP", "str", "_", "_", TRAP, "stop with the runtime error message STR[a]", "call"),

    # for loops: I[a] is the loop variable and I[a+1] the last value from which one more step stays
    # inside the range, so the step never overflows and each iteration costs one dispatch
    ("FORLIM_I", "ri", "ri", "imm", NEXT, "I[a] := I[b] - c, saturated to the int64 range", "loop"),
    ("FORLIMR_I", "ri", "ri", "ri", NEXT, "I[a] := I[b] - I[c], saturated to the int64 range", "loop"),
    ("FORUP_I", "ri2", "imm", "pc", COND, "if I[a] < I[a+1]: I[a] += b; pc := c", "loop"),
    ("FORDN_I", "ri2", "imm", "pc", COND, "if I[a] > I[a+1]: I[a] += b; pc := c", "loop"),
    ("FORSTEP_I", "ri2", "ri", "pc", COND,
     "if (I[b] > 0 and I[a] < I[a+1]) or (I[b] < 0 and I[a] > I[a+1]): I[a] += I[b]; pc := c", "loop"),
]

OPCODES: tuple[Op, ...] = tuple(
    Op(name=n, code=i, operands=(a, b, c), flow=f, effect=e, group=g)
    for i, (n, a, b, c, f, e, g) in enumerate(_T)
)
BY_NAME: dict[str, Op] = {op.name: op for op in OPCODES}
BY_CODE: dict[int, Op] = {op.code: op for op in OPCODES}

# one module constant per opcode, so that code can say ``opcodes.ADD_I``
globals().update({op.name: op.code for op in OPCODES})

OPERAND_KINDS = ("_", "ri", "ri2", "rf", "ki", "kf", "imm", "pc", "fn", "str", "host", "rec", "m1", "ab")
assert all(k in OPERAND_KINDS for op in OPCODES for k in op.operands)
