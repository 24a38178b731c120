"""Loading the interpreter loop: a cache hit skips Numba's registries; a miss and later compiles get them all."""

import json
import os
import subprocess
import sys
from pathlib import Path

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


def test_cache_miss_compiles_fully_then_a_cache_hit_loads_without_the_registries(tmp_path):
    first = _run(tmp_path)          # empty cache: Numba compiles the loop, which needs every registry
    assert first["peak"] == 424.1772428476799 and first["total"] == 10.0
    assert not first["deferred"]
    second = _run(tmp_path)         # warm cache: machine code loads, registries wait until something compiles
    assert second["deferred"], "a cache hit should not load Numba's numpy registries"
    assert second["peak"] == 424.1772428476799
    assert second["total"] == 10.0 and second["loaded_after"]
