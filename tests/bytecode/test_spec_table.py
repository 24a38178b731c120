"""spec/bytecode.md holds exactly the generated opcode table and verifier rules, and documents the VM's
statuses and trap codes with their values."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mvm.bytecode import opcodes as O
from mvm.bytecode import spec_table
from mvm.bytecode.verify import RULES

# the repository's copy (the package may be imported from an installed copy elsewhere)
SPEC_FILE = Path(__file__).resolve().parents[2] / "spec" / "bytecode.md"
SPEC = SPEC_FILE.read_text(encoding="utf-8")


def _between(text: str, markers: tuple[str, str]) -> str:
    begin, end = markers
    assert text.count(begin) == 1 and text.count(end) == 1
    return text[text.index(begin) + len(begin) + 1:text.index(end)]


def test_opcode_table_is_current():
    assert _between(SPEC, spec_table.OPCODE_MARKERS) == spec_table.opcode_table_markdown()


def test_rules_table_is_current():
    assert _between(SPEC, spec_table.RULE_MARKERS) == spec_table.rules_table_markdown()


def test_check_command_agrees():
    assert spec_table.render_spec(SPEC) == SPEC
    if spec_table.SPEC_PATH == SPEC_FILE:
        assert spec_table.main(["--check"]) == 0


def test_table_rows_follow_the_opcode_table():
    rows = spec_table.opcode_table_markdown().splitlines()[2:]
    assert len(rows) == len(O.OPCODES)
    for row, op in zip(rows, O.OPCODES):
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", row)[1:-1]]
        assert cells[0] == str(op.code) and cells[1] == f"`{op.name}`"
        assert cells[2].replace("`", "").split() == list(op.operands)
        assert cells[3] == op.flow
        assert cells[4].replace("\\*", "*").replace("\\|", "|") == op.effect
    for rule in RULES:
        assert f"| `{rule}` |" in SPEC


def test_render_refuses_a_spec_without_markers():
    with pytest.raises(ValueError):
        spec_table.render_spec("# no markers\n")


def test_statuses_and_traps_documented():
    layout = pytest.importorskip("mvm.vm.layout")
    names = {k: v for k, v in vars(layout).items()
             if type(v) is int and (k.startswith("S_") or k.startswith("TRAP_"))}
    assert names
    for name, value in names.items():
        assert re.search(rf"\| `{name}` \| {value} \|", SPEC), f"{name} = {value} missing from spec/bytecode.md"
