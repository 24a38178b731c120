"""The interpreter is derived from the opcode table: one body per opcode, nothing else."""

import re

from mvm.bytecode import opcodes
from mvm.vm import interp, kernels, layout


def test_bodies_match_opcode_table_exactly():
    assert interp.implemented_opcodes() == set(opcodes.BY_NAME)


def test_generated_source_has_one_branch_per_opcode_in_order():
    src = interp.generate_source()
    arms = re.findall(r"^        (?:if|elif) op == (\d+):  # (\w+)", src, flags=re.M)
    assert [(int(c), n) for c, n in arms] == [(op.code, op.name) for op in opcodes.OPCODES]


def test_generated_source_includes_layout_constants_and_kernels():
    src = interp.generate_source()
    for name, value in layout.int_constants().items():
        assert f"\n{name} = {value!r}\n" in src
    assert "def sfc64_next" in src and "def math1" in src


def test_math1_order_matches_table():
    assert kernels.MATH1_ORDER == tuple(opcodes.MATH1)


def test_generated_file_is_named_by_content_and_stable(tmp_path, monkeypatch):
    monkeypatch.setenv("MVM_CACHE_DIR", str(tmp_path))
    p1 = interp.generated_path()
    mtime = p1.stat().st_mtime_ns
    p2 = interp.generated_path()
    assert p1 == p2 and p1.parent.parent == tmp_path
    assert p2.stat().st_mtime_ns == mtime  # not rewritten: Numba's cache index keys on the mtime
    assert p1.read_text() == interp.generate_source()


def test_cache_dir_falls_back_when_unwritable(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    monkeypatch.setenv("MVM_CACHE_DIR", str(blocked / "sub"))
    d = interp.cache_dir()
    assert d.is_dir() and d != blocked / "sub"
