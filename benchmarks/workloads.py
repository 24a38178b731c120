"""The benchmark workloads: which model, which Python twin, which sizes, and how to summarise a result.

Input: nothing. Output: ``WORKLOADS``, a tuple of ``Workload``. The model files live in
``benchmarks/models``, the Lua and C peers in ``benchmarks/lua`` and ``benchmarks/c`` under the
workload's name.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, Callable

from benchmarks import python_ref

HERE = Path(__file__).resolve().parent
MODELS = HERE / "models"


@dataclasses.dataclass(frozen=True)
class Workload:
    """One benchmark: a DSL model and its plain-Python twin doing the same operations in the same order."""

    name: str
    python: Callable[..., Any]                 # called with the parameters as keywords
    full: dict[str, Any]                       # parameters of a normal run
    quick: dict[str, Any]                      # parameters of a ``--quick`` run
    describe: Callable[[dict[str, Any]], str]  # parameters -> short size description for the table
    summarize: Callable[[Any], dict[str, Any]]  # normalised result -> the values the peers print
    peer_args: Callable[[dict[str, Any]], list[str]]  # parameters -> peer command-line arguments

    @property
    def model_path(self) -> Path:
        """The DSL model of this workload."""
        return MODELS / f"{self.name}.mvm"

    def params(self, quick: bool) -> dict[str, Any]:
        """Parameters for a normal or a quick run."""
        return dict(self.quick if quick else self.full)


def sequential_sum(values) -> float:
    """Left-to-right float sum (what the Lua and C peers compute; ``math.fsum``/``numpy.sum`` differ)."""
    total = 0.0
    for v in values:
        total += v
    return total


def _num(x: Any) -> str:
    """A command-line argument that a C or Lua program parses back to exactly ``x``."""
    return repr(x) if isinstance(x, float) else str(x)


WORKLOADS: tuple[Workload, ...] = (
    Workload(
        name="fib",
        python=python_ref.fib_main,
        full={"n": 27},
        quick={"n": 20},
        describe=lambda p: f"n={p['n']}",
        summarize=lambda r: {"fib": r},
        peer_args=lambda p: [_num(p["n"])],
    ),
    Workload(
        name="mandelbrot",
        python=python_ref.mandelbrot_main,
        full={"size": 200, "max_iter": 100},
        quick={"size": 60, "max_iter": 50},
        describe=lambda p: f"{p['size']}x{p['size']}, {p['max_iter']} iter",
        summarize=lambda r: {"total": r},
        peer_args=lambda p: [_num(p["size"]), _num(p["max_iter"])],
    ),
    Workload(
        name="sir",
        python=python_ref.sir_main,
        # A slow epidemic over the whole horizon: with the model's defaults (beta=0.3, gamma=0.1) the
        # infected count decays into subnormal floats after ~9000 days and the rest of the run would time
        # the FPU's subnormal slow path instead of the interpreter.
        full={"beta": 0.0002, "gamma": 0.0001, "days": 10**6, "population": 1e7},
        quick={"beta": 0.0002, "gamma": 0.0001, "days": 20_000, "population": 1e7},
        describe=lambda p: f"days={p['days']:.0e}".replace("e+0", "e"),
        summarize=lambda r: {"peak": r["peak"], "checksum": sequential_sum(r["infected"])},
        peer_args=lambda p: [_num(p["beta"]), _num(p["gamma"]), _num(p["days"]), _num(p["population"])],
    ),
    Workload(
        name="nbody",
        python=python_ref.nbody_main,
        full={"steps": 100_000},
        quick={"steps": 2_000},
        describe=lambda p: f"5 bodies, {p['steps']} steps",
        summarize=lambda r: {"e0": r["e0"], "e1": r["e1"]},
        peer_args=lambda p: [_num(p["steps"])],
    ),
)


def select(names: list[str] | None) -> tuple[Workload, ...]:
    """The workloads called ``names`` (all of them for ``None``); ``ValueError`` names an unknown one."""
    if not names:
        return WORKLOADS
    by_name = {w.name: w for w in WORKLOADS}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise ValueError(f"unknown workload {', '.join(unknown)} (known: {', '.join(by_name)})")
    return tuple(by_name[n] for n in names)
