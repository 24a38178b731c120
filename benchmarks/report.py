"""The printed report: one table of median times and speedups, then PASS/FAIL lines.

Input: ``WorkloadResult``s, the peers' names, the start-up measurement and the targets. Output: text.
"""

from __future__ import annotations

from typing import Any

from benchmarks.results import WorkloadResult, geomean_speedup

SPEEDUP_TARGET = 3.0     # issue 2: the interpreter at least 3x faster than CPython on the geometric mean
STARTUP_TARGET_S = 1.5   # issue 2: `mvm run examples/sir.mvm` under 1.5 s wall with a warm Numba cache


def fmt_ms(seconds: float | None) -> str:
    """Milliseconds with about three significant digits; "-" when missing."""
    if seconds is None:
        return "-"
    ms = seconds * 1e3
    if ms >= 100:
        return f"{ms:.0f}"
    if ms >= 10:
        return f"{ms:.1f}"
    return f"{ms:.2f}"


def fmt_x(value: float | None) -> str:
    """A speedup factor like "3.42x"; "-" when missing."""
    if value is None:
        return "-"
    return f"{value:.2f}x" if value < 100 else f"{value:.0f}x"


def _table(rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for k, row in enumerate(rows):
        cells = [cell.rjust(w) if i in right else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths))]
        lines.append("  ".join(cells).rstrip())
        if k == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def check_cell(r: WorkloadResult) -> str:
    """"ok" when mvm and every peer agree with CPython exactly; else what failed."""
    if r.cpython.error:
        return "CPYTHON FAILED"
    if r.mvm.error:
        return "MVM FAILED"
    if r.mvm_check:
        return "MISMATCH"
    bad = [name for name, diff in r.peer_checks.items() if diff]
    return f"ok (peer differs: {', '.join(bad)})" if bad else "ok"


def render(results: list[WorkloadResult], peer_names: list[str], startup: Any,
           mvm_setup: str | None) -> list[str]:
    """The table: per workload median times (ms), mvm's speedup, peers' times, check; then geomeans."""
    header = ["workload", "size", "compile ms", "CPython ms", "mvm ms", "mvm speedup",
              *[f"{p} ms" for p in peer_names], "check"]
    rows = [header]
    for r in results:
        rows.append([r.name, r.size, fmt_ms(r.compile_s), fmt_ms(r.cpython.median_s),
                     "error" if r.mvm.error else fmt_ms(r.mvm.median_s), fmt_x(r.speedup("mvm")),
                     *["error" if (t := r.peers.get(p)) is not None and t.error else
                       fmt_ms(t.median_s if t else None) for p in peer_names],
                     check_cell(r)])
    mvm_gm, _ = geomean_speedup(results, "mvm")
    rows.append(["geomean", "speedup vs CPython", "", "1.00x", "", fmt_x(mvm_gm),
                 *[fmt_x(geomean_speedup(results, p)[0]) for p in peer_names], ""])
    lines = _table(rows, right={2, 3, 4, 5, *range(6, 6 + len(peer_names))})
    lines.insert(len(lines) - 1, "-" * len(lines[1]))
    if startup is not None:
        if startup.error:
            lines.append(f"startup: `{' '.join(startup.command)}`: not measured ({startup.error})")
        else:
            lines.append(f"startup: `{' '.join(startup.command)}`: median {startup.median_s:.3f} s wall "
                         f"({startup.median_cpu_s:.3f} s CPU) over {len(startup.times)} run(s), warm-up run "
                         f"{startup.warmup_s:.3f} s (target < {STARTUP_TARGET_S} s wall)")
    cpu_gm, cpu_n = geomean_speedup(results, "mvm", cpu=True)
    if cpu_gm is not None:
        lines.append(f"mvm geomean speedup by process CPU time instead of wall time: {fmt_x(cpu_gm)} "
                     f"(over {cpu_n} workloads; less sensitive to other processes on the machine)")
    if mvm_setup:
        lines.append(mvm_setup)
    return lines


def load_note(load_start: float | None, load_end: float | None, cpus: int | None) -> str | None:
    """A warning when the machine was busy (1-minute load average above 3/4 of the cores)."""
    loads = [x for x in (load_start, load_end) if x is not None]
    if not loads or not cpus or max(loads) <= 0.75 * cpus:
        return None
    return (f"note: the machine was busy (1-minute load average {max(loads):.2f} on {cpus} cpus): other "
            f"processes competed for the CPU, so wall times are inflated and noisy; compare the CPU-time line")


def details(results: list[WorkloadResult]) -> list[str]:
    """Loud lines for every failure and mismatch (empty when everything agreed)."""
    lines = []
    for r in results:
        if r.cpython.error:
            lines.append(f"!!! {r.name}: CPython twin failed: {r.cpython.error}")
        if r.mvm.error:
            lines.append(f"!!! {r.name}: mvm failed: {r.mvm.error}")
        if r.mvm_check:
            lines.append(f"!!! MISMATCH {r.name}: mvm differs from CPython: {r.mvm_check}")
        for name, diff in r.peer_checks.items():
            if diff:
                lines.append(f"!!! MISMATCH {r.name}: {name} differs from CPython: {diff}")
        for name, t in r.peers.items():
            if t.error:
                lines.append(f"    note: {r.name}: {name} skipped: {t.error}")
    return lines


def verdicts(results: list[WorkloadResult], startup: Any, quick: bool, compile_time: Any = None) -> list[dict[str, Any]]:
    """PASS/FAIL against the targets of issue 2, plus the exactness check, as dicts."""
    out = []
    n = len(results)
    failed = [r.name for r in results if r.mvm.error or r.cpython.error]
    mismatched = [r.name for r in results if r.mvm_check]
    out.append({
        "name": "results",
        "passed": not failed and not mismatched,
        "text": (f"mvm and CPython give identical results on all {n} workloads" if not failed and not mismatched
                 else "; ".join(part for part in (
                     f"failed on {', '.join(failed)}" if failed else "",
                     f"mvm DIFFERS from CPython on {', '.join(mismatched)}" if mismatched else "") if part)),
    })
    gm, count = geomean_speedup(results, "mvm")
    complete = count == n and n > 0
    out.append({
        "name": "speed",
        "passed": bool(complete and gm is not None and gm >= SPEEDUP_TARGET),
        "value": gm,
        "text": (f"interpreter geometric-mean speedup over CPython {fmt_x(gm)} over {count} of {n} workloads "
                 f"(target >= {SPEEDUP_TARGET:g}x)"),
    })
    if startup is not None:
        value = startup.median_s
        out.append({
            "name": "startup",
            "passed": value is not None and value < STARTUP_TARGET_S,
            "value": value,
            "text": (f"`{' '.join(startup.command)}` takes {value:.3f} s (target < {STARTUP_TARGET_S} s)"
                     if value is not None else
                     f"`{' '.join(startup.command)}` could not be measured (target < {STARTUP_TARGET_S} s)"),
        })
    if compile_time is not None:
        from benchmarks.compile_time import COMPILE_TARGET_S
        out.append({
            "name": "compile",
            "passed": compile_time.median_s < COMPILE_TARGET_S,
            "value": compile_time.median_s,
            "text": (f"a {compile_time.lines}-line model compiles in {compile_time.median_s * 1e3:.1f} ms "
                     f"(median; target < {COMPILE_TARGET_S * 1e3:.0f} ms)"),
        })
        if compile_time.scaling:
            from benchmarks.compile_time import SCALING_LIMIT
            shapes = ", ".join(f"{k} {v:.2f}x" for k, v in compile_time.scaling.items())
            out.append({
                "name": "compile-scaling",
                "passed": compile_time.worst_scaling < SCALING_LIMIT,
                "value": compile_time.worst_scaling,
                "text": (f"compile cost per line of 2,000-3,300-line models relative to the 200-line one: {shapes} "
                         f"(target < {SCALING_LIMIT}x: linear)"),
            })
    if quick:
        for v in out:
            if v["name"] != "results":
                v["text"] += " [--quick sizes: indicative only]"
    return out


def verdict_lines(vs: list[dict[str, Any]]) -> list[str]:
    """One "PASS ..." or "FAIL ..." line per verdict."""
    return [f"{'PASS' if v['passed'] else 'FAIL'}  {v['name']}: {v['text']}" for v in vs]
