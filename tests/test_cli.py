"""The `mvm` command: output, exit statuses, diagnostics without Python tracebacks."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def mvm_cmd(*args, cwd=ROOT):
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "mvm", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=300, env=env)


def test_run_prints_the_record_as_the_issue_shows():
    out = mvm_cmd("run", "examples/sir.mvm", "-p", "beta=0.4")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "peak      = 424.1772428476799",
        "infected  = float[160]  [1.2996, 1.68875, 2.19408, …]",
    ]


def test_run_json_prints_the_full_result():
    out = mvm_cmd("run", "examples/sir.mvm", "--json", "-p", "days=5", "--seed", "3")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) == {"peak", "infected"} and len(data["infected"]) == 5


def test_model_print_goes_to_stdout(tmp_path):
    f = tmp_path / "p.mvm"
    f.write_text('model p\nfn main() {\n    print("hello", 42)\n}\n')
    out = mvm_cmd("run", f)
    assert out.returncode == 0 and out.stdout == "hello 42\n"


def test_compile_then_run_bytecode(tmp_path):
    target = tmp_path / "sir.mvmc"
    out = mvm_cmd("compile", "examples/sir.mvm", "-o", target)
    assert out.returncode == 0, out.stderr
    assert target.read_bytes()[:4] == b"MVMC"
    ran = mvm_cmd("run", target, "-p", "beta=0.4")
    assert ran.returncode == 0 and "424.1772428476799" in ran.stdout


def test_check_and_disasm():
    out = mvm_cmd("check", "examples/toolbox.mvm")
    assert out.returncode == 0 and "ok: model toolbox 0.1.0" in out.stdout
    out = mvm_cmd("disasm", "examples/toolbox.mvm")
    assert out.returncode == 0 and "fib" in out.stdout and "CALL" in out.stdout
    assert "return fib(n - 1) + fib(n - 2)" in out.stdout


@pytest.mark.parametrize("text, fragment", [
    ("model m\nfn main() {\n    let x = 1\n    x = 2.5\n}\n", "m.mvm:4:9: type error: cannot assign float"),
    ("model m\nfn main( {\n}\n", "m.mvm:2:10: syntax error"),
    ("model m\nfn main() -> int {\n    let a = new int[2]\n    return a[2]\n}\n", "runtime error: index 2"),
])
def test_model_errors_exit_1_with_a_diagnostic_and_no_python_traceback(tmp_path, text, fragment):
    f = tmp_path / "m.mvm"
    f.write_text(text)
    out = mvm_cmd("run", "m.mvm", cwd=tmp_path)
    assert out.returncode == 1
    assert fragment in out.stderr, out.stderr
    assert "Traceback" not in out.stderr and "^" in out.stderr


def test_bad_parameter_value_is_a_model_error():
    out = mvm_cmd("run", "examples/sir.mvm", "-p", "days=lots")
    assert out.returncode == 1 and "parameter `days` is int" in out.stderr


def test_usage_errors_exit_2():
    assert mvm_cmd("run").returncode == 2
    assert mvm_cmd("frobnicate", "x").returncode == 2
    out = mvm_cmd("run", "examples/sir.mvm", "-p", "beta")
    assert out.returncode == 2 and "NAME=VALUE" in out.stderr


def test_missing_file_is_a_model_error_not_a_crash():
    out = mvm_cmd("run", "nope.mvm")
    assert out.returncode == 1 and "cannot read" in out.stderr and "Traceback" not in out.stderr
