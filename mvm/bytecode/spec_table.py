"""The generated parts of ``spec/bytecode.md``: the opcode table and the list of verifier rules.

Input: the opcode table (``mvm.bytecode.opcodes``) and ``mvm.bytecode.verify.RULES``. Output: markdown,
placed in the spec between ``<!-- opcode-table:begin -->`` / ``<!-- opcode-table:end -->`` and
``<!-- verifier-rules:begin -->`` / ``<!-- verifier-rules:end -->``. A test checks that the spec holds
exactly the generated text.

``python -m mvm.bytecode.spec_table`` prints the opcode table; ``--write`` rewrites the spec in place;
``--check`` exits with status 1 when the spec is stale.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mvm.bytecode import opcodes as O
from mvm.bytecode.verify import RULES

SPEC_PATH = Path(__file__).resolve().parents[2] / "spec" / "bytecode.md"

OPCODE_MARKERS = ("<!-- opcode-table:begin -->", "<!-- opcode-table:end -->")
RULE_MARKERS = ("<!-- verifier-rules:begin -->", "<!-- verifier-rules:end -->")


def _cell(text: str) -> str:
    # '|' would end the cell and '**' would turn into bold
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("*", "\\*")


def opcode_table_markdown() -> str:
    """The opcode table as a markdown table: code, name, operands (a b c), flow, effect."""
    rows = ["| code | name | operands | flow | effect |", "|---:|---|---|---|---|"]
    for op in O.OPCODES:
        operands = " ".join(f"`{k}`" for k in op.operands)
        rows.append(f"| {op.code} | `{op.name}` | {operands} | {op.flow} | {_cell(op.effect)} |")
    return "\n".join(rows) + "\n"


def rules_table_markdown() -> str:
    """The verifier rules (``verify.RULES``) as a markdown table: rule name and what it requires."""
    rows = ["| rule | requires |", "|---|---|"]
    rows.extend(f"| `{name}` | {_cell(text)} |" for name, text in RULES.items())
    return "\n".join(rows) + "\n"


def _replace_between(text: str, markers: tuple[str, str], body: str) -> str:
    begin, end = markers
    i, j = text.find(begin), text.find(end)
    if i < 0 or j < i:
        raise ValueError(f"the spec lacks the markers {begin} ... {end}")
    return text[: i + len(begin)] + "\n" + body + text[j:]


def render_spec(text: str) -> str:
    """``text`` (the spec) with both generated sections replaced by the current tables."""
    text = _replace_between(text, OPCODE_MARKERS, opcode_table_markdown())
    return _replace_between(text, RULE_MARKERS, rules_table_markdown())


def main(argv: list[str] | None = None) -> int:
    """Command line: print the table, ``--write`` the spec, or ``--check`` that it is current."""
    args = sys.argv[1:] if argv is None else argv
    if "--write" in args or "--check" in args:
        old = SPEC_PATH.read_text(encoding="utf-8")
        new = render_spec(old)
        if "--check" in args:
            if new != old:
                print(f"{SPEC_PATH} is stale; run python -m mvm.bytecode.spec_table --write", file=sys.stderr)
                return 1
            return 0
        if new != old:
            SPEC_PATH.write_text(new, encoding="utf-8")
        return 0
    sys.stdout.write(opcode_table_markdown())
    return 0


if __name__ == "__main__":
    sys.exit(main())
