"""The system under test: mvm, driven through its public API in this process.

Input: model files and parameters. Output: compiled models, results, and the one-off costs (import,
first compile, first run) measured separately so they do not pollute the per-workload numbers.
"""

from __future__ import annotations

import inspect
import time
from pathlib import Path
from typing import Any

# a tiny model compiled and run once first: its compile pays for loading the grammar, its run for loading
# (or compiling) the Numba interpreter loop
PRIME_SOURCE = """model bench_prime

fn main() -> int {
    return 1
}
"""


class Subject:
    """mvm, imported and primed; ``error`` says why it cannot be benchmarked (None if it can)."""

    def __init__(self, mode: str):
        self.mode = mode
        self.error: str | None = None
        self.import_s: float | None = None
        self.prime_compile_s: float | None = None
        self.prime_run_s: float | None = None
        self.version: str | None = None
        self.mvm: Any = None
        self._mode_kw: dict[str, str] = {}
        try:
            t0 = time.perf_counter()
            import mvm
            self.import_s = time.perf_counter() - t0
            self.mvm = mvm
            self.version = getattr(mvm, "__version__", None)
            t0 = time.perf_counter()
            model = mvm.compile_source(PRIME_SOURCE)
            self.prime_compile_s = time.perf_counter() - t0
            self._mode_kw = self._mode_keyword(model)
            t0 = time.perf_counter()
            model.run(**self._mode_kw)
            self.prime_run_s = time.perf_counter() - t0
        except Exception as exc:  # any failure: report it in the table and carry on with the rest
            self.error = f"{type(exc).__name__}: {exc}"

    def _mode_keyword(self, model: Any) -> dict[str, str]:
        """``{"mode": ...}`` if ``Model.run`` takes an execution mode, else {} (then only the interpreter
        exists, and asking for another mode is an error)."""
        if "mode" in inspect.signature(model.run).parameters:
            return {"mode": self.mode}
        if self.mode != "interp":
            raise RuntimeError(f"Model.run takes no mode; cannot benchmark mode={self.mode!r}")
        return {}

    def compile(self, path: Path) -> tuple[float, Any]:
        """Compile the model at ``path`` from its text; return (seconds, model)."""
        text = path.read_text()
        t0 = time.perf_counter()
        model = self.mvm.compile_source(text)
        return time.perf_counter() - t0, model

    def runner(self, model: Any, params: dict[str, Any]):
        """A no-argument callable running ``model`` with ``params`` in the chosen mode."""
        kwargs = {**params, **self._mode_kw}
        return lambda: model.run(**kwargs)
