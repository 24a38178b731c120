"""Start-up measurement: wall time of ``python -m mvm run examples/sir.mvm`` as a fresh process.

Input: the repository root and a repeat count. Output: a ``Startup`` with every time, the median, or the
reason it could not be measured. One untimed run comes first so the Numba cache is warm.
"""

from __future__ import annotations

import dataclasses
import resource
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.timing import median

EXAMPLE = "examples/sir.mvm"
TIMEOUT_S = 300


@dataclasses.dataclass
class Startup:
    """Times of ``mvm run examples/sir.mvm`` (warm-up excluded), or why there are none."""

    command: list[str]
    warmup_s: float | None = None
    times: list[float] = dataclasses.field(default_factory=list)
    cpu_times: list[float] = dataclasses.field(default_factory=list)   # user + system of the child
    error: str | None = None

    @property
    def median_s(self) -> float | None:
        """Median wall time of the timed runs."""
        return median(self.times)

    @property
    def median_cpu_s(self) -> float | None:
        """Median CPU time (user + system) of the timed runs."""
        return median(self.cpu_times)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run_once(cmd: list[str], root: Path) -> tuple[float, float, subprocess.CompletedProcess]:
    c0 = _children_cpu()
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=root, capture_output=True, text=True, timeout=TIMEOUT_S)
    return time.perf_counter() - t0, _children_cpu() - c0, proc


def measure_startup(root: Path, repeat: int) -> Startup:
    """Run the example once untimed, then ``repeat`` times timed, each as a new process."""
    cmd = [sys.executable, "-m", "mvm", "run", EXAMPLE]
    result = Startup(command=["python", "-m", "mvm", "run", EXAMPLE])
    if not (root / EXAMPLE).exists():
        result.error = f"{EXAMPLE} does not exist"
        return result
    try:
        for k in range(repeat + 1):
            seconds, cpu, proc = _run_once(cmd, root)
            if proc.returncode != 0:
                tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
                result.error = f"exit status {proc.returncode}: {' | '.join(tail)}"
                return result
            if k == 0:
                result.warmup_s = seconds
            else:
                result.times.append(seconds)
                result.cpu_times.append(cpu)
    except (OSError, subprocess.TimeoutExpired) as exc:
        result.error = str(exc)
    return result
