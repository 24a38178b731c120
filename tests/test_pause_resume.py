"""Real example models paused and resumed (step budgets, breakpoints) give exactly the uninterrupted result."""

from pathlib import Path

import numpy as np
import pytest

import mvm

ROOT = Path(__file__).resolve().parents[1]


def results_equal(a, b) -> bool:
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(results_equal(a[k], b[k]) for k in a)
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
    return type(a) is type(b) and (a == b or (a != a and b != b))


@pytest.mark.parametrize("example, params", [
    ("sir", {"days": 50}), ("toolbox", {"limit": 50}), ("nbody", {}), ("monte_carlo_pi", {}),
])
@pytest.mark.parametrize("k", [1, 2, 7, 64, 1000, 4097])
def test_pausing_every_k_instructions_changes_nothing(example, params, k):
    model = mvm.load(ROOT / "examples" / f"{example}.mvm")
    defaults = {p.name: p.default for p in model.params}
    small = {name: min(v, 200) for name, v in defaults.items() if isinstance(v, int) and not isinstance(v, bool)}
    small.update(params)
    whole = model.machine(seed=5, params=small)
    whole.start("main", ())
    assert whole.run() == "halted"
    want, total = whole.result(), whole.instructions
    if total // k > 60_000:
        pytest.skip(f"{total} instructions in steps of {k}: too many pauses for the default run")
    vm = model.machine(seed=5, params=small)
    vm.start("main", ())
    pauses = 0
    while vm.run(steps=k) == "step":
        pauses += 1
        assert pauses <= total // k + 1, "ran past the uninterrupted instruction count"
    assert results_equal(vm.result(), want)
    assert vm.instructions == total and pauses == (total - 1) // k   # the last slice ends in the halt


def test_a_breakpoint_in_the_sir_loop_stops_once_per_day_and_resumes_exactly():
    model = mvm.load(ROOT / "examples" / "sir.mvm")
    want = model.run(days=12)
    vm = model.machine(params={"days": 12})
    vm.start("main", ())
    line = next(n for n, text in enumerate(model.program.source.splitlines(), 1) if "infected[d] = i" in text)
    for pc in vm.line_pcs(line):
        vm.set_breakpoint(pc)
    hits, seen = 0, []
    while vm.run() == "breakpoint":
        hits += 1
        top = vm.frames()[-1]
        assert (top.function, top.line) == ("main", line)
        seen.append(top.locals["d"])
    assert hits == 12 and seen == list(range(12))
    assert results_equal(vm.result(), want)


def test_deep_recursion_traceback_is_folded():
    m = mvm.compile_source("model m\nfn down(n: int) -> int {\n    return down(n + 1)\n}\n"
                           "fn main() -> int {\n    return down(0)\n}\n", name="deep.mvm")
    with pytest.raises(mvm.LimitExceeded) as exc:
        m.run(limits=mvm.Limits(call_depth=500))
    tb = exc.value.traceback
    assert len(tb) < 10
    assert any("repeated" in line for line in tb)
