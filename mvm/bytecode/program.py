"""``Program``: what the compiler hands to the runtime.

Input: produced by ``mvm.bytecode.codegen`` (or read back from ``.mvmc`` bytes by ``mvm.bytecode.mvmc``).
Output: code arrays, constant pools, the function table and the debug info the VM, the verifier, the
disassembler and the debugger read. Nothing in it refers to the AST or the IR.

Conventions the VM relies on:
- ``code`` is int32 ``(n, 4)``: ``op, a, b, c``. All functions share it; a function owns ``[entry, end)``.
- ``lines``/``cols`` are int32 ``(n,)``, parallel to ``code``: the source position of each instruction.
- A function's parameters are its first registers, numbered per bank in declaration order: int, bool and
  array parameters take ``I[0], I[1], ...``, float parameters ``F[0], F[1], ...``. A result is returned
  in ``I[0]`` or ``F[0]`` of the callee frame, i.e. the caller's argument base register.
- Parameters of the model live in the constant pools: a float parameter in ``KF[slot]``, an int or bool
  parameter in ``KI[slot]``; the runtime writes the run's values there before it starts.
"""

from __future__ import annotations

import attrs
import numpy as np

# value types as they appear in debug info and metadata
SCALAR_TYPES = ("int", "float", "bool")
ARRAY_TYPES = ("float[]", "int[]", "float[,]", "int[,]")
VALUE_TYPES = SCALAR_TYPES + ARRAY_TYPES


def bank_of(type_name: str) -> str:
    """Register bank (``"f"`` or ``"i"``) holding a value of ``type_name``."""
    return "f" if type_name == "float" else "i"


@attrs.frozen(kw_only=True)
class VarInfo:
    """A named local: where it lives and over which pcs (``[start, end)``) it is in scope."""

    name: str
    type: str
    bank: str
    reg: int
    start: int
    end: int


@attrs.frozen(kw_only=True)
class FunctionInfo:
    """One function's entry in the function table plus its debug info."""

    name: str
    entry: int
    end: int
    param_names: tuple[str, ...]
    param_types: tuple[str, ...]
    param_regs: tuple[int, ...]          # register of each parameter in its bank
    ret_type: str | None                 # None: returns nothing; "record": returns RET_REC
    frame_i: int                         # int registers the frame needs (arguments of calls included)
    frame_f: int
    line: int
    col: int
    vars: tuple[VarInfo, ...] = ()

    @property
    def n_params_i(self) -> int:
        """How many parameters travel in the int bank."""
        return sum(1 for t in self.param_types if bank_of(t) == "i")

    @property
    def n_params_f(self) -> int:
        """How many parameters travel in the float bank."""
        return sum(1 for t in self.param_types if bank_of(t) == "f")


@attrs.frozen(kw_only=True)
class ParamInfo:
    """A model parameter: its type, default, optional inclusive range and constant-pool slot."""

    name: str
    type: str
    default: int | float | bool
    lo: int | float | None
    hi: int | float | None
    slot: int                            # index into KF (float) or KI (int, bool)
    line: int
    col: int


@attrs.frozen(kw_only=True)
class RecordField:
    """One field of a record result: name, type and the register (of the outermost frame) holding it."""

    name: str
    type: str
    bank: str
    reg: int


@attrs.frozen(kw_only=True)
class PrintItem:
    """One argument of a ``print`` host call: a literal string, or a register holding a value of ``type``."""

    type: str                            # "str" or a VALUE_TYPES entry
    reg: int = 0
    text: str = ""


@attrs.frozen(kw_only=True)
class UseInfo:
    """A ``use NAME [CONSTRAINT] [as ALIAS]`` line, kept for the loader."""

    name: str
    constraint: str | None
    alias: str | None
    line: int
    col: int


@attrs.frozen(kw_only=True, eq=False)
class Program:
    """A compiled model: code, constants, function table, tables for host calls and results, debug info."""

    name: str
    version: str | None
    file: str | None
    source: str | None
    code: np.ndarray                     # int32 (n, 4)
    lines: np.ndarray                    # int32 (n,)
    cols: np.ndarray                     # int32 (n,)
    kf: np.ndarray                       # float64 constants (float parameters included)
    ki: np.ndarray                       # int64 constants (int and bool parameters included)
    functions: tuple[FunctionInfo, ...]
    strings: tuple[str, ...]             # TRAP messages
    hosts: tuple[tuple[PrintItem, ...], ...]
    records: tuple[tuple[RecordField, ...], ...]
    params: tuple[ParamInfo, ...]
    uses: tuple[UseInfo, ...] = ()

    def function_index(self, name: str) -> int:
        """Index of the function called ``name``; ``KeyError`` if there is none."""
        for i, f in enumerate(self.functions):
            if f.name == name:
                return i
        raise KeyError(name)

    def function_at(self, pc: int) -> int:
        """Index of the function whose code contains ``pc`` (-1 if none)."""
        for i, f in enumerate(self.functions):
            if f.entry <= pc < f.end:
                return i
        return -1
