"""Value types of the language and the builtin function table.

Input: nothing. Output: type names (strings such as ``"int"`` or ``"float[,]"``), helpers over them, and
``BUILTINS``, the names the checker and the lowering treat as builtins.
"""

from __future__ import annotations

INT, FLOAT, BOOL, VOID, STR = "int", "float", "bool", "void", "str"
NUMERIC = (INT, FLOAT)
ARRAY_TYPES = ("float[]", "int[]", "float[,]", "int[,]")


def is_array(t: str) -> bool:
    """Whether ``t`` is an array type."""
    return t in ARRAY_TYPES


def elem_of(t: str) -> str:
    """Element type of array type ``t``."""
    return t.split("[", 1)[0]


def ndim_of(t: str) -> int:
    """Number of dimensions of array type ``t``."""
    return 2 if t.endswith("[,]") else 1


def assignable(dst: str, src: str) -> bool:
    """Whether a value of type ``src`` may be stored where ``dst`` is expected (int widens to float)."""
    return dst == src or (dst == FLOAT and src == INT)


MATH1 = ("sqrt", "exp", "log", "log10", "sin", "cos", "tan", "asin", "acos", "atan",
         "sinh", "cosh", "tanh", "floor", "ceil")
BUILTINS = frozenset(MATH1 + ("abs", "atan2", "pow", "min", "max", "len", "rows", "cols", "copy", "fill",
                              "sum", "rand", "randn", "randint", "print"))
