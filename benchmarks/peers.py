"""Peer implementations run in the same benchmark session: Lua 5.4, LuaJIT and C (gcc -O2).

Input: a workload's name and command-line arguments. Output: per-run wall times measured inside the peer
program (the first run is the warm-up) and its ``result`` line.

Protocol (``benchmarks/lua/common.lua``, ``benchmarks/c/bench.h``): ``PROGRAM ARGS... RUNS`` prints one
``time SECONDS`` line per run and then ``result KEY=VALUE ...``. A peer whose tool is missing (not on
PATH) or fails to build is skipped with a reason; the harness never needs any of them.
"""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
LUA_DIR = HERE / "lua"
C_DIR = HERE / "c"
C_FLAGS = ["-O2", "-ffp-contract=off"]   # no fast-math and no FMA: the same IEEE operations as Python
TIMEOUT_S = 600


@dataclasses.dataclass
class PeerRun:
    """What one peer gave for one workload."""

    times: list[float]            # every run, the warm-up first
    result_line: str | None
    error: str | None = None


class Peer:
    """A peer tool: knows whether it is available and how to run a workload."""

    name = "?"

    def unavailable(self) -> str | None:
        """None when the peer can run, else why not."""
        raise NotImplementedError

    def command(self, workload: str) -> list[str] | None:
        """The command running ``workload`` (arguments and run count appended), None if it has none."""
        raise NotImplementedError

    def run(self, workload: str, args: list[str], runs: int) -> PeerRun:
        """Run ``workload`` ``runs`` times in one process and collect its times and result line."""
        cmd = self.command(workload)
        if cmd is None:
            return PeerRun([], None, f"no {self.name} version of {workload}")
        try:
            proc = subprocess.run(cmd + args + [str(runs)], capture_output=True, text=True,
                                  timeout=TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return PeerRun([], None, f"{self.name}: {exc}")
        if proc.returncode != 0:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-3:]
            return PeerRun([], None, f"{self.name} exited with {proc.returncode}: {' | '.join(tail)}")
        times = [float(line.split()[1]) for line in proc.stdout.splitlines() if line.startswith("time ")]
        results = [line for line in proc.stdout.splitlines() if line.startswith("result ")]
        if len(times) != runs or not results:
            return PeerRun(times, None, f"{self.name}: unexpected output {proc.stdout[:200]!r}")
        return PeerRun(times, results[-1])


class LuaPeer(Peer):
    """A Lua interpreter (``lua5.4`` or ``luajit``) running ``benchmarks/lua/NAME.lua``."""

    def __init__(self, executable: str):
        self.name = executable
        self.path = shutil.which(executable)

    def unavailable(self) -> str | None:
        return None if self.path else f"{self.name} not on PATH"

    def command(self, workload: str) -> list[str] | None:
        script = LUA_DIR / f"{workload}.lua"
        return [self.path, str(script)] if script.exists() else None


class CPeer(Peer):
    """``benchmarks/c/NAME.c`` compiled with gcc -O2 into a temporary directory."""

    name = "gcc -O2"

    def __init__(self, build_dir: Path):
        self.cc = shutil.which("gcc") or shutil.which("cc")
        self.build_dir = build_dir
        self.binaries: dict[str, Path] = {}
        self.build_errors: dict[str, str] = {}

    def unavailable(self) -> str | None:
        return None if self.cc else "gcc not on PATH"

    def build(self, workloads: list[str]) -> None:
        """Compile each workload's C file; failures are kept as the reason to skip that workload."""
        for name in workloads:
            source = C_DIR / f"{name}.c"
            if not source.exists():
                continue
            binary = self.build_dir / name
            proc = subprocess.run([self.cc, *C_FLAGS, "-o", str(binary), str(source), "-lm"],
                                  capture_output=True, text=True)
            if proc.returncode == 0:
                self.binaries[name] = binary
            else:
                self.build_errors[name] = proc.stderr.strip()[:300]

    def command(self, workload: str) -> list[str] | None:
        binary = self.binaries.get(workload)
        return [str(binary)] if binary else None

    def run(self, workload: str, args: list[str], runs: int) -> PeerRun:
        if workload in self.build_errors:
            return PeerRun([], None, f"gcc failed: {self.build_errors[workload]}")
        return super().run(workload, args, runs)


def find_peers(wanted: list[str], build_dir: Path, workloads: list[str]) -> tuple[list[Peer], dict[str, str]]:
    """The available peers among ``wanted`` (``lua5.4``, ``luajit``, ``c``) and why the others are skipped."""
    peers: list[Peer] = []
    skipped: dict[str, str] = {}
    for key in wanted:
        peer: Peer
        if key == "c":
            peer = CPeer(build_dir)
        else:
            peer = LuaPeer(key)
        reason = peer.unavailable()
        if reason:
            skipped[peer.name] = reason
            continue
        if isinstance(peer, CPeer):
            peer.build(workloads)
        peers.append(peer)
    return peers, skipped
