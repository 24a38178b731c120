"""The typed IR: functions of basic blocks over virtual registers.

Input: built by ``mvm.ir.lower``, rewritten by ``mvm.ir.passes``. Output: read by register allocation and
bytecode generation. Every instruction carries the ``Span`` it came from; ``format_function`` prints IR
for ``MVM_DUMP_AFTER``.

Instructions are three-address, typed by the bank (``"i"`` or ``"f"``) of their registers. Operands are
``VReg`` values, or after immediate selection ``ImmI`` (int immediate), ``ImmF`` (float constant) and
``ParamK`` (a float model parameter read straight from the constant pool).
"""

from __future__ import annotations

import attrs

from mvm.lang.ast import NOSPAN, Span

# operations without side effects that cannot trap: removed when their result is unused
PURE = frozenset({"const", "param", "forlim", "mov", "add", "sub", "mul", "div", "rsub", "rdiv", "neg", "min", "max", "abs", "atan2",
                  "i2f", "lt", "le", "eq", "ne", "not", "math", "len", "rows", "cols", "sum", "copy"})
# ...and these are pure only on floats (their int forms trap on a zero divisor or negative exponent)
PURE_IF_FLOAT = frozenset({"floordiv", "mod", "pow"})
TERMINATORS = frozenset({"jmp", "br", "brcmp", "forloop", "ret", "retrec", "trap"})


@attrs.define(eq=False)
class VReg:
    """A virtual register: a bank (``i``/``f``), a value type, and a name when it is a user variable."""

    id: int
    bank: str
    type: str
    name: str | None = None
    pinned: bool = False        # user variables and arguments keep one register for the whole function
    partner: "VReg | None" = None   # a register that must sit right after this one (FORUP_I's I[a+1])

    def __repr__(self) -> str:
        return f"%{self.name or ''}{self.bank}{self.id}"


@attrs.frozen
class ImmI:
    """An int immediate operand."""

    value: int

    def __repr__(self) -> str:
        return f"#{self.value}"


@attrs.frozen
class ImmF:
    """A float constant operand (lives in the float constant pool)."""

    value: float

    def __repr__(self) -> str:
        return f"#{self.value!r}"


@attrs.frozen
class ParamK:
    """A float model parameter used directly as a constant-pool operand."""

    slot: int
    name: str

    def __repr__(self) -> str:
        return f"${self.name}"


@attrs.define(eq=False)
class Instr:
    """One IR instruction. ``extra`` holds what is not a register: a constant, a callee, targets..."""

    op: str
    dst: VReg | None
    args: tuple
    span: Span = NOSPAN
    extra: object = None

    def __repr__(self) -> str:
        dst = f"{self.dst!r} = " if self.dst is not None else ""
        extra = f" [{_fmt_extra(self.extra)}]" if self.extra is not None else ""
        return f"{dst}{self.op} {', '.join(map(repr, self.args))}{extra}"


def _fmt_extra(extra) -> str:
    if isinstance(extra, Block):
        return f"b{extra.id}"
    if isinstance(extra, tuple):
        return " ".join(_fmt_extra(x) for x in extra)
    return repr(extra)


@attrs.define(eq=False)
class Block:
    """A basic block: straight-line instructions and one terminator."""

    id: int
    instrs: list = attrs.field(factory=list)
    term: Instr | None = None
    depth: int = 0          # loops around it; block layout keeps a loop's blocks in one run

    def successors(self) -> list["Block"]:
        """Blocks control may go to after this one."""
        t = self.term
        if t is None:
            return []
        if t.op == "jmp":
            return [t.extra]
        if t.op == "br":
            return list(t.extra)
        if t.op in ("brcmp", "forloop"):
            return [t.extra[1], t.extra[2]]
        return []


@attrs.define(eq=False)
class VarDecl:
    """A user variable: its register, type, the block (span) it is visible in and where it is declared."""

    name: str
    vreg: VReg
    type: str
    scope: Span
    decl: Span


@attrs.define(eq=False)
class Function:
    """An IR function: parameters (pinned registers), result type, blocks (entry first), variables."""

    name: str
    params: list
    ret: str                    # value type, "void" or "record"
    record: tuple               # ((name, type), ...) for "record"
    blocks: list
    vars: list
    span: Span
    next_id: int = 0

    def new_vreg(self, bank: str, type_: str, name: str | None = None, pinned: bool = False) -> VReg:
        """A fresh virtual register."""
        self.next_id += 1
        return VReg(self.next_id, bank, type_, name, pinned)


@attrs.define(eq=False)
class ParamDecl:
    """A model parameter: type, default, range and constant-pool slot (per bank)."""

    name: str
    type: str
    default: object
    lo: object
    hi: object
    slot: int
    span: Span


@attrs.define(eq=False)
class ModuleIR:
    """A lowered module."""

    name: str
    version: str | None
    file: str | None
    source: str
    functions: list
    params: list
    uses: list


def format_function(fn: Function) -> str:
    """Human-readable IR of one function."""
    lines = [f"fn {fn.name}({', '.join(map(repr, fn.params))}) -> {fn.ret}"]
    for b in fn.blocks:
        lines.append(f"  b{b.id}:")
        lines.extend(f"    {i!r}" for i in b.instrs)
        lines.append(f"    {b.term!r}")
    return "\n".join(lines)


def uses_of(instr: Instr) -> list[VReg]:
    """Virtual registers an instruction reads."""
    return [a for a in instr.args if isinstance(a, VReg)]


def verify_function(fn: Function) -> None:
    """Check IR invariants (terminators, targets, defined registers); raise AssertionError if broken."""
    blocks = set(map(id, fn.blocks))
    defined = {id(p) for p in fn.params}
    for b in fn.blocks:
        for i in b.instrs:
            assert i.op not in TERMINATORS, f"terminator {i!r} inside b{b.id}"
            if i.dst is not None:
                defined.add(id(i.dst))
        assert b.term is not None and b.term.op in TERMINATORS, f"b{b.id} has no terminator"
        for s in b.successors():
            assert id(s) in blocks, f"b{b.id} jumps to a removed block b{s.id}"
    for b in fn.blocks:
        for i in b.instrs + [b.term]:
            for u in uses_of(i):
                assert id(u) in defined, f"{u!r} used in {i!r} but never defined"
