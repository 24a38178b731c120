"""``Machine``: one run of a verified ``Program`` in the interpreter, driven from Python.

Input: a ``Program`` (already verified), parameter values, a seed and ``Limits``.
Output: the run's result as Python values (``result()``), its printed lines (to ``stdout``), or an
``MVMRuntimeError`` with a DSL traceback (``LimitExceeded``, ``Cancelled`` for limits and cancellation).

The machine owns the VM state as numpy arrays (``layout`` documents them) and calls the compiled loop
(``interp.get_interpreter()``) in chunks. Between chunks it serves host calls (``print``), grows arrays the
loop asks for (within the limits), checks the wall clock and reports breakpoints and finished step budgets,
so a paused run can be inspected (``frames()``) and resumed exactly where it stopped.
"""

from __future__ import annotations

import math
import operator
import sys
import threading
import time
from typing import Any

import attrs
import numba
import numpy as np

from mvm.bytecode import opcodes
from mvm.bytecode.program import Program
from mvm.errors import Cancelled, LimitExceeded, MVMRuntimeError, ParameterError
from mvm.vm import interp, kernels
from mvm.vm import layout as L

DEFAULT_CALL_DEPTH = 10_000
DEFAULT_HEAP_BYTES = 1 << 30
_UNLIMITED = 1 << 62
_CHUNK = 1 << 22            # instructions per loop call without a wall-time limit (~10-40 ms)
_CHUNK_TIMED = 1 << 18      # with one: the clock is read about every millisecond

# opcodes whose array handle is operand a (the array they write); the others have it in operand b
_HANDLE_IN_A = frozenset({"ASTORE_F", "ASTORE_I", "FILL_F", "FILL_I"})


def _non_negative(_inst, attribute, value):
    if value is not None and value < 0:
        raise ValueError(f"limit {attribute.name} must be >= 0, got {value!r}")


@attrs.frozen(kw_only=True)
class Limits:
    """Resource limits of one run; ``None`` means the default (call depth 10000, heap 1 GiB) or unlimited
    (fuel, wall time). Fuel counts instructions; wall time is seconds spent inside ``Machine.run``."""

    fuel: int | None = attrs.field(default=None, validator=_non_negative)
    heap_bytes: int | None = attrs.field(default=None, validator=_non_negative)
    call_depth: int | None = attrs.field(default=None, validator=_non_negative)
    wall_time: float | None = attrs.field(default=None, validator=_non_negative)


@attrs.frozen(kw_only=True)
class FrameView:
    """One frame of a paused run: function, the pc it is at (the CALL for callers), source position, locals
    in scope there by name (arrays as owned numpy copies)."""

    function: str
    index: int
    pc: int
    line: int
    col: int
    locals: dict[str, Any] = attrs.field(eq=False)


def _grown(arr: np.ndarray, amount: int, cap: int | None = None) -> np.ndarray:
    """A zero-extended copy of ``arr`` with at least ``amount`` rows (doubling, at most ``cap`` if given)."""
    n = max(int(amount), 2 * arr.shape[0], 16)
    if cap is not None:
        n = max(int(amount), min(n, cap))
    out = np.zeros((n,) + arr.shape[1:], dtype=arr.dtype)
    out[: arr.shape[0]] = arr
    return out


# a heap (both, in elements) or the object table (rows) this large is swept before it grows
_GC_START_ELEMENTS = 1 << 20
_GC_START_OBJECTS = 1 << 14


class Machine:
    """A VM state for one run of ``program``; ``start`` picks the function, ``run`` executes."""

    def __init__(self, program: Program, *, params: dict[str, Any] | None = None, seed=0,
                 limits: Limits | None = None, stdout=None):
        self.program = program
        self.limits = limits or Limits()
        self.stdout = stdout
        self._run = interp.get_interpreter()
        self._jit = not numba.config.DISABLE_JIT
        p = program
        self.code = np.ascontiguousarray(p.code, dtype=np.int32).reshape(-1, 4)
        self._flat_code = self.code.reshape(-1)      # the loop reads instructions as 4 int32 each
        self.lines = np.asarray(p.lines, dtype=np.int64)
        self.cols = np.asarray(p.cols, dtype=np.int64)
        self.kf = np.array(p.kf, dtype=np.float64).reshape(-1)
        self.ki = np.array(p.ki, dtype=np.int64).reshape(-1)
        if self.kf.size == 0:
            self.kf = np.zeros(1, dtype=np.float64)
        if self.ki.size == 0:
            self.ki = np.zeros(1, dtype=np.int64)
        self._write_params(params or {})
        self.F = np.zeros(256, dtype=np.float64)
        self.I = np.zeros(256, dtype=np.int64)
        self.HF = np.zeros(1024, dtype=np.float64)
        self.HI = np.zeros(1024, dtype=np.int64)
        self.objs = np.zeros((64, L.OBJ_COLS_N), dtype=np.int64)
        self.frame_stack = np.zeros((64, L.FR_COLS), dtype=np.int64)
        self.st = np.zeros(L.ST_SIZE, dtype=np.int64)
        self.ctl = np.zeros(L.CTL_SIZE, dtype=np.int64)
        self.bp = np.zeros(max(1, self.code.shape[0]), dtype=np.uint8)
        self.rng = kernels.sfc64_state(seed)
        rows = [(f.entry, f.frame_i, f.frame_f, f.end) for f in p.functions] or [(0, 0, 0, 0)]
        self.funcs = np.ascontiguousarray(np.array(rows, dtype=np.int64).reshape(-1, L.FN_COLS))
        lim = self.limits
        self._heap_limit = DEFAULT_HEAP_BYTES if lim.heap_bytes is None else int(lim.heap_bytes)
        self._max_depth = DEFAULT_CALL_DEPTH if lim.call_depth is None else int(lim.call_depth)
        self.st[L.ST_NOBJ] = 1  # handle 0 is never valid
        self.st[L.ST_RECORD] = -1
        self.st[L.ST_HEAP_LIMIT] = self._heap_limit
        self.st[L.ST_MAX_DEPTH] = self._max_depth
        self.st[L.ST_MAX_FI] = int(self.funcs[:, L.FN_FRAME_I].max())
        self.st[L.ST_MAX_FF] = int(self.funcs[:, L.FN_FRAME_F].max())
        self.ctl[L.CTL_FUEL] = _UNLIMITED if lim.fuel is None else int(lim.fuel)
        self._chunk = _CHUNK if lim.wall_time is None else _CHUNK_TIMED
        self._state = "new"          # new -> ready -> (paused) -> halted | failed
        self._function = -1
        self._skip_pc = -1           # pc whose breakpoint the next resume passes over
        self._error: MVMRuntimeError | None = None
        self._wall_used = 0.0
        self._run_lock = threading.Lock()
        self._gc_elements = _GC_START_ELEMENTS   # collect before growing a heap past this many elements
        self._gc_objects = _GC_START_OBJECTS     # ... or the object table past this many rows
        self._gc_retry = (-1, -1)                # (pc, count) of the last collection made for the heap limit
        self.collections = 0

    # --- set-up ---------------------------------------------------------------------------------------------

    def _write_params(self, params: dict[str, Any]) -> None:
        """Write the run's parameter values (defaults for missing names) into their constant-pool slots."""
        known = {p.name for p in self.program.params}
        unknown = sorted(set(params) - known)
        if unknown:
            raise ParameterError(f"unknown parameter {unknown[0]!r}", file=self.program.file)
        for p in self.program.params:
            value = params.get(p.name, p.default)
            if p.type == "float":
                self.kf[p.slot] = float(value)
            elif p.type == "bool":
                self.ki[p.slot] = 1 if value else 0
            else:
                self.ki[p.slot] = int(value)

    def start(self, function: str = "main", args=()) -> None:
        """Prepare a call of ``function`` with ``args`` (Python scalars; numpy arrays are copied into the heap)
        as the outermost frame. Called once per machine (``run`` calls it for ``main`` if needed)."""
        if self._state != "new":
            raise RuntimeError("Machine.start() may be called only once")
        try:
            fi = self.program.function_index(function)
        except KeyError:
            raise ParameterError(f"no function named {function!r}", file=self.program.file) from None
        fn = self.program.functions[fi]
        args = tuple(args)
        if len(args) != len(fn.param_types):
            raise ParameterError(f"{function}() takes {len(fn.param_types)} argument(s), got {len(args)}",
                                 file=self.program.file, line=fn.line, col=fn.col, source=self.program.source)
        if self.I.shape[0] < fn.frame_i:
            self.I = _grown(self.I, fn.frame_i)
        if self.F.shape[0] < fn.frame_f:
            self.F = _grown(self.F, fn.frame_f)
        for name, typ, reg, value in zip(fn.param_names, fn.param_types, fn.param_regs, args):
            self._place_arg(function, name, typ, reg, value)
        self.frame_stack[0] = (fi, -1, 0, 0)
        self.st[L.ST_DEPTH] = 1
        self.st[L.ST_PC] = fn.entry
        self._function = fi
        self._state = "ready"

    def _place_arg(self, function: str, name: str, typ: str, reg: int, value) -> None:
        """Put one argument in its register (an array into the heap first)."""
        def bad(why: str) -> ParameterError:
            return ParameterError(f"argument {name!r} of {function}(): {why}", file=self.program.file)

        if typ == "float":
            try:
                self.F[reg] = float(value)
            except (TypeError, ValueError):
                raise bad(f"expected float, got {value!r}") from None
        elif typ == "bool":
            if not isinstance(value, (bool, np.bool_)):
                raise bad(f"expected bool, got {value!r}")
            self.I[reg] = 1 if value else 0
        elif typ == "int":
            try:
                v = operator.index(value)
            except TypeError:
                raise bad(f"expected int, got {value!r}") from None
            if isinstance(value, (bool, np.bool_)) or not -(1 << 63) <= v < (1 << 63):
                raise bad(f"expected int64, got {value!r}")
            self.I[reg] = v
        else:
            kind = L.KIND_FLOAT if typ.startswith("float") else L.KIND_INT
            ndim = 2 if typ.endswith("[,]") else 1
            arr = np.asarray(value)
            if arr.ndim != ndim:
                raise bad(f"expected a {ndim}-D array ({typ}), got shape {arr.shape}")
            if kind == L.KIND_INT and arr.dtype.kind not in "iub":
                raise bad(f"expected an integer array ({typ}), got dtype {arr.dtype}")
            if kind == L.KIND_FLOAT and arr.dtype.kind not in "iufb":
                raise bad(f"expected a numeric array ({typ}), got dtype {arr.dtype}")
            rows = arr.shape[0]
            cols = arr.shape[1] if ndim == 2 else 1
            self.I[reg] = self._host_alloc(kind, ndim, rows, cols, arr.reshape(-1))

    def _host_alloc(self, kind: int, ndim: int, rows: int, cols: int, data: np.ndarray) -> int:
        """Allocate an array from Python (arguments), within the heap limit; return its handle."""
        st = self.st
        n = rows * cols
        used = int(st[L.ST_HF_TOP] + st[L.ST_HI_TOP])
        if (used + n) * 8 > self._heap_limit:
            raise LimitExceeded(f"heap limit of {self._heap_limit} bytes exceeded by an argument of "
                                f"{n * 8} bytes", limit="heap_bytes", file=self.program.file)
        h = int(st[L.ST_NOBJ])
        if h >= self.objs.shape[0]:
            self.objs = _grown(self.objs, h + 1)
        if kind == L.KIND_FLOAT:
            top = int(st[L.ST_HF_TOP])
            if top + n > self.HF.shape[0]:
                self.HF = _grown(self.HF, top + n)
            self.HF[top:top + n] = data.astype(np.float64)
            st[L.ST_HF_TOP] = top + n
        else:
            top = int(st[L.ST_HI_TOP])
            if top + n > self.HI.shape[0]:
                self.HI = _grown(self.HI, top + n)
            self.HI[top:top + n] = data.astype(np.int64)
            st[L.ST_HI_TOP] = top + n
        self.objs[h] = (kind, ndim, top, rows, cols, n if kind == L.KIND_FLOAT else 0, n if kind == L.KIND_INT else 0)
        st[L.ST_NOBJ] = h + 1
        return h

    # --- running --------------------------------------------------------------------------------------------

    def _call(self) -> int:
        """One call of the compiled loop over the current arrays."""
        args = (self._flat_code, self.kf, self.ki, self.F, self.I, self.HF, self.HI, self.objs, self.frame_stack,
                self.st, self.ctl, self.bp, self.rng, self.funcs)
        if self._jit:
            return int(self._run(*args))
        with np.errstate(all="ignore"):  # the plain-Python tier computes with numpy scalars, which warn
            return int(self._run(*args))

    def run(self, steps: int | None = None) -> str:
        """Run until the program halts (``"halted"``), reaches a breakpoint (``"breakpoint"``) or has executed
        ``steps`` more instructions (``"step"``). Raises ``MVMRuntimeError`` on a runtime error,
        ``LimitExceeded`` on a limit, ``Cancelled`` after ``cancel()``."""
        if steps is not None and steps < 0:
            raise ValueError(f"steps must be >= 0, got {steps}")
        with self._run_lock:
            if self._state == "halted":
                return "halted"
            if self._state == "failed":
                raise self._error
            if self._state == "new":
                self.start()
            t0 = time.monotonic()
            try:
                return self._loop(steps, t0)
            finally:
                self._wall_used += time.monotonic() - t0

    def _loop(self, remaining: int | None, t0: float) -> str:
        st, ctl = self.st, self.ctl
        wall = self.limits.wall_time
        while True:
            if ctl[L.CTL_CANCEL]:
                raise self._fail(Cancelled("the run was cancelled", **self._where()))
            if remaining == 0:
                self._state = "paused"
                pc = int(st[L.ST_PC])
                if self.bp[pc] and pc != self._skip_pc:   # the budget ran out right at a breakpoint
                    self._skip_pc = pc
                    return "breakpoint"
                return "step"
            budget = self._chunk if remaining is None else min(self._chunk, remaining)
            pc = int(st[L.ST_PC])
            # resuming from a breakpoint (or re-running an instruction after growing an array): lift the
            # flag of that pc for exactly one instruction, so the loop itself never tests a "skip" state
            lifted = self.bp[pc] if pc == self._skip_pc else 0
            if lifted:
                self.bp[pc] = 0
                budget = 1
            ctl[L.CTL_STEPS] = budget
            before = int(st[L.ST_COUNT])
            try:
                status = self._call()
            finally:
                if lifted:
                    self.bp[pc] = lifted
            done = int(st[L.ST_COUNT]) - before
            if done:
                self._skip_pc = -1
            if remaining is not None:
                remaining -= done
            if status == L.S_HALT:
                self._state = "halted"
                return "halted"
            if status == L.S_BREAK:
                self._skip_pc = int(st[L.ST_PC])
                self._state = "paused"
                return "breakpoint"
            if status == L.S_HOST:
                self._host(int(st[L.ST_HOST]))
            elif status == L.S_GROW:
                self._grow(int(st[L.ST_NEED_KIND]), int(st[L.ST_NEED_AMOUNT]))
                self._skip_pc = int(st[L.ST_PC])
            elif status == L.S_TRAP:
                # the heap limit: the failing allocation has not run; collect garbage once and retry it
                at = (int(st[L.ST_PC]), int(st[L.ST_COUNT]))
                if int(st[L.ST_TRAP]) == L.TRAP_HEAP_LIMIT and at != self._gc_retry:
                    self._gc_retry = at
                    self.collect()
                    self._skip_pc = at[0]
                    continue
                raise self._fail(self._trap_error())
            elif status == L.S_FUEL:
                raise self._fail(LimitExceeded(
                    f"fuel exhausted: the run executed its limit of {self.limits.fuel} instructions",
                    limit="fuel", **self._where()))
            elif status == L.S_CANCEL:
                raise self._fail(Cancelled("the run was cancelled", **self._where()))
            elif status != L.S_STEP:
                raise RuntimeError(f"interpreter returned unknown status {status}")
            if wall is not None and self._wall_used + (time.monotonic() - t0) > wall:
                raise self._fail(LimitExceeded(f"wall time limit of {wall} s exceeded", limit="wall_time",
                                               **self._where()))

    def _fail(self, err: MVMRuntimeError) -> MVMRuntimeError:
        self._state = "failed"
        self._error = err
        return err

    def cancel(self) -> None:
        """Ask a running (or the next) ``run`` to stop with ``Cancelled``; safe from any thread."""
        self.ctl[L.CTL_CANCEL] = 1

    def _grow(self, kind: int, amount: int) -> None:
        """Grow the array the loop asked for (the loop already checked the limits).

        A heap or the object table that has grown large is first swept by ``collect``; if that frees
        enough, nothing grows."""
        st = self.st
        if kind in (L.NEED_HF, L.NEED_HI):
            top = L.ST_HF_TOP if kind == L.NEED_HF else L.ST_HI_TOP
            used = int(st[L.ST_HF_TOP] + st[L.ST_HI_TOP])
            if used >= self._gc_elements:
                wanted = amount - int(st[top])           # elements of the allocation that asked
                self.collect()
                used = int(st[L.ST_HF_TOP] + st[L.ST_HI_TOP])
                self._gc_elements = max(_GC_START_ELEMENTS, 2 * used)
                heap = self.HF if kind == L.NEED_HF else self.HI
                amount = int(st[top]) + wanted
                if amount <= heap.shape[0]:
                    return
        elif kind == L.NEED_OBJ and amount >= self._gc_objects:
            self.collect()
            self._gc_objects = max(_GC_START_OBJECTS, 2 * self.live_objects())
            if st[L.ST_FREE] != 0:
                return
        heap_cap = self._heap_limit // 8
        if kind == L.NEED_HF:
            self.HF = _grown(self.HF, amount, heap_cap - int(self.st[L.ST_HI_TOP]))
        elif kind == L.NEED_HI:
            self.HI = _grown(self.HI, amount, heap_cap - int(self.st[L.ST_HF_TOP]))
        elif kind == L.NEED_OBJ:
            self.objs = _grown(self.objs, amount)
        elif kind == L.NEED_I:
            self.I = _grown(self.I, amount)
        elif kind == L.NEED_F:
            self.F = _grown(self.F, amount)
        elif kind == L.NEED_FRAMES:
            self.frame_stack = _grown(self.frame_stack, amount, self._max_depth + 1)
        else:
            raise RuntimeError(f"interpreter asked to grow unknown array kind {kind}")

    # --- garbage collection ----------------------------------------------------------------------------------

    def _root_window(self) -> np.ndarray:
        """The int registers of every active frame (frames are contiguous windows from register 0)."""
        d = int(self.st[L.ST_DEPTH])
        if d <= 0:
            return self.I[:0]
        top = self.frame_stack[d - 1]
        end = int(top[L.FR_IBASE]) + int(self.funcs[int(top[L.FR_FUNC]), L.FN_FRAME_I])
        return self.I[:min(end, self.I.shape[0])]

    def live_objects(self) -> int:
        """Object-table rows in use (allocated and not freed)."""
        n = int(self.st[L.ST_NOBJ])
        return int(np.count_nonzero(self.objs[1:n, L.OBJ_NDIM]))

    def collect(self) -> int:
        """Free the arrays no register refers to and compact both heaps; return the elements freed.

        Arrays hold no handles, so the roots are all there is to mark: every int register of the active
        frames whose value is a valid handle (conservatively: an int that happens to equal a handle keeps
        that array alive). Handles never move; freed rows go on the free list ``_alloc`` takes from, with
        zero lengths so that a stale handle traps instead of reading another array."""
        st = self.st
        n = int(st[L.ST_NOBJ])
        objs = self.objs[:n]                           # a view: rows in use
        regs = self._root_window()
        live = np.zeros(n, dtype=bool)
        live[regs[(regs > 0) & (regs < n)]] = True
        allocated = objs[:, L.OBJ_NDIM] != 0
        allocated[0] = False
        dead = allocated & ~live
        objs[dead, L.OBJ_NDIM] = 0
        objs[dead, L.OBJ_LEN] = 0
        objs[dead, L.OBJ_COLS] = 0
        objs[dead, L.OBJ_NF] = 0
        objs[dead, L.OBJ_NI] = 0
        free = np.flatnonzero(objs[:, L.OBJ_NDIM] == 0)
        free = free[free > 0]
        if free.size:                                  # relink every free row, lowest first
            objs[free, L.OBJ_OFF] = np.append(free[1:], 0)
        st[L.ST_FREE] = int(free[0]) if free.size else 0
        before = int(st[L.ST_HF_TOP] + st[L.ST_HI_TOP])
        for kind, heap, top in ((L.KIND_FLOAT, self.HF, L.ST_HF_TOP), (L.KIND_INT, self.HI, L.ST_HI_TOP)):
            rows = np.flatnonzero(live & allocated & (objs[:, L.OBJ_KIND] == kind))
            rows = rows[np.argsort(objs[rows, L.OBJ_OFF], kind="stable")]
            fill = 0
            for h in rows:                             # slide each live array down, in address order
                off = int(objs[h, L.OBJ_OFF])
                size = int(objs[h, L.OBJ_LEN]) * int(objs[h, L.OBJ_COLS])
                if off != fill:
                    heap[fill:fill + size] = heap[off:off + size]
                    objs[h, L.OBJ_OFF] = fill
                fill += size
            st[top] = fill
        self.collections += 1
        return before - int(st[L.ST_HF_TOP] + st[L.ST_HI_TOP])

    # --- host calls -----------------------------------------------------------------------------------------

    def _host(self, index: int) -> None:
        """Serve host call ``index`` (a ``print``): format its items from the current frame, write one line."""
        d = int(self.st[L.ST_DEPTH]) - 1
        ib, fb = int(self.frame_stack[d, L.FR_IBASE]), int(self.frame_stack[d, L.FR_FBASE])
        parts = []
        for item in self.program.hosts[index]:
            if item.type == "str":
                parts.append(item.text)
            else:
                parts.append(format_value(self._value(item.type, item.reg, ib, fb)))
        out = self.stdout if self.stdout is not None else sys.stdout
        out.write(" ".join(parts) + "\n")

    # --- values ---------------------------------------------------------------------------------------------

    def _array(self, handle: int, typ: str) -> np.ndarray:
        """An owned copy of the heap array ``handle`` (shaped (rows, cols) when 2-D)."""
        if not 0 < handle < int(self.st[L.ST_NOBJ]):
            raise MVMRuntimeError(f"invalid array handle {handle}", **self._where())
        kind, ndim, off, rows, cols = (int(v) for v in self.objs[handle, :L.OBJ_NF])
        heap = self.HF if kind == L.KIND_FLOAT else self.HI
        data = heap[off:off + rows * cols].copy()
        return data.reshape(rows, cols) if ndim == 2 else data

    def _value(self, typ: str, reg: int, ib: int, fb: int):
        """The Python value of a register of type ``typ`` in the frame with bases ``ib``/``fb``."""
        if typ == "float":
            return float(self.F[fb + reg])
        if typ == "bool":
            return bool(self.I[ib + reg])
        if typ == "int":
            return int(self.I[ib + reg])
        return self._array(int(self.I[ib + reg]), typ)

    def result(self):
        """The halted run's value: ``None``, an int/float/bool, an owned numpy array, or a dict for a record."""
        if self._state != "halted":
            raise RuntimeError(f"the run has not halted (state {self._state})")
        fn = self.program.functions[self._function]
        if fn.ret_type is None:
            return None
        if fn.ret_type == "record":
            rec = self.program.records[int(self.st[L.ST_RECORD])]
            return {f.name: self._value(f.type, f.reg, 0, 0) for f in rec}
        return self._value(fn.ret_type, 0, 0, 0)

    # --- inspection -----------------------------------------------------------------------------------------

    @property
    def pc(self) -> int:
        """pc of the next instruction (of the last one once halted)."""
        return int(self.st[L.ST_PC])

    @property
    def instructions(self) -> int:
        """Instructions executed so far."""
        return int(self.st[L.ST_COUNT])

    @property
    def state(self) -> str:
        """``new``, ``ready``, ``paused``, ``halted`` or ``failed``."""
        return self._state

    @property
    def heap_bytes(self) -> int:
        """Bytes of heap in use (8 per array element)."""
        return 8 * int(self.st[L.ST_HF_TOP] + self.st[L.ST_HI_TOP])

    @property
    def breakpoints(self) -> list[int]:
        """pcs that have a breakpoint."""
        return [int(p) for p in np.flatnonzero(self.bp[: self.code.shape[0]])]

    def set_breakpoint(self, pc: int) -> None:
        """Stop before executing the instruction at ``pc``."""
        self._check_pc(pc)
        self.bp[pc] = 1

    def clear_breakpoint(self, pc: int) -> None:
        """Remove the breakpoint at ``pc`` (if any)."""
        self._check_pc(pc)
        self.bp[pc] = 0

    def _check_pc(self, pc: int) -> None:
        if not 0 <= pc < self.code.shape[0]:
            raise ValueError(f"pc {pc} is outside the program (0..{self.code.shape[0] - 1})")

    def line_pcs(self, line: int) -> list[int]:
        """The first pc of each run of consecutive instructions on source line ``line``."""
        on = self.lines == line
        starts = on.copy()
        starts[1:] &= ~on[:-1]
        return [int(p) for p in np.flatnonzero(starts)]

    def _frame_pcs(self) -> list[tuple[int, int]]:
        """(function index, pc) of each active frame, outermost first; callers are at their CALL."""
        depth = int(self.st[L.ST_DEPTH])
        out = []
        for d in range(depth):
            pc = int(self.st[L.ST_PC]) if d == depth - 1 else int(self.frame_stack[d + 1, L.FR_RET]) - 1
            out.append((int(self.frame_stack[d, L.FR_FUNC]), pc))
        return out

    def frames(self) -> list[FrameView]:
        """The active frames, outermost first, each with its locals in scope at its pc."""
        views = []
        for d, (fi, pc) in enumerate(self._frame_pcs()):
            fn = self.program.functions[fi]
            ib, fb = int(self.frame_stack[d, L.FR_IBASE]), int(self.frame_stack[d, L.FR_FBASE])
            scope = sorted((v for v in fn.vars if v.start <= pc < v.end), key=lambda v: v.start)
            local_values = {}
            for v in scope:  # an inner (later-starting) variable shadows an outer one of the same name
                try:
                    local_values[v.name] = self._value(v.type, v.reg, ib, fb)
                except MVMRuntimeError:
                    local_values[v.name] = None
            views.append(FrameView(function=fn.name, index=fi, pc=pc, line=int(self.lines[pc]),
                                   col=int(self.cols[pc]), locals=local_values))
        return views

    # --- errors ---------------------------------------------------------------------------------------------

    def _source_line(self, line: int) -> str:
        src = self.program.source
        if not src or line < 1:
            return ""
        lines = src.splitlines()
        return lines[line - 1].strip() if line <= len(lines) else ""

    def traceback(self) -> list[str]:
        """One line per active frame, outermost first: model, function, file:line:col and source line.

        Runs of identical lines (deep recursion) are folded, as Python does: the line is shown three times,
        then ``[previous line repeated N more times]``."""
        out: list[str] = []
        file = self.program.file or "<source>"
        repeat = 0
        for fi, pc in self._frame_pcs():
            fn = self.program.functions[fi]
            line, col = int(self.lines[pc]), int(self.cols[pc])
            text = self._source_line(line)
            entry = f"model {self.program.name}, fn {fn.name}, {file}:{line}:{col}"
            entry = f"{entry}: {text}" if text else entry
            if out and entry == out[-1 - (1 if out[-1].startswith("[") else 0)] and repeat >= 2:
                repeat += 1
                note = f"[previous line repeated {repeat - 2} more times]"
                if out[-1].startswith("["):
                    out[-1] = note
                else:
                    out.append(note)
                continue
            repeat = repeat + 1 if out and entry == out[-1] else 0
            out.append(entry)
        return out

    def _where(self) -> dict:
        """Location keywords of an error at the current pc (innermost frame) with the traceback."""
        pc = int(self.st[L.ST_PC])
        line = int(self.lines[pc]) if 0 <= pc < self.lines.shape[0] else 0
        col = int(self.cols[pc]) if 0 <= pc < self.cols.shape[0] else 0
        return dict(file=self.program.file, line=line, col=col, source=self.program.source,
                    traceback=self.traceback())

    def _trap_args(self, code: int) -> tuple[int, int]:
        """Decode the arguments of trap ``code`` from the failing instruction, which the loop left unexecuted
        (its operand registers still hold what failed); also store them in ``st[ST_TRAP_A/B]``."""
        pc = int(self.st[L.ST_PC])
        op, oa, ob, oc = (int(v) for v in self.code[pc])
        name = opcodes.BY_CODE[op].name if op in opcodes.BY_CODE else ""
        d = int(self.st[L.ST_DEPTH]) - 1
        ib = int(self.frame_stack[d, L.FR_IBASE])

        def reg(r: int) -> int:
            return int(self.I[ib + r])

        def obj(h: int, col: int) -> int:
            return int(self.objs[h, col]) if 0 < h < int(self.st[L.ST_NOBJ]) else 0

        handle = reg(oa) if name in _HANDLE_IN_A else reg(ob)
        a = b = 0
        if code == L.TRAP_MESSAGE:
            a = oa
        elif code == L.TRAP_INDEX:
            a = reg(oc) if name.startswith("ALOAD") else reg(ob)
            b = obj(handle, L.OBJ_LEN) * obj(handle, L.OBJ_COLS)
        elif code == L.TRAP_ROW:
            a, b = reg(oa), obj(handle, L.OBJ_LEN)
        elif code == L.TRAP_COL:
            a, b = reg(oc), obj(handle, L.OBJ_COLS)
        elif code == L.TRAP_NEG_SIZE:
            a = reg(ob) if name in ("NEW_F", "NEW_I") or reg(ob) < 0 else reg(oc)
        elif code == L.TRAP_HEAP_LIMIT:
            if name == "COPY":
                a, b = obj(handle, L.OBJ_LEN), obj(handle, L.OBJ_COLS)
            else:
                a, b = reg(ob), (reg(oc) if name.startswith("NEW2") else 1)
        elif code in (L.TRAP_BAD_HANDLE, L.TRAP_BAD_KIND):
            a, b = handle, obj(handle, L.OBJ_KIND)
        elif code == L.TRAP_NEG_EXP:
            a = reg(oc)
        elif code == L.TRAP_F2I:
            a = ob
        elif code == L.TRAP_CALL_DEPTH:
            a = self._max_depth
        elif code == L.TRAP_RANDINT:
            a, b = reg(ob), reg(oc)
        elif code == L.TRAP_BAD_OPCODE:
            a = op
        self.st[L.ST_TRAP_A] = a
        self.st[L.ST_TRAP_B] = b
        return a, b

    def _trap_error(self) -> MVMRuntimeError:
        """The exception for the trap the loop stopped with."""
        code = int(self.st[L.ST_TRAP])
        a, b = self._trap_args(code)
        where = self._where()
        if code == L.TRAP_CALL_DEPTH:
            return LimitExceeded(f"call depth limit of {a} frames exceeded (runaway recursion?)",
                                 limit="call_depth", **where)
        if code == L.TRAP_HEAP_LIMIT:
            return LimitExceeded(f"heap limit of {self._heap_limit} bytes exceeded: cannot allocate "
                                 f"{a * b} more elements", limit="heap_bytes", **where)
        return MVMRuntimeError(self._trap_message(code, a, b), **where)

    def _trap_message(self, code: int, a: int, b: int) -> str:
        """The message of a runtime error (every trap code but the two limits)."""
        kinds = {L.KIND_FLOAT: "float", L.KIND_INT: "int"}
        if code == L.TRAP_MESSAGE:
            return self.program.strings[a] if 0 <= a < len(self.program.strings) else f"trap {a}"
        if code == L.TRAP_INDEX:
            return f"index {a} out of bounds for array of length {b}"
        if code == L.TRAP_ROW:
            return f"row index {a} out of bounds for array with {b} rows"
        if code == L.TRAP_COL:
            return f"column index {a} out of bounds for array with {b} columns"
        if code == L.TRAP_DIV_ZERO:
            return "integer division by zero"
        if code == L.TRAP_MOD_ZERO:
            return "integer modulo by zero"
        if code == L.TRAP_NEG_SIZE:
            return f"negative array size {a}"
        if code == L.TRAP_BAD_HANDLE:
            return f"invalid array handle {a}"
        if code == L.TRAP_BAD_KIND:
            return f"array handle {a} refers to an {kinds.get(b, '?')} array of the wrong element type"
        if code == L.TRAP_NEG_EXP:
            return f"negative exponent {a} in integer power"
        if code == L.TRAP_F2I:
            d = int(self.st[L.ST_DEPTH]) - 1
            x = float(self.F[int(self.frame_stack[d, L.FR_FBASE]) + a])
            why = "not a number" if math.isnan(x) else ("infinite" if math.isinf(x) else "outside the int64 range")
            return f"cannot convert float {x!r} to int: {why}"
        if code == L.TRAP_RANDINT:
            return f"randint({a}, {b}): empty range (hi must be greater than lo)"
        if code == L.TRAP_RET_REC:
            return "a record can only be returned from the outermost call"
        if code == L.TRAP_BAD_OPCODE:
            return f"invalid opcode {a}"
        return f"runtime error (trap code {code})"


def format_value(value) -> str:
    """Text of a value as ``print`` writes it (CONTEXT decision 9): ints decimal, floats ``repr``, bools
    ``true``/``false``, arrays ``[x, y, ...]`` (a 2-D array as a list of rows)."""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, np.ndarray):
        return _format_list(value.tolist())
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _format_list(items: list) -> str:
    return "[" + ", ".join(_format_list(v) if isinstance(v, list) else format_value(v) for v in items) + "]"
