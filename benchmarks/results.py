"""Result records of a benchmark session, and their JSON form.

Input: filled in by ``benchmarks.cli``. Output: ``to_json`` gives the raw numbers (every run's seconds).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from benchmarks.timing import geomean, median, ratio


@dataclasses.dataclass
class ToolTimes:
    """One tool on one workload: the warm-up and the timed runs in seconds, or why it has none."""

    warmup_s: float | None = None
    times: list[float] = dataclasses.field(default_factory=list)
    error: str | None = None
    cpu_times: list[float] = dataclasses.field(default_factory=list)  # in-process tools only

    @property
    def median_s(self) -> float | None:
        """Median of the timed runs."""
        return median(self.times)

    @property
    def median_cpu_s(self) -> float | None:
        """Median process CPU time of the timed runs (None for peers, which report one clock)."""
        return median(self.cpu_times)


@dataclasses.dataclass
class WorkloadResult:
    """Everything measured for one workload."""

    name: str
    size: str
    params: dict[str, Any]
    cpython: ToolTimes
    mvm: ToolTimes
    compile_s: float | None = None
    mvm_check: str | None = None            # None: identical to CPython; else what differs
    peers: dict[str, ToolTimes] = dataclasses.field(default_factory=dict)
    peer_checks: dict[str, str | None] = dataclasses.field(default_factory=dict)
    summary: dict[str, Any] = dataclasses.field(default_factory=dict)

    def speedup(self, tool: str, cpu: bool = False) -> float | None:
        """CPython median / ``tool`` median (``tool`` is "mvm" or a peer name); by CPU time if ``cpu``."""
        times = self.mvm if tool == "mvm" else self.peers.get(tool)
        if times is None:
            return None
        if cpu:
            return ratio(self.cpython.median_cpu_s, times.median_cpu_s)
        return ratio(self.cpython.median_s, times.median_s)


def geomean_speedup(results: list[WorkloadResult], tool: str, cpu: bool = False) -> tuple[float | None, int]:
    """Geometric mean of ``tool``'s speedups over CPython, and over how many workloads it was taken."""
    values = [s for s in (r.speedup(tool, cpu) for r in results) if s is not None]
    return geomean(values), len(values)


def _times(t: ToolTimes) -> dict[str, Any]:
    out = {"warmup_s": t.warmup_s, "times_s": t.times, "median_s": t.median_s, "error": t.error}
    if t.cpu_times:
        out.update(cpu_times_s=t.cpu_times, median_cpu_s=t.median_cpu_s)
    return out


def to_json(meta: dict[str, Any], results: list[WorkloadResult], peer_names: list[str],
            startup: Any, verdicts: list[dict[str, Any]]) -> dict[str, Any]:
    """The raw numbers of a session as a JSON-ready dict."""
    tools = ["mvm", *peer_names]
    return {
        "meta": meta,
        "workloads": [
            {
                "name": r.name,
                "params": r.params,
                "size": r.size,
                "compile_s": r.compile_s,
                "cpython": _times(r.cpython),
                "mvm": _times(r.mvm),
                "peers": {name: _times(t) for name, t in r.peers.items()},
                "speedup_vs_cpython": {tool: r.speedup(tool) for tool in tools},
                "mvm_speedup_vs_cpython_by_cpu_time": r.speedup("mvm", cpu=True),
                "mvm_matches_cpython": r.mvm_check is None and r.mvm.error is None,
                "mvm_mismatch": r.mvm_check,
                "peer_mismatch": r.peer_checks,
                "summary": r.summary,
            }
            for r in results
        ],
        "geomean_speedup_vs_cpython": {tool: geomean_speedup(results, tool)[0] for tool in tools},
        "mvm_geomean_speedup_vs_cpython_by_cpu_time": geomean_speedup(results, "mvm", cpu=True)[0],
        "startup": None if startup is None else {
            "command": startup.command, "warmup_s": startup.warmup_s, "times_s": startup.times,
            "median_s": startup.median_s, "cpu_times_s": startup.cpu_times,
            "median_cpu_s": startup.median_cpu_s, "error": startup.error,
        },
        "verdicts": verdicts,
    }
