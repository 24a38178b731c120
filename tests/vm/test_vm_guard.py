"""The Numba guard: the LLVM 128-bit division reproducer must run (not segfault) with the guard installed."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

REPRODUCER = textwrap.dedent("""
    import mvm.numba_guard
    assert mvm.numba_guard.install()
    assert mvm.numba_guard.install()  # idempotent
    import numba

    @numba.njit
    def f(n):
        s = 0
        for i in range(2, 40):
            j = i * i
            while j <= n:
                s += j
                j += i
        return s

    print(f(1000))
""")


def test_reproducer_runs_with_guard(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
               NUMBA_CACHE_DIR=str(tmp_path))
    env.pop("NUMBA_DISABLE_JIT", None)
    env.pop("NUMBA_OPT", None)
    proc = subprocess.run([sys.executable, "-c", REPRODUCER], capture_output=True, text=True, env=env,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "1398535"


def test_vm_import_installs_guard():
    import llvmlite.binding as llvm

    import mvm.vm  # noqa: F401
    from mvm.numba_guard import HELPERS

    assert all(llvm.address_of_symbol(name) for name in HELPERS)
