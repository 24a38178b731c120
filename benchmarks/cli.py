"""``python -m benchmarks``: run the workloads in mvm, CPython and the available peers, print the table.

Input: command-line options (see ``--help``). Output: the table and PASS/FAIL lines on stdout, progress on
stderr, optionally the raw numbers as JSON. Exit status 0 when mvm ran every workload and matched CPython
exactly, 1 otherwise (missing the speed targets is reported, not an error: this is a benchmark), 2 for a
usage error.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.metadata
import json
import os
import platform
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:                # so that `mvm` resolves to this checkout from anywhere
    sys.path.insert(0, str(ROOT))

from benchmarks import report  # noqa: E402
from benchmarks.compare import difference, normalize, parse_summary  # noqa: E402
from benchmarks.peers import Peer, find_peers  # noqa: E402
from benchmarks.results import ToolTimes, WorkloadResult, to_json  # noqa: E402
from benchmarks.startup import measure_startup  # noqa: E402
from benchmarks.compile_time import measure_compile  # noqa: E402
from benchmarks.subject import Subject  # noqa: E402
from benchmarks.timing import timed  # noqa: E402
from benchmarks.workloads import Workload, select  # noqa: E402

ALL_PEERS = ("lua5.4", "luajit", "c")


def log(message: str) -> None:
    """Progress on stderr, so stdout holds only the report."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command-line options."""
    p = argparse.ArgumentParser(prog="python -m benchmarks",
                                description="Benchmark the mvm interpreter against CPython (and Lua, LuaJIT, C).")
    p.add_argument("--repeat", type=int, default=5, metavar="N",
                   help="timed runs per tool and workload after one warm-up (default 5); the median is reported")
    p.add_argument("--quick", action="store_true", help="small sizes (a smoke test, not a measurement)")
    p.add_argument("--json", metavar="FILE", help="also write the raw numbers to FILE")
    p.add_argument("--only", metavar="NAMES", help="comma-separated workloads to run (default: all)")
    p.add_argument("--peers", metavar="NAMES", default=",".join(ALL_PEERS),
                   help=f"comma-separated peers among {', '.join(ALL_PEERS)} (default: all that are available)")
    p.add_argument("--no-peers", action="store_true", help="measure only CPython and mvm")
    p.add_argument("--no-startup", action="store_true", help="skip the `mvm run examples/sir.mvm` start-up timing")
    p.add_argument("--mode", default="interp", help="execution mode passed to Model.run when it takes one "
                                                   "(default interp, the target of issue 2)")
    args = p.parse_args(argv)
    if args.repeat < 1:
        p.error("--repeat must be at least 1")
    peers = [] if args.no_peers else [s for s in args.peers.split(",") if s]
    bad = [s for s in peers if s not in ALL_PEERS]
    if bad:
        p.error(f"unknown peer {', '.join(bad)} (known: {', '.join(ALL_PEERS)})")
    args.peer_list = peers
    try:
        args.workloads = select([s for s in args.only.split(",") if s] if args.only else None)
    except ValueError as exc:
        p.error(str(exc))
    return args


def machine_meta(args: argparse.Namespace) -> dict[str, Any]:
    """What the numbers were measured on (numba's version is read without importing it)."""
    def version(dist: str) -> str | None:
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            return None

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "numba": version("numba"),
        "llvmlite": version("llvmlite"),
        "numpy": version("numpy"),
        "platform": platform.platform(),
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "loadavg_at_start": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "repeat": args.repeat,
        "quick": args.quick,
        "mode": args.mode,
    }


def run_workload(w: Workload, quick: bool, repeat: int, subject: Subject, peers: list[Peer]) -> WorkloadResult:
    """Compile once, warm up each tool once, then time ``repeat`` runs of CPython and mvm interleaved
    (so a change in machine load hits both alike), check the results, then run the peers."""
    params = w.params(quick)
    res = WorkloadResult(name=w.name, size=w.describe(params), params=params,
                         cpython=ToolTimes(), mvm=ToolTimes())
    mvm_run = None
    if subject.error:
        res.mvm.error = f"mvm unavailable: {subject.error}"
    else:
        try:
            res.compile_s, model = subject.compile(w.model_path)
            mvm_run = subject.runner(model, params)
        except Exception as exc:
            res.mvm.error = f"compile failed: {type(exc).__name__}: {exc}"

    def py_run():
        return w.python(**params)

    try:
        res.cpython.warmup_s, _, py_result = timed(py_run)
        expected = normalize(py_result)
    except Exception as exc:     # a bug in the twin: report it, the rest of the session still runs
        res.cpython.error = f"{type(exc).__name__}: {exc}"
        py_run, expected = None, None

    if mvm_run is not None:
        try:
            res.mvm.warmup_s, _, mvm_result = timed(mvm_run)
            if expected is not None:
                res.mvm_check = difference(expected, normalize(mvm_result))
        except Exception as exc:
            res.mvm.error = f"run failed: {type(exc).__name__}: {exc}"
            mvm_run = None

    for _ in range(repeat):
        for fn, times in ((py_run, res.cpython), (mvm_run, res.mvm)):
            if fn is not None:
                wall, cpu, _ = timed(fn)
                times.times.append(wall)
                times.cpu_times.append(cpu)

    if expected is not None:
        res.summary = w.summarize(expected)
    for peer in peers:
        got = peer.run(w.name, w.peer_args(params), repeat + 1)
        res.peers[peer.name] = ToolTimes(warmup_s=got.times[0] if got.times else None,
                                         times=got.times[1:], error=got.error)
        if got.result_line and res.summary:
            res.peer_checks[peer.name] = difference(
                res.summary, parse_summary(got.result_line, res.summary), f"{w.name} summary")
    log(f"{w.name}: CPython {report.fmt_ms(res.cpython.median_s)} ms, "
        f"mvm {res.mvm.error or report.fmt_ms(res.mvm.median_s) + ' ms'}"
        + "".join(f", {name} {report.fmt_ms(t.median_s)} ms" for name, t in res.peers.items()))
    return res


def main(argv: list[str] | None = None) -> int:
    """Run the session and print the report; the exit status says whether mvm ran and matched CPython."""
    args = parse_args(argv)
    meta = machine_meta(args)
    sizes = "quick" if args.quick else "full"
    print(f"mvm benchmarks ({sizes} sizes, mode={args.mode}): median of {args.repeat} run(s) after 1 warm-up; "
          f"speedup = CPython time / tool time")
    print(f"python {meta['python']}, numba {meta['numba']}, {meta['cpu']}, {meta['cpus']} cpus, "
          f"load average at start {', '.join('%.2f' % x for x in meta['loadavg_at_start'] or ())}")

    log("importing and priming mvm")
    subject = Subject(args.mode)
    if subject.error:
        log(f"mvm is not usable: {subject.error}")
    meta["mvm_version"] = subject.version
    meta["mvm_import_s"] = subject.import_s
    meta["mvm_first_compile_s"] = subject.prime_compile_s
    meta["mvm_first_run_s"] = subject.prime_run_s

    results: list[WorkloadResult] = []
    with tempfile.TemporaryDirectory(prefix="mvm-bench-") as tmp:
        peers, skipped = find_peers(args.peer_list, Path(tmp), [w.name for w in args.workloads])
        for name, reason in skipped.items():
            log(f"peer {name} skipped: {reason}")
        meta["peers"] = [p.name for p in peers]
        meta["peers_skipped"] = skipped
        for w in args.workloads:
            log(f"{w.name} ({w.describe(w.params(args.quick))})")
            results.append(run_workload(w, args.quick, args.repeat, subject, peers))

    startup = None
    if not args.no_startup:
        log("start-up: python -m mvm run examples/sir.mvm")
        startup = measure_startup(ROOT, args.repeat)

    compile_time = None
    if not subject.error:
        log("compile time: a 200-line model, and models ten times larger")
        compile_time = measure_compile(args.repeat, scaling=not args.quick)

    setup = None
    if subject.error:
        setup = f"mvm: NOT USABLE ({subject.error})"
    elif subject.import_s is not None:
        setup = (f"mvm one-off costs in this process: import {subject.import_s:.3f} s, first compile "
                 f"(loads the grammar) {subject.prime_compile_s:.3f} s, first run (imports Numba, loads the "
                 f"interpreter loop from Numba's cache or compiles it) {subject.prime_run_s:.3f} s")
    peer_names = [p.name for p in peers]
    load_end = os.getloadavg() if hasattr(os, "getloadavg") else None
    meta["loadavg_at_end"] = load_end
    print()
    for line in report.render(results, peer_names, startup, setup):
        print(line)
    busy = report.load_note((meta["loadavg_at_start"] or [None])[0], (load_end or [None])[0], meta["cpus"])
    if busy:
        print(busy)
    if skipped:
        print("peers skipped: " + "; ".join(f"{k} ({v})" for k, v in skipped.items()))
    loud = report.details(results)
    if loud:
        print()
        for line in loud:
            print(line)
    if compile_time is not None:
        print(f"compile: a {compile_time.lines}-line model compiles in a median of "
              f"{compile_time.median_s * 1e3:.1f} ms (min {compile_time.min_s * 1e3:.1f} ms)")
    verdicts = report.verdicts(results, startup, args.quick, compile_time)
    print()
    for line in report.verdict_lines(verdicts):
        print(line)

    if args.json:
        data = to_json(meta, results, peer_names, startup, verdicts)
        Path(args.json).write_text(json.dumps(data, indent=2) + "\n")
        log(f"raw numbers written to {args.json}")
    return 0 if verdicts[0]["passed"] else 1
