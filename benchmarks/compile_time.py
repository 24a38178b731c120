"""Compile time of a 200-line model (issue 2: under 100 ms once the modules are imported), and how it scales.

Input: nothing (the models are generated: 20 functions of loops, branches, array work and builtins, about 205
lines). Output: ``CompileTime`` with the median and minimum of repeated ``mvm.compile_source`` calls, each
a full compile (parse, check, lower, passes, codegen, verify), after one warm-up that loads the grammar.

Scaling: models ten times larger in three shapes (ten times the functions; one function of 2,000 statements;
branches nested 1,000 deep) must cost about the same per line as the 200-line model. Each shape once had a
pass that was quadratic in it, which a 200-line model does not show.
"""

from __future__ import annotations

import dataclasses
import time

COMPILE_TARGET_S = 0.100


SCALING_LIMIT = 2.5        # time per line of a 10x model over that of the 200-line model


def two_hundred_line_model(functions: int = 20) -> str:
    """A realistic model of about 205 lines (``functions=20``; about 10 lines per function)."""
    fns = []
    for k in range(functions):
        fns.append(f"""fn f{k}(x: float, n: int) -> float {{
    let s = 0.0
    let a = new float[n]
    for i in 0..n {{
        a[i] = x * float(i) + {k}.5
        if a[i] > 10.0 {{ s += sqrt(a[i]) }} else {{ s -= a[i] / 2.0 }}
    }}
    while s > 100.0 {{ s = s / 3.0 }}
    return s + sum(a)
}}""")
    return ("model big\nparam p: float = 1.0\n" + "\n".join(fns)
            + "\nfn main() -> float {\n    return f0(p, 10)\n}\n")


def long_function_model(statements: int) -> str:
    """One ``main`` of ``statements`` statements: lets, branches and loops in a row."""
    body = ["    let x0 = 1.0", "    let acc = 0.0"]
    for k in range(statements):
        kind = k % 3
        if kind == 0:
            body.append(f"    let x{k + 1} = x{k} * 0.5 + sqrt(acc + 1.0)")
        elif kind == 1:
            body.append(f"    if x{k} > 10.0 {{ acc += x{k} }} else {{ acc -= 1.0 }}\n    let x{k + 1} = x{k} / 2.0")
        else:
            body.append(f"    for i{k} in 0..3 {{ acc += float(i{k}) }}\n    let x{k + 1} = x{k} + acc")
    return "model long\nfn main() -> float {\n" + "\n".join(body) + f"\n    return x{statements}\n}}\n"


def nested_model(depth: int) -> str:
    """Branches nested ``depth`` deep, each opening on a constant condition (folded away)."""
    return ("model nested\nconst ON = true\nfn main() -> int {\n    let n = 0\n"
            + "".join(f"if ON {{ n += {k}\n" for k in range(depth))
            + "}\n" * depth + "    return n\n}\n")


@dataclasses.dataclass
class CompileTime:
    """Median and minimum seconds of one full compile, the model's line count, and the per-line cost of
    larger models relative to it (``scaling``: shape -> ratio)."""

    lines: int
    median_s: float
    min_s: float
    scaling: dict = dataclasses.field(default_factory=dict)

    @property
    def worst_scaling(self) -> float:
        """The largest per-line cost ratio over the shapes (1.0 when none was measured)."""
        return max(self.scaling.values(), default=1.0)


def _timings(src: str, n: int) -> list[float]:
    import mvm
    times = []
    for _ in range(n):
        t = time.perf_counter()
        mvm.compile_source(src)
        times.append(time.perf_counter() - t)
    return sorted(times)


def measure_compile(repeat: int, scaling: bool = True) -> CompileTime:
    """Compile the 200-line model ``max(repeat, 5)`` times after a warm-up; with ``scaling``, also each
    larger shape (3 times) and relate its median cost per line to the 200-line model's."""
    import mvm
    src = two_hundred_line_model()
    mvm.compile_source(src)
    times = _timings(src, max(repeat, 5))
    lines = src.count("\n")
    out = CompileTime(lines=lines, median_s=times[len(times) // 2], min_s=times[0])
    if scaling:
        per_line = out.median_s / lines
        for shape, big in (("10x functions", two_hundred_line_model(200)),
                           ("one 2000-statement function", long_function_model(2000)),
                           ("branches nested 1000 deep", nested_model(1000))):
            t = _timings(big, 3)[1]
            out.scaling[shape] = (t / big.count("\n")) / per_line
    return out
