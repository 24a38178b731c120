"""Differential test: the generated interpreter run as plain Python (``NUMBA_DISABLE_JIT=1``) gives the same
results, bit for bit, as the compiled loop."""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

from vmasm import fib_program
from vmprograms import mixed_program

from mvm.vm import Machine

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

SCRIPT = """
import io, json, sys
sys.path.insert(0, {here!r})
import numba
assert numba.config.DISABLE_JIT
from vmasm import fib_program
from vmprograms import mixed_program
from mvm.vm import Machine
from test_vm_reference import summary
print(json.dumps(summary(mixed_program(12), fib_program(9))))
"""


def summary(mixed, fib) -> dict:
    """Results, printed text and instruction counts of two runs, with floats as hex (bit-exact)."""
    out = io.StringIO()
    m = Machine(mixed, seed=11, stdout=out)
    while m.run(steps=37) == "step":
        pass
    r = m.result()
    f = Machine(fib)
    f.run()
    return {"s": r["s"].hex(), "k": r["k"], "z": r["z"].hex(), "arr": [v.hex() for v in r["arr"].tolist()],
            "out": out.getvalue(), "n": m.instructions, "fib": f.result(), "fib_n": f.instructions}


def test_plain_python_tier_matches_compiled():
    env = dict(os.environ, NUMBA_DISABLE_JIT="1",
               PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-c", SCRIPT.format(here=str(HERE))], capture_output=True, text=True,
                          env=env, timeout=300, cwd=str(ROOT))
    assert proc.returncode == 0, proc.stderr
    assert "Warning" not in proc.stderr, proc.stderr
    assert json.loads(proc.stdout) == summary(mixed_program(12), fib_program(9))
