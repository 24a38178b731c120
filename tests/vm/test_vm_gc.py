"""Garbage collection of the VM heap: arrays no register refers to are freed, live ones keep their data."""

import re

import numpy as np
import pytest

import mvm

CHURN = """model churn
param steps: int = 20000
param size: int = 1000
fn main() -> {total: float, kept: float[], grid: int[,]} {
    let kept = new float[5]
    let grid = new int[3, 3]
    for k in 0..5 { kept[k] = float(k) }
    for r in 0..3 { for c in 0..3 { grid[r, c] = r * 3 + c } }
    let total = 0.0
    let state = new float[size]
    for s in 0..steps {
        let next = copy(state)          # garbage after each step
        next[s % size] += 1.0
        state = next
        total += next[s % size]
    }
    return {total: total, kept: kept, grid: grid}
}
"""


def test_a_loop_that_allocates_runs_far_past_the_heap_limit_it_would_need_without_collection():
    m = mvm.compile_source(CHURN)
    limit = 8 * 1000 * 50                # room for about 50 of the 20000 arrays the run allocates
    vm = m.machine(params={"steps": 20000, "size": 1000}, limits=mvm.Limits(heap_bytes=limit))
    vm.start("main", ())
    assert vm.run() == "halted"
    r = vm.result()
    assert vm.collections > 0 and vm.heap_bytes <= limit
    assert np.array_equal(r["kept"], np.arange(5.0))
    assert np.array_equal(r["grid"], np.arange(9).reshape(3, 3))
    # state[j] counts the visits to j: step s adds 1 to index s % size, then total adds the new count
    counts = np.zeros(1000)
    want = 0.0
    for s in range(20000):
        counts[s % 1000] += 1.0
        want += counts[s % 1000]
    assert r["total"] == want


def test_live_data_beyond_the_heap_limit_still_fails_with_the_limit():
    m = mvm.compile_source("model m\nfn main() -> int {\n    let a = new float[1000]\n"
                           "    let b = new float[1000]\n    return len(a) + len(b)\n}\n")
    with pytest.raises(mvm.LimitExceeded) as exc:
        m.run(limits=mvm.Limits(heap_bytes=8 * 1500))
    assert exc.value.limit == "heap_bytes"


def test_collection_frees_dead_arrays_and_reuses_their_handles():
    m = mvm.compile_source(CHURN)
    vm = m.machine(params={"steps": 3, "size": 10})
    vm.start("main", ())
    vm.run()
    before = vm.live_objects()
    freed = vm.collect()
    assert freed > 0 and vm.live_objects() < before
    assert vm.result()["total"] == 3.0


PARKED = """model parked
fn ramp(n: int, v: float) -> float[] {
    let a = new float[n]
    for i in 0..n { a[i] = v * float(i) }
    return a
}
fn churn(n: int) -> float {
    let t = 0.0
    for k in 0..n {
        let g = new float[200]
        g[0] = 1.0
        t += g[0]
    }
    return t
}
fn main() -> float {
    let s = 0.0
    for k in 0..300 {
        # the array ramp returns waits in the caller's frame while churn allocates (and collects)
        s += ramp(50, float(k))[int(churn(20)) - 19]
    }
    return s
}
"""


def test_an_array_a_call_returned_survives_collections_while_a_later_call_runs():
    m = mvm.compile_source(PARKED)
    text = m.disassemble()
    base = re.search(r"CALL\s+ramp, (i\d+)", text).group(1)
    assert re.search(rf"ALOAD_F\s+f\d+, {base},", text)    # the handle is read where ramp left it
    vm = m.machine(limits=mvm.Limits(heap_bytes=8 * 200 * 40))
    vm.start("main", ())
    assert vm.run() == "halted"
    assert vm.collections > 0
    assert vm.result() == float(sum(range(300)))
