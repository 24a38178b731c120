"""The public Python API: load, compile_source, Model.run/call/params, ModelExecutor, errors."""

import io
import threading
from pathlib import Path

import numpy as np
import pytest

import mvm
from mvm.errors import LimitExceeded, MVMError, MVMRuntimeError, MVMSyntaxError, MVMTypeError, ParameterError

ROOT = Path(__file__).resolve().parents[1]
SIR = ROOT / "examples" / "sir.mvm"
TOOLBOX = ROOT / "examples" / "toolbox.mvm"


def sir_reference(beta=0.3, gamma=0.1, days=160, population=1000.0):
    """The SIR model of examples/sir.mvm in plain Python, same operations in the same order."""
    s, i, r, peak = population - 1.0, 1.0, 0.0, 0.0
    infected = []
    for _ in range(days):
        new_inf = beta * s * i / population * 1.0
        new_rec = gamma * i * 1.0
        s = s - new_inf
        i = i + new_inf - new_rec
        r += new_rec
        infected.append(i)
        peak = max(peak, i) if i > peak else peak
    return peak, np.array(infected)


def test_sir_matches_plain_python_bit_for_bit():
    result = mvm.load(SIR).run(beta=0.4)
    peak, infected = sir_reference(beta=0.4)
    assert result["peak"] == peak == 424.1772428476799
    assert np.array_equal(result["infected"], infected)
    assert list(result) == ["peak", "infected"]


def test_model_describes_itself():
    m = mvm.load(SIR)
    assert (m.name, m.version) == ("sir", "1.2.0")
    beta = m.params[0]
    assert (beta.name, beta.type, beta.default, beta.lo, beta.hi) == ("beta", "float", 0.3, 0.0, 5.0)
    assert [p.name for p in m.params] == ["beta", "gamma", "days", "population"]
    assert "CALL" in m.disassemble()


def test_results_are_python_values_and_owned_arrays():
    m = mvm.load(TOOLBOX)
    r = m.run()
    assert type(r["primes"]) is int and r["primes"] == 25
    assert type(r["fib20"]) is int and r["fib20"] == 6765
    assert type(r["pi"]) is float
    grid = r["grid"]
    assert grid.shape == (3, 4) and grid.dtype == np.float64
    assert np.array_equal(grid, np.arange(12).reshape(3, 4) / 2.0)
    vm = m.machine()
    vm.start("main", ())
    vm.run()
    first = vm.result()["grid"]
    first[0, 0] = 99.0          # a copy: the VM's heap and later results are untouched
    assert vm.result()["grid"][0, 0] == 0.0


def test_call_any_function_with_python_arguments():
    m = mvm.load(TOOLBOX)
    assert m.call("fib", 15) == 610
    assert m.call("count_primes", 1000) == 168
    assert m.call("count_primes", 1000, params={"limit": 10}) == 168


def test_call_checks_arguments():
    m = mvm.load(TOOLBOX)
    with pytest.raises(ParameterError, match="takes 1 argument"):
        m.call("fib")
    with pytest.raises(ParameterError, match="argument `n` of `fib`"):
        m.call("fib", 2.5)
    with pytest.raises(MVMError, match="no function `fibb`"):
        m.call("fibb", 1)


def test_arrays_are_passed_in_and_by_reference_inside_the_model():
    m = mvm.compile_source("model m\nfn bump(a: float[]) { a[0] += 1.0 }\n"
                           "fn total(a: float[]) -> float {\n    bump(a)\n    return sum(a)\n}\n")
    data = np.array([1.0, 2.0, 3.0])
    assert m.call("total", data) == 7.0
    assert data[0] == 1.0        # the caller's array is copied in, never written


@pytest.mark.parametrize("params, fragment", [
    ({"betta": 0.3}, "unknown parameter `betta`"),
    ({"beta": "high"}, "parameter `beta` is float; got 'high'"),
    ({"days": 10.5}, "parameter `days` is int; got 10.5"),
    ({"beta": 9.0}, "parameter `beta` = 9.0 is out of its range [0.0, 5.0]"),
    ({"days": 0}, "parameter `days` = 0 is out of its range [1, 100000]"),
    ({"beta": float("nan")}, "parameter `beta` is nan"),
    ({"beta": True}, "parameter `beta` is float; got True"),
])
def test_bad_parameters_raise_parameter_error_naming_parameter_value_and_range(params, fragment):
    with pytest.raises(ParameterError) as exc:
        mvm.load(SIR).run(**params)
    assert fragment in str(exc.value)


def test_a_misspelt_parameter_gets_a_suggestion():
    with pytest.raises(ParameterError) as exc:
        mvm.load(SIR).run(betta=0.3)
    assert exc.value.hint == "did you mean `beta`?"


def test_int_parameter_accepts_an_integral_float_and_float_accepts_int():
    m = mvm.load(SIR)
    assert m.run(days=10.0)["infected"].shape == (10,)
    assert m.run(beta=1)["peak"] == sir_reference(beta=1.0)[0]


def test_seed_must_be_a_non_negative_int():
    with pytest.raises(ParameterError, match="seed"):
        mvm.load(SIR).run(seed=-1)


def test_runs_are_reproducible_per_seed():
    m = mvm.compile_source("model m\nfn main() -> float { return rand() + randn() }\n")
    assert m.run(seed=7) == m.run(seed=7)
    assert m.run(seed=7) != m.run(seed=8)


def test_compile_errors_are_raised_by_compile_source_and_load(tmp_path):
    with pytest.raises(MVMSyntaxError):
        mvm.compile_source("model m\nfn main( {\n}\n", name="bad.mvm")
    bad = tmp_path / "bad.mvm"
    bad.write_text("model m\nfn main() -> int {\n    return 1.5\n}\n")
    with pytest.raises(MVMTypeError) as exc:
        mvm.load(bad)
    assert str(exc.value).startswith(f"{bad}:3:12: type error:")


def test_compiling_in_threads_gives_the_same_program_and_leaves_the_collector_as_it_was():
    import gc
    from concurrent.futures import ThreadPoolExecutor

    src = (ROOT / "examples" / "toolbox.mvm").read_text()
    reference = mvm.compile_source(src).disassemble()
    for enabled in (True, False):
        (gc.enable if enabled else gc.disable)()
        try:
            with ThreadPoolExecutor(4) as pool:
                texts = list(pool.map(lambda _: mvm.compile_source(src).disassemble(), range(16)))
            assert texts == [reference] * 16
            assert gc.isenabled() is enabled
        finally:
            gc.enable()


def test_missing_file_and_non_utf8_file_are_model_errors(tmp_path):
    with pytest.raises(MVMError, match="cannot read"):
        mvm.load(tmp_path / "nope.mvm")
    p = tmp_path / "bin.mvm"
    p.write_bytes(b"model m\n\xff\xfe")
    with pytest.raises(MVMError, match="not UTF-8"):
        mvm.load(p)


def test_runtime_error_carries_a_dsl_traceback():
    src = ("model m\nfn inner(a: int[], k: int) -> int {\n    return a[k]\n}\n"
           "fn main() -> int {\n    let a = new int[3]\n    return inner(a, 5)\n}\n")
    with pytest.raises(MVMRuntimeError) as exc:
        mvm.compile_source(src, name="tb.mvm").run()
    e = exc.value
    assert "out of bounds" in e.message and "5" in e.message
    assert (e.file, e.line) == ("tb.mvm", 3)
    assert len(e.traceback) == 2
    assert "main" in e.traceback[0] and "inner" in e.traceback[1]
    assert "Traceback (most recent call last)" not in str(e)


def test_print_writes_to_the_run_stdout():
    out = io.StringIO()
    mvm.compile_source('model m\nfn main() {\n    print("x =", 1, 2.5, true)\n}\n').run(stdout=out)
    assert out.getvalue() == "x = 1 2.5 true\n"


def test_fuel_limit_ends_a_runaway_loop_with_limit_exceeded():
    m = mvm.compile_source("model m\nfn main() -> int {\n    let x = 0\n    while true { x += 1 }\n    return x\n}\n")
    with pytest.raises(LimitExceeded) as exc:
        m.run(limits=mvm.Limits(fuel=100_000))
    assert exc.value.limit == "fuel"


def test_mode_is_validated():
    with pytest.raises(ParameterError, match="mode"):
        mvm.load(SIR).run(mode="turbo")


def test_saved_bytecode_loads_and_runs_the_same(tmp_path):
    m = mvm.load(SIR)
    out = tmp_path / "sir.mvmc"
    m.save(out)
    again = mvm.load(out)
    assert again.run(beta=0.4)["peak"] == m.run(beta=0.4)["peak"]
    assert again.params == m.params


def test_model_executor_runs_and_reports_by_id():
    ex = mvm.ModelExecutor()
    mid = ex.load_model(SIR)
    eid = ex.execute_model(mid, {"beta": 0.4, "seed": 3})
    assert ex.get_execution_status(eid) == "completed"
    assert ex.get_result(eid)["peak"] == 424.1772428476799
    assert ex.stop_execution(eid) is False


def test_model_executor_keeps_failures_and_unknown_ids():
    ex = mvm.ModelExecutor()
    mid = ex.load_model(SIR)
    eid = ex.execute_model(mid, {"beta": 99.0})
    assert ex.get_execution_status(eid) == "failed"
    with pytest.raises(ParameterError):
        ex.get_result(eid)
    with pytest.raises(KeyError):
        ex.get_result("exec-nope")
    with pytest.raises(KeyError):
        ex.execute_model("model-nope", {})


def test_cancel_from_another_thread_stops_a_long_run():
    m = mvm.compile_source("model m\nfn main() -> int {\n    let x = 0\n    while true { x += 1 }\n    return x\n}\n")
    vm = m.machine()
    vm.start("main", ())
    timer = threading.Timer(0.3, vm.cancel)
    timer.start()
    with pytest.raises(mvm.Cancelled):
        vm.run()
    timer.join()
