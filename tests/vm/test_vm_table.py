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


def test_generated_loops_unused_for_a_month_are_deleted_with_their_numba_cache(tmp_path):
    import os
    import time
    folder = tmp_path / "interp"
    (folder / "__pycache__").mkdir(parents=True)
    current = folder / "mvm_interp_cur.py"
    old = folder / "mvm_interp_old.py"
    recent = folder / "mvm_interp_recent.py"
    for f in (current, old, recent):
        f.write_text("# generated\n")
        (folder / "__pycache__" / f"{f.stem}.run-460.py311.nbi").write_bytes(b"x")
        (folder / "__pycache__" / f"{f.stem}.run-460.py311.1.nbc").write_bytes(b"x")
    month_ago = time.time() - interp.STALE_AFTER_S - 60
    os.utime(old, (month_ago, month_ago))          # never marked as used: its own age counts
    os.utime(recent, (month_ago, month_ago))
    recent.with_suffix(".used").touch()            # old source, but used today
    interp._retire_stale(current)
    left = sorted(p.name for p in folder.rglob("*") if p.is_file())
    assert not any("old" in name for name in left)
    assert sum("recent" in name for name in left) == 4 and sum("cur" in name for name in left) == 4
    assert current.with_suffix(".used").exists()
    # cleaning runs at most once a day: a new stale file survives the next call
    stale = folder / "mvm_interp_later.py"
    stale.write_text("# generated\n")
    os.utime(stale, (month_ago, month_ago))
    interp._retire_stale(current)
    assert stale.exists()
