"""Loading the interpreter loop: a cache hit skips Numba's registries, a miss and later compiles get them all, and
a damaged cache is replaced."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Runs in a fresh process: load the loop, run SIR, then compile an unrelated Numba function that needs the
# numpy registries (np.cumsum lives in numba.np.arraymath) and report what happened.
SCRIPT = r"""
import json, sys
import numpy as np
import mvm
from mvm.vm import interp
interp.get_interpreter()
deferred = "numba.np.arraymath" not in sys.modules
peak = mvm.load(sys.argv[1]).run(beta=0.4)["peak"]
import numba
@numba.njit
def running(a):
    return np.cumsum(a)[-1]
total = float(running(np.arange(5.0)))
print(json.dumps({"deferred": deferred, "peak": peak, "total": total,
                  "loaded_after": "numba.np.arraymath" in sys.modules}))
"""


def _run(cache_dir: Path) -> dict:
    env = {**os.environ, "MVM_CACHE_DIR": str(cache_dir)}
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(ROOT / "examples" / "sir.mvm")], env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """A cache directory filled by one cold run (Numba compiles the loop), and that run's report."""
    folder = tmp_path_factory.mktemp("mvm-cache")
    return folder, _run(folder)


def test_cache_miss_compiles_fully_then_a_cache_hit_loads_without_the_registries(cache):
    folder, first = cache           # empty cache: Numba compiled the loop, which needs every registry
    assert first["peak"] == 424.1772428476799 and first["total"] == 10.0
    assert not first["deferred"]
    second = _run(folder)           # warm cache: machine code loads, registries wait until something compiles
    assert second["deferred"], "a cache hit should not load Numba's numpy registries"
    assert second["peak"] == 424.1772428476799
    assert second["total"] == 10.0 and second["loaded_after"]


def test_a_damaged_cache_is_dropped_and_the_loop_compiled_again(cache):
    folder, _ = cache
    damaged = list((folder / "interp" / "__pycache__").glob("mvm_interp_*.run-*.nbc"))
    assert damaged
    for f in damaged:                   # as a crash or a full disk might leave them
        f.write_bytes(f.read_bytes()[:200])
    again = _run(folder)
    assert again["peak"] == 424.1772428476799 and again["total"] == 10.0
    assert _run(folder)["deferred"]     # and the fresh cache loads the fast way again
