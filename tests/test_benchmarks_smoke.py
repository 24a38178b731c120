"""The benchmark harness runs end to end at quick sizes and mvm agrees with CPython on every workload.

Speed is judged by ``python -m benchmarks`` itself (medians and ratios in one run), never here.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_quick_benchmark_run_completes_with_identical_results():
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--repeat", "1", "--no-peers",
                          "--no-startup"], cwd=ROOT, capture_output=True, text=True, timeout=600, env=env)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "PASS  results: mvm and CPython give identical results on all 4 workloads" in out.stdout
