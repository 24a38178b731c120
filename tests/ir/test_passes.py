"""IR lowering and passes: invariants hold after every pass; folding, dead code and immediates do their job."""

import subprocess
import sys
from pathlib import Path

import pytest

from mvm.bytecode import opcodes as O
from mvm.compiler import compile_program
from mvm.ir.lower import lower
from mvm.ir.nodes import format_function, verify_function
from mvm.ir.passes import run_passes
from mvm.lang.check import check
from mvm.lang.parse import parse

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(ROOT.joinpath("examples").glob("*.mvm"))


def ir_of(src):
    return lower(check(parse(src), src))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_ir_invariants_hold_after_every_pass(path):
    src = path.read_text()
    mod = ir_of(src)
    for fn in mod.functions:
        verify_function(fn)
        run_passes(fn, verify=True, dump="")


def ops_of(src, fname="main"):
    p = compile_program(src)
    f = p.functions[p.function_index(fname)]
    return [O.BY_CODE[int(op)].name for op in p.code[f.entry:f.end, 0]]


def test_constant_expressions_fold_to_one_load():
    ops = ops_of("model m\nfn main() -> int {\n    return (2 + 3) * 4 - 1\n}\n")
    assert ops == ["LOADI", "RET_I"]


def test_branch_on_a_constant_condition_disappears():
    ops = ops_of("model m\nconst DEBUG = false\nfn main() -> int {\n    let x = 1\n"
                 "    if DEBUG { print(x) }\n    return x\n}\n")
    assert "HOST" not in ops and not any(o.startswith("J") for o in ops)


def test_unused_pure_temporaries_are_removed_but_traps_stay():
    ops = ops_of("model m\nfn main() -> int {\n    let a = new int[3]\n    let x = a[5]\n    return 1\n}\n")
    assert "ALOAD_I" in ops          # may trap, so it stays even though x is unused


def test_for_loops_run_one_loop_instruction_per_iteration():
    ops = ops_of("model m\nfn main() -> int {\n    let s = 0\n    for i in 0..10 { s += i }\n    return s\n}\n")
    body = ops[ops.index("ADD_I"):]
    assert body[:2] == ["ADD_I", "FORUP_I"]
    down = ops_of("model m\nfn main() -> int {\n    let s = 0\n    for i in 10..0 step -3 { s += i }\n"
                  "    return s\n}\n")
    assert "FORDN_I" in down and "FORLIM_I" in down


def test_while_loops_test_once_per_iteration_with_a_fused_branch():
    ops = ops_of("model m\nfn main() -> int {\n    let x = 1\n    while x < 1000 { x *= 3 }\n    return x\n}\n")
    body = ops[ops.index("MULI_I"):]
    assert body[:2] == ["MULI_I", "JLTI_I"] or body[:2] == ["MULI_I", "JGEI_I"]


def test_float_constants_and_parameters_become_constant_pool_operands():
    ops = ops_of("model m\nparam k: float = 2.0\nfn main() -> float {\n    let x = 3.0\n    return x * k + 1.5\n}\n")
    assert "MULK_F" in ops and "ADDK_F" in ops


def test_multiplying_by_one_and_adding_int_zero_disappear_but_float_plus_zero_stays():
    src = ("model m\nconst ONE = 1.0\nfn main() -> float {\n    let x = -0.0\n    let k = 7\n"
           "    let y = x * ONE / 1.0\n    let j = k * 1 + 0 - 0\n    return y + float(j)\n}\n")
    ops = ops_of(src)
    assert not any(o.startswith(("MUL", "DIV")) for o in ops)
    assert "ADDI_I" not in ops and "MULI_I" not in ops
    import mvm
    assert mvm.compile_source(src).run() == 7.0
    keep = "model m\nfn main() -> float {\n    let x = -0.0\n    return x + 0.0\n}\n"
    assert "ADDK_F" in ops_of(keep)                        # -0.0 + 0.0 is +0.0: not an identity
    assert str(mvm.compile_source(keep).run()) == "0.0"
    assert str(mvm.compile_source("model m\nfn main() -> float {\n    let x = -0.0\n    return x * 1.0\n}\n")
               .run()) == "-0.0"


def test_loop_invariant_constants_and_parameters_load_once_before_the_outermost_loop():
    src = ("model m\nparam lim: int = 50\nfn main() -> float {\n    let s = 0.0\n"
           "    for i in 0..3 {\n        let j = 0\n        while j < lim {\n"
           "            if s > 4.5 { s -= 4.5 } else { s += 0.75 }\n            j += 1\n        }\n    }\n"
           "    return s\n}\n")
    p = compile_program(src)
    f = p.functions[p.function_index("main")]
    code = [(O.BY_CODE[int(r[0])].name, int(r[1]), int(r[2]), int(r[3])) for r in p.code[f.entry:f.end]]
    first_loop_op = next(k for k, c in enumerate(code) if c[0] == "FORUP_I")
    loads = [k for k, c in enumerate(code) if c[0] in ("LOADK_I", "LOADK_F")]
    body_start = min(k for k, c in enumerate(code) if c[0].startswith("J") and k > 2)
    assert loads and all(k < body_start for k in loads), code     # no constant pool load inside a loop
    assert first_loop_op > body_start
    # the loads carry the loop statement's line, so stepping does not visit the body's lines early
    assert {int(p.lines[f.entry + k]) for k in loads} <= {5, 2, 4}
    import mvm
    s = 0.0
    for _ in range(3):
        for _ in range(50):
            s = s - 4.5 if s > 4.5 else s + 0.75
    assert mvm.compile_source(src).run() == s


def test_temporaries_share_registers():
    src = "model m\nfn main() -> float {\n    let x = 1.0\n" + \
          "".join(f"    x = x * 2.0 + x / 3.0 - x * x\n" for _ in range(20)) + "    return x\n}\n"
    p = compile_program(src)
    assert p.functions[0].frame_f <= 4


def test_dump_after_prints_the_ir_of_the_named_pass():
    code = ("import mvm; mvm.compile_source('model m\\nfn main() -> int {\\n    return 1 + 2\\n}\\n')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env={"MVM_DUMP_AFTER": "fold", "PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    assert "--- IR of main after fold" in out.stderr and "const" in out.stderr


def test_format_function_shows_blocks_and_terminators():
    mod = ir_of("model m\nfn main() -> int {\n    let x = 1\n    while x < 10 { x *= 2 }\n    return x\n}\n")
    text = format_function(mod.functions[0])
    assert "b0:" in text and "brcmp" in text and "ret" in text
