"""The interpreter loop, generated from the opcode table and compiled once by Numba.

Input: the opcode table (``mvm.bytecode.opcodes``), one body per opcode name (``BODIES`` below), the text of
``kernels.py`` and the constants of ``layout.py``. Output: ``get_interpreter()``, the compiled loop

    run(code, KF, KI, F, I, HF, HI, objs, frames, st, ctl, bp, rng, funcs) -> status

one ``@numba.njit(nogil=True, cache=True)`` function over the VM's numpy arrays (``layout`` documents them).
It executes instructions from ``st[ST_PC]`` until something needs the host and returns a status (``S_*``);
``pc``, the frame depth and the object count are saved into ``st`` before every return, so the host can
inspect the state and call it again to resume exactly where it stopped.

How the source is made: a header (the kernels, the layout constants, small helpers) and one
``elif op == <code>:  # NAME  effect`` branch per opcode, opcode numbers as integer literals so that LLVM
turns the chain into a single ``switch``. The text is written to a file named by its content hash under the
cache directory (``MVM_CACHE_DIR``, default ``~/.cache/mvm``, else a temporary directory) and imported from
there: Numba can cache a function only if it lives in a real file, and a content-hashed name makes a stale
cache impossible. With ``NUMBA_DISABLE_JIT=1`` the same file runs as plain Python (the reference tier).

Per instruction the loop pays one load of the breakpoint flag ``bp[pc]``, one test of the budget counter (which
is also the cancel-poll clock) and its decrement. Everything a program cannot be trusted with at verification
time (array indices, handles, sizes, divisors, call depth, float to int conversion) is checked and traps.
"""

import contextlib
import hashlib
import importlib.util
import os
import re
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

from mvm.bytecode import opcodes
from mvm.vm import kernels, layout

# Every body runs with these locals: the operands op, a, b, c of the instruction at pc; the frame bases
# ibase, fbase; depth; maxdepth; nobj (object-table rows in use); the arrays of the signature. A body either
# advances pc (or jumps), or sets ``status`` and ``break``s. A runtime error sets ``status = -TRAP_code``
# before any side effect, so the operands of the failing instruction are still in its registers and the host
# reads them from there for the message (recording them here would cost compile time at every trap site). A
# request for space records ST_NEED_* and sets S_GROW: pc stays, the host grows the array, the instruction
# runs again. Int temporaries are h, k, m, n, src, dst; float ones u, v, x (made unique per opcode).
BODIES: dict[str, str] = {
    # --- moves and conversions
    "MOV_I": "I[ibase + a] = I[ibase + b]; pc += 1",
    "MOV_F": "F[fbase + a] = F[fbase + b]; pc += 1",
    "LOADI": "I[ibase + a] = b; pc += 1",
    "LOADK_I": "I[ibase + a] = KI[b]; pc += 1",
    "LOADK_F": "F[fbase + a] = KF[b]; pc += 1",
    "I2F": "F[fbase + a] = float(I[ibase + b]); pc += 1",
    "F2I": """
        x = F[fbase + b]
        if not f2i_ok(x): status = -TRAP_F2I; break
        I[ibase + a] = np.int64(x); pc += 1
    """,
    # --- int arithmetic (int64 wraps)
    "ADD_I": "I[ibase + a] = I[ibase + b] + I[ibase + c]; pc += 1",
    "SUB_I": "I[ibase + a] = I[ibase + b] - I[ibase + c]; pc += 1",
    "MUL_I": "I[ibase + a] = I[ibase + b] * I[ibase + c]; pc += 1",
    "FLOORDIV_I": """
        k = I[ibase + c]
        if k == 0: status = -TRAP_DIV_ZERO; break
        I[ibase + a] = floordiv_i(I[ibase + b], k); pc += 1
    """,
    "MOD_I": """
        k = I[ibase + c]
        if k == 0: status = -TRAP_MOD_ZERO; break
        I[ibase + a] = mod_i(I[ibase + b], k); pc += 1
    """,
    "POW_I": """
        k = I[ibase + c]
        if k < 0: status = -TRAP_NEG_EXP; break
        I[ibase + a] = pow_i(I[ibase + b], k); pc += 1
    """,
    "NEG_I": "I[ibase + a] = -I[ibase + b]; pc += 1",
    "ADDI_I": "I[ibase + a] = I[ibase + b] + c; pc += 1",
    "MULI_I": "I[ibase + a] = I[ibase + b] * c; pc += 1",
    "MIN_I": """
        h = I[ibase + b]; k = I[ibase + c]
        I[ibase + a] = k if k < h else h; pc += 1
    """,
    "MAX_I": """
        h = I[ibase + b]; k = I[ibase + c]
        I[ibase + a] = k if k > h else h; pc += 1
    """,
    "ABS_I": """
        h = I[ibase + b]
        I[ibase + a] = -h if h < 0 else h; pc += 1
    """,
    # --- float arithmetic (IEEE 754, no fast-math)
    "ADD_F": "F[fbase + a] = F[fbase + b] + F[fbase + c]; pc += 1",
    "SUB_F": "F[fbase + a] = F[fbase + b] - F[fbase + c]; pc += 1",
    "MUL_F": "F[fbase + a] = F[fbase + b] * F[fbase + c]; pc += 1",
    "DIV_F": "F[fbase + a] = F[fbase + b] / F[fbase + c]; pc += 1",
    "FLOORDIV_F": "F[fbase + a] = floordiv_f(F[fbase + b], F[fbase + c]); pc += 1",
    "MOD_F": "F[fbase + a] = mod_f(F[fbase + b], F[fbase + c]); pc += 1",
    "POW_F": "F[fbase + a] = F[fbase + b] ** F[fbase + c]; pc += 1",
    "NEG_F": "F[fbase + a] = -F[fbase + b]; pc += 1",
    "MIN_F": """
        u = F[fbase + b]; v = F[fbase + c]
        F[fbase + a] = v if v < u else u; pc += 1
    """,
    "MAX_F": """
        u = F[fbase + b]; v = F[fbase + c]
        F[fbase + a] = v if v > u else u; pc += 1
    """,
    "ATAN2_F": "F[fbase + a] = math.atan2(F[fbase + b], F[fbase + c]); pc += 1",
    "ADDK_F": "F[fbase + a] = F[fbase + b] + KF[c]; pc += 1",
    "SUBK_F": "F[fbase + a] = F[fbase + b] - KF[c]; pc += 1",
    "MULK_F": "F[fbase + a] = F[fbase + b] * KF[c]; pc += 1",
    "DIVK_F": "F[fbase + a] = F[fbase + b] / KF[c]; pc += 1",
    "KSUB_F": "F[fbase + a] = KF[c] - F[fbase + b]; pc += 1",
    "KDIV_F": "F[fbase + a] = KF[c] / F[fbase + b]; pc += 1",
    "MATH_F": "F[fbase + a] = math1(c, F[fbase + b]); pc += 1",
    # --- comparisons (bools are 0/1)
    "LT_I": "I[ibase + a] = 1 if I[ibase + b] < I[ibase + c] else 0; pc += 1",
    "LE_I": "I[ibase + a] = 1 if I[ibase + b] <= I[ibase + c] else 0; pc += 1",
    "EQ_I": "I[ibase + a] = 1 if I[ibase + b] == I[ibase + c] else 0; pc += 1",
    "NE_I": "I[ibase + a] = 1 if I[ibase + b] != I[ibase + c] else 0; pc += 1",
    "LT_F": "I[ibase + a] = 1 if F[fbase + b] < F[fbase + c] else 0; pc += 1",
    "LE_F": "I[ibase + a] = 1 if F[fbase + b] <= F[fbase + c] else 0; pc += 1",
    "EQ_F": "I[ibase + a] = 1 if F[fbase + b] == F[fbase + c] else 0; pc += 1",
    "NE_F": "I[ibase + a] = 1 if F[fbase + b] != F[fbase + c] else 0; pc += 1",
    "NOT": "I[ibase + a] = 1 - I[ibase + b]; pc += 1",
    # --- branches
    "JMP": "pc = a",
    "JT": "pc = b if I[ibase + a] != 0 else pc + 1",
    "JF": "pc = b if I[ibase + a] == 0 else pc + 1",
    "JLT_I": "pc = c if I[ibase + a] < I[ibase + b] else pc + 1",
    "JLE_I": "pc = c if I[ibase + a] <= I[ibase + b] else pc + 1",
    "JEQ_I": "pc = c if I[ibase + a] == I[ibase + b] else pc + 1",
    "JNE_I": "pc = c if I[ibase + a] != I[ibase + b] else pc + 1",
    "JLTI_I": "pc = c if I[ibase + a] < b else pc + 1",
    "JLEI_I": "pc = c if I[ibase + a] <= b else pc + 1",
    "JGTI_I": "pc = c if I[ibase + a] > b else pc + 1",
    "JGEI_I": "pc = c if I[ibase + a] >= b else pc + 1",
    "JEQI_I": "pc = c if I[ibase + a] == b else pc + 1",
    "JNEI_I": "pc = c if I[ibase + a] != b else pc + 1",
    "JLT_F": "pc = c if F[fbase + a] < F[fbase + b] else pc + 1",
    "JLE_F": "pc = c if F[fbase + a] <= F[fbase + b] else pc + 1",
    "JEQ_F": "pc = c if F[fbase + a] == F[fbase + b] else pc + 1",
    "JNLT_F": "pc = pc + 1 if F[fbase + a] < F[fbase + b] else c",
    "JNLE_F": "pc = pc + 1 if F[fbase + a] <= F[fbase + b] else c",
    "JNEQ_F": "pc = pc + 1 if F[fbase + a] == F[fbase + b] else c",
    # --- arrays
    "NEW_F": """
        h = _alloc(st, objs, HF, HI, nobj, KIND_FLOAT, 1, I[ibase + b], 1)
        if h <= 0: status = h if h < 0 else S_GROW; break
        I[ibase + a] = h; nobj = max(nobj, h + 1); pc += 1
    """,
    "NEW_I": """
        h = _alloc(st, objs, HF, HI, nobj, KIND_INT, 1, I[ibase + b], 1)
        if h <= 0: status = h if h < 0 else S_GROW; break
        I[ibase + a] = h; nobj = max(nobj, h + 1); pc += 1
    """,
    "NEW2_F": """
        h = _alloc(st, objs, HF, HI, nobj, KIND_FLOAT, 2, I[ibase + b], I[ibase + c])
        if h <= 0: status = h if h < 0 else S_GROW; break
        I[ibase + a] = h; nobj = max(nobj, h + 1); pc += 1
    """,
    "NEW2_I": """
        h = _alloc(st, objs, HF, HI, nobj, KIND_INT, 2, I[ibase + b], I[ibase + c])
        if h <= 0: status = h if h < 0 else S_GROW; break
        I[ibase + a] = h; nobj = max(nobj, h + 1); pc += 1
    """,
    "IDX2": """
        h = I[ibase + b]
        if h <= 0 or h >= nobj: status = -TRAP_BAD_HANDLE; break
        k = I[ibase + a]; n = objs[h, OBJ_LEN]
        if k < 0 or k >= n: status = -TRAP_ROW; break
        m = I[ibase + c]; n = objs[h, OBJ_COLS]
        if m < 0 or m >= n: status = -TRAP_COL; break
        I[ibase + a] = k * n + m; pc += 1
    """,
    "LEN": """
        h = I[ibase + b]
        if h <= 0 or h >= nobj: status = -TRAP_BAD_HANDLE; break
        I[ibase + a] = objs[h, OBJ_LEN]; pc += 1
    """,
    "ROWS": """
        h = I[ibase + b]
        if h <= 0 or h >= nobj: status = -TRAP_BAD_HANDLE; break
        I[ibase + a] = objs[h, OBJ_LEN]; pc += 1
    """,
    "COLS": """
        h = I[ibase + b]
        if h <= 0 or h >= nobj: status = -TRAP_BAD_HANDLE; break
        I[ibase + a] = objs[h, OBJ_COLS]; pc += 1
    """,
    "COPY": """
        h = I[ibase + b]
        if h <= 0 or h >= nobj: status = -TRAP_BAD_HANDLE; break
        k = _alloc(st, objs, HF, HI, nobj, objs[h, OBJ_KIND], objs[h, OBJ_NDIM], objs[h, OBJ_LEN],
                   objs[h, OBJ_COLS])
        if k <= 0: status = k if k < 0 else S_GROW; break
        n = objs[h, OBJ_LEN] * objs[h, OBJ_COLS]; src = objs[h, OBJ_OFF]; dst = objs[k, OBJ_OFF]
        if objs[h, OBJ_KIND] == KIND_FLOAT:
            _copy_f(HF, dst, src, n)
        else:
            _copy_i(HI, dst, src, n)
        I[ibase + a] = k; nobj = max(nobj, k + 1); pc += 1
    """,
    "FILL_F": """
        h = I[ibase + a]
        if h <= 0 or h >= nobj: status = -TRAP_BAD_HANDLE; break
        if objs[h, OBJ_KIND] != KIND_FLOAT:
            status = -TRAP_BAD_KIND; break
        n = objs[h, OBJ_LEN] * objs[h, OBJ_COLS]; src = objs[h, OBJ_OFF]
        _fill_f(HF, src, n, F[fbase + b]); pc += 1
    """,
    "FILL_I": """
        h = I[ibase + a]
        if h <= 0 or h >= nobj: status = -TRAP_BAD_HANDLE; break
        if objs[h, OBJ_KIND] != KIND_INT:
            status = -TRAP_BAD_KIND; break
        n = objs[h, OBJ_LEN] * objs[h, OBJ_COLS]; src = objs[h, OBJ_OFF]
        _fill_i(HI, src, n, I[ibase + b]); pc += 1
    """,
    "SUM_F": """
        h = I[ibase + b]
        if h <= 0 or h >= nobj: status = -TRAP_BAD_HANDLE; break
        if objs[h, OBJ_KIND] != KIND_FLOAT:
            status = -TRAP_BAD_KIND; break
        n = objs[h, OBJ_LEN] * objs[h, OBJ_COLS]; src = objs[h, OBJ_OFF]
        F[fbase + a] = _sum_f(HF, src, n); pc += 1
    """,
    "SUM_I": """
        h = I[ibase + b]
        if h <= 0 or h >= nobj: status = -TRAP_BAD_HANDLE; break
        if objs[h, OBJ_KIND] != KIND_INT:
            status = -TRAP_BAD_KIND; break
        n = objs[h, OBJ_LEN] * objs[h, OBJ_COLS]; src = objs[h, OBJ_OFF]
        I[ibase + a] = _sum_i(HI, src, n); pc += 1
    """,
    # --- random numbers (SFC64 stream in rng)
    "RAND": "F[fbase + a] = rand_f(rng); pc += 1",
    "RANDN": "F[fbase + a] = randn_f(rng); pc += 1",
    "RANDINT": """
        h = I[ibase + b]; k = I[ibase + c]
        if k <= h: status = -TRAP_RANDINT; break
        I[ibase + a] = randint_i(rng, h, k); pc += 1
    """,
    # --- calls
    "CALL": """
        h = ibase + b; k = fbase + c
        if depth >= dlim:    # near a limit: check depth, frame stack and register files precisely
            if depth >= maxdepth: status = -TRAP_CALL_DEPTH; break
            if depth >= frames.shape[0]:
                st[ST_NEED_KIND] = NEED_FRAMES; st[ST_NEED_AMOUNT] = depth + 1; status = S_GROW; break
            n = h + funcs[a, FN_FRAME_I]
            if n > I.shape[0]: st[ST_NEED_KIND] = NEED_I; st[ST_NEED_AMOUNT] = n; status = S_GROW; break
            n = k + funcs[a, FN_FRAME_F]
            if n > F.shape[0]: st[ST_NEED_KIND] = NEED_F; st[ST_NEED_AMOUNT] = n; status = S_GROW; break
        n = np.uint64(depth)
        frames[n, FR_FUNC] = a; frames[n, FR_RET] = pc + 1
        frames[n, FR_IBASE] = h; frames[n, FR_FBASE] = k
        depth += 1; ibase = h; fbase = k
        pc = funcs[np.uint64(a), FN_ENTRY]
    """,
    "RET": """
        depth -= 1
        if depth == 0: status = S_HALT; break
        pc = frames[np.uint64(depth), FR_RET]
        ibase = frames[np.uint64(depth - 1), FR_IBASE]; fbase = frames[np.uint64(depth - 1), FR_FBASE]
    """,
    "RET_I": """
        I[np.uint64(ibase)] = I[ibase + a]
        depth -= 1
        if depth == 0: status = S_HALT; break
        pc = frames[np.uint64(depth), FR_RET]
        ibase = frames[np.uint64(depth - 1), FR_IBASE]; fbase = frames[np.uint64(depth - 1), FR_FBASE]
    """,
    "RET_F": """
        F[np.uint64(fbase)] = F[fbase + a]
        depth -= 1
        if depth == 0: status = S_HALT; break
        pc = frames[np.uint64(depth), FR_RET]
        ibase = frames[np.uint64(depth - 1), FR_IBASE]; fbase = frames[np.uint64(depth - 1), FR_FBASE]
    """,
    "RET_REC": """
        if depth != 1: status = -TRAP_RET_REC; break
        st[ST_RECORD] = a; depth = 0; status = S_HALT; break
    """,
    "HOST": "st[ST_HOST] = a; pc += 1; status = S_HOST; break",
    "TRAP": "status = -TRAP_MESSAGE; break",
    # --- for loops (the verifier checks a + 1 is inside the frame)
    "FORLIM_I": "I[ibase + a] = sat_sub_i(I[ibase + b], c); pc += 1",
    "FORLIMR_I": "I[ibase + a] = sat_sub_i(I[ibase + b], I[ibase + c]); pc += 1",
    "FORUP_I": """
        h = I[ibase + a]
        if h < I[ibase + a + 1]:
            I[ibase + a] = h + b; pc = c
        else:
            pc += 1
    """,
    "FORDN_I": """
        h = I[ibase + a]
        if h > I[ibase + a + 1]:
            I[ibase + a] = h + b; pc = c
        else:
            pc += 1
    """,
    "FORSTEP_I": """
        h = I[ibase + a]
        k = I[ibase + b]
        if (k > 0 and h < I[ibase + a + 1]) or (k < 0 and h > I[ibase + a + 1]):
            I[ibase + a] = h + k; pc = c
        else:
            pc += 1
    """,
}



def _element_access(load: bool, kind: str) -> str:
    """Body of ALOAD_F/ALOAD_I/ASTORE_F/ASTORE_I: check handle, kind and index, then move one element."""
    bank, base = ("F", "fbase") if kind == "F" else ("I", "ibase")
    handle, index, value = ("b", "c", "a") if load else ("a", "b", "c")
    element = f"H{kind}[np.uint64(objs[np.uint64(h), OBJ_OFF] + k)]"
    register = f"{bank}[{base} + {value}]"
    move = f"{register} = {element}" if load else f"{element} = {register}"
    return f"""
        h = I[ibase + {handle}]
        k = I[ibase + {index}]
        # one unsigned compare each: 1 <= h < nobj, and 0 <= k < count (a count of 0 marks the other kind)
        if np.uint64(h - 1) >= np.uint64(nobj - 1): status = -TRAP_BAD_HANDLE; break
        if np.uint64(k) >= np.uint64(objs[np.uint64(h), OBJ_N{kind}]):
            status = -TRAP_BAD_KIND if objs[h, OBJ_KIND] != KIND_{'FLOAT' if kind == 'F' else 'INT'} else -TRAP_INDEX; break
        {move}; pc += 1
    """


BODIES.update({f"{'ALOAD' if load else 'ASTORE'}_{kind}": _element_access(load, kind)
               for load in (True, False) for kind in "FI"})

# Helpers of the loop: written into the generated file after the kernels and the layout constants.
_HELPERS = '''
@numba.njit(**_JIT)
def _need(st, kind, amount):
    """Record a request for more space; return 0 (no handle: the loop stops with S_GROW)."""
    st[ST_NEED_KIND] = kind
    st[ST_NEED_AMOUNT] = amount
    return 0


@numba.njit(**_JIT)
def _alloc(st, objs, HF, HI, nobj, kind, ndim, rows, cols):
    """Allocate a zero-filled array of rows x cols. Return its handle (> 0), -TRAP_code for a runtime error,
    or 0 after recording a request for space."""
    if rows < 0 or cols < 0:
        return -TRAP_NEG_SIZE
    hft = st[ST_HF_TOP]
    hit = st[ST_HI_TOP]
    avail = (st[ST_HEAP_LIMIT] >> 3) - hft - hit
    # compare by division: rows * cols may overflow int64
    if cols != 0 and rows > avail // cols:
        return -TRAP_HEAP_LIMIT
    n = rows * cols
    h = st[ST_FREE]               # a row freed by the host's garbage collection, else a new one
    if h == 0:
        if nobj >= objs.shape[0]:
            return _need(st, NEED_OBJ, nobj + 1)
        h = nobj
    if kind == KIND_FLOAT:
        if hft + n > HF.shape[0]:
            return _need(st, NEED_HF, hft + n)
        _fill_f(HF, hft, n, 0.0)
        off = hft
        st[ST_HF_TOP] = hft + n
    else:
        if hit + n > HI.shape[0]:
            return _need(st, NEED_HI, hit + n)
        _fill_i(HI, hit, n, np.int64(0))
        off = hit
        st[ST_HI_TOP] = hit + n
    if h != nobj:                 # taken from the free list: unlink it
        st[ST_FREE] = objs[h, OBJ_OFF]
    objs[h, OBJ_KIND] = kind
    objs[h, OBJ_NDIM] = ndim
    objs[h, OBJ_OFF] = off
    objs[h, OBJ_LEN] = rows
    objs[h, OBJ_COLS] = cols
    objs[h, OBJ_NF] = n if kind == KIND_FLOAT else 0
    objs[h, OBJ_NI] = n if kind == KIND_INT else 0
    return h


@numba.njit(**_JIT)
def _call_room(st, frames, I, F, depth, ibase, fbase):
    """The depth below which CALL needs no size checks: the call depth limit, the frame stack, and room for
    that many more frames in both register files (a frame starts at most one largest frame above its
    caller's start and spans at most one largest frame)."""
    lim = min(st[ST_MAX_DEPTH], frames.shape[0])
    room_i = (I.shape[0] - ibase) // max(st[ST_MAX_FI], 1) - 1
    room_f = (F.shape[0] - fbase) // max(st[ST_MAX_FF], 1) - 1
    return min(lim, depth + min(room_i, room_f))


@numba.njit(**_JIT)
def _fill_f(HF, dst, n, v):
    """HF[dst:dst + n] := v (a loop: slices would bring array views and their reference counting)."""
    for k in range(dst, dst + n):
        HF[k] = v


@numba.njit(**_JIT)
def _fill_i(HI, dst, n, v):
    """HI[dst:dst + n] := v."""
    for k in range(dst, dst + n):
        HI[k] = v


@numba.njit(**_JIT)
def _copy_f(HF, dst, src, n):
    """HF[dst:dst + n] := HF[src:src + n] (the ranges never overlap: dst is a fresh allocation)."""
    for k in range(n):
        HF[dst + k] = HF[src + k]


@numba.njit(**_JIT)
def _copy_i(HI, dst, src, n):
    """HI[dst:dst + n] := HI[src:src + n]."""
    for k in range(n):
        HI[dst + k] = HI[src + k]


@numba.njit(**_JIT)
def _sum_f(HF, src, n):
    """Sum of HF[src:src + n], strictly left to right."""
    u = 0.0
    for k in range(src, src + n):
        u += HF[k]
    return u


@numba.njit(**_JIT)
def _sum_i(HI, src, n):
    """Sum of HI[src:src + n], wrapping."""
    m = np.int64(0)
    for k in range(src, src + n):
        m += HI[k]
    return m
'''

_SIGNATURE = ("int64(int32[::1], float64[::1], int64[::1], float64[::1], int64[::1], float64[::1], "
              "int64[::1], int64[:, ::1], int64[:, ::1], int64[::1], int64[::1], uint8[::1], uint64[::1], "
              "int64[:, ::1])")

_PROLOGUE = '''
@numba.njit(_SIGNATURE, nogil=True, cache=True, error_model="numpy")
def run(code, KF, KI, F, I, HF, HI, objs, frames, st, ctl, bp, rng, funcs):
    """Execute from st[ST_PC] until a status; save pc, depth and counters into st; return the status."""
    depth = st[ST_DEPTH]
    if depth <= 0:
        st[ST_STATUS] = S_HALT
        return S_HALT
    pc = st[ST_PC]
    ibase = frames[depth - 1, FR_IBASE]
    fbase = frames[depth - 1, FR_FBASE]
    nobj = st[ST_NOBJ]
    maxdepth = st[ST_MAX_DEPTH]
    dlim = _call_room(st, frames, I, F, depth, ibase, fbase)
    left = ctl[CTL_STEPS]
    if ctl[CTL_FUEL] < left:
        left = ctl[CTL_FUEL]
    if left < 0:
        left = 0
    start = left
    status = 0
    while True:
        if (left & CANCEL_POLL_MASK) == 0:
            if left == 0:
                status = S_STEP if ctl[CTL_STEPS] <= ctl[CTL_FUEL] else S_FUEL
                break
            if ctl[CTL_CANCEL] != 0:
                status = S_CANCEL
                break
        left -= 1
        # the breakpoint test after the budget's (measured: LLVM schedules this order 10-20% faster)
        upc = np.uint64(pc)  # pc is always inside the code (verified jump targets): no wrap-around test
        if bp[upc] != 0:     # resuming from a breakpoint, the host lifts its flag for one instruction
            status = S_BREAK
            break
        row = upc << np.uint64(2)   # code is flat (4 int32 per instruction): no row stride to load
        op = code[row]
        a = np.int64(code[row + np.uint64(1)])
        b = np.int64(code[row + np.uint64(2)])
        c = np.int64(code[row + np.uint64(3)])
'''

_EPILOGUE = '''
        else:
            status = -TRAP_BAD_OPCODE
            break
    if status < 0:
        st[ST_TRAP] = -status
        status = S_TRAP
    if status == S_GROW or status == S_TRAP or status == S_BREAK:
        left += 1  # the instruction did not run (after a grow, or a heap-limit collection, it runs again)
    done = start - left
    st[ST_PC] = pc
    st[ST_DEPTH] = depth
    st[ST_NOBJ] = nobj
    st[ST_COUNT] += done
    st[ST_STATUS] = status
    ctl[CTL_STEPS] -= done
    ctl[CTL_FUEL] -= done
    return status
'''

_lock = threading.Lock()
_loaded = None


def implemented_opcodes() -> set[str]:
    """Names of the opcodes the loop has a body for (a test checks this is exactly the table)."""
    return set(BODIES)


# temporaries of the bodies; the generator suffixes them with the opcode name, so that each is assigned in
# one branch only: far fewer phi nodes for Numba's SSA and type inference and for LLVM (faster compiles)
_TEMPS = re.compile(r"\b(h|k|m|n|src|dst|u|v|x)\b")

# Register accesses index with an unsigned value: Numba adds a negative-index wrap-around test to every
# signed index, and verified register numbers and frame bases are never negative (about 20% of fib's time).
_REGISTER = re.compile(r"\b([IF])\[(ibase|fbase) \+ ([^\]\[]+)\]")
# verified constant-pool indices likewise: KF[c], KI[b]
_CONSTANT = re.compile(r"\b(K[FI])\[([abc])\]")


def _branch(op: opcodes.Op, first: bool) -> str:
    """One ``if``/``elif`` arm of the dispatch chain for ``op``."""
    body = textwrap.dedent(BODIES[op.name]).strip("\n")
    body = _TEMPS.sub(lambda t: f"{t.group(1)}_{op.name.lower()}", body)
    body = _REGISTER.sub(r"\1[np.uint64(\2 + \3)]", body)
    body = _CONSTANT.sub(r"\1[np.uint64(\2)]", body)
    kw = "if" if first else "elif"
    head = f"        {kw} op == {op.code}:  # {op.name}  {op.effect}"
    return head + "\n" + textwrap.indent(body, " " * 12)


def generate_source() -> str:
    """The full text of the interpreter module: kernels, layout constants, helpers and the loop."""
    names = [op.name for op in opcodes.OPCODES]
    missing = set(names) - set(BODIES)
    extra = set(BODIES) - set(names)
    if missing or extra:
        raise RuntimeError(f"interpreter bodies do not match the opcode table: missing {sorted(missing)}, "
                           f"unknown {sorted(extra)}")
    if tuple(opcodes.MATH1) != kernels.MATH1_ORDER:
        raise RuntimeError("kernels.MATH1_ORDER differs from opcodes.MATH1")
    kernel_text = Path(kernels.__file__).read_text(encoding="utf-8")
    consts = "\n".join(f"{k} = {v!r}" for k, v in sorted(layout.int_constants().items()))
    branches = "\n".join(_branch(op, i == 0) for i, op in enumerate(opcodes.OPCODES))
    return "\n".join([
        "# Generated by mvm.vm.interp from the opcode table; do not edit (the file name is its content hash).",
        kernel_text,
        "import mvm.numba_guard as _numba_guard",
        "_numba_guard.install()",
        "",
        "# --- layout constants (mvm.vm.layout)",
        consts,
        f"_SIGNATURE = {_SIGNATURE!r}",
        _HELPERS,
        _PROLOGUE.rstrip("\n"),
        branches,
        _EPILOGUE,
    ])


def cache_dir() -> Path:
    """Directory for generated sources (and, beside them, Numba's cache): writable, created if needed."""
    candidates = []
    if os.environ.get("MVM_CACHE_DIR"):
        candidates.append(Path(os.environ["MVM_CACHE_DIR"]))
    candidates.append(Path.home() / ".cache" / "mvm")
    candidates.append(Path(tempfile.gettempdir()) / f"mvm-cache-{os.getuid() if hasattr(os, 'getuid') else 0}")
    for base in candidates:
        try:
            base.mkdir(parents=True, exist_ok=True)
            if os.access(base, os.W_OK | os.X_OK):
                return base
        except OSError:
            continue
    return Path(tempfile.mkdtemp(prefix="mvm-cache-"))


def _write_once(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically unless it is already there: a rewrite would change the mtime
    that Numba's cache index checks and throw the compiled loop away."""
    damaged = False
    if path.exists():
        try:
            if path.read_text(encoding="utf-8") == text:
                return
        except OSError:
            pass
        damaged = True
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    try:
        if damaged:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # when two processes race, the first file (and its mtime) stays
            except FileExistsError:
                pass
            except OSError:
                os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def generated_path() -> Path:
    """Where the generated interpreter for the current table lives (written if absent)."""
    text = generate_source()
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]
    folder = cache_dir() / "interp"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"mvm_interp_{digest}.py"
    _write_once(path, text)
    return path


def get_interpreter():
    """The compiled interpreter loop ``run`` (generated, imported and compiled or cache-loaded once)."""
    global _loaded
    if _loaded is not None:
        return _loaded
    with _lock:
        if _loaded is None:
            path = generated_path()
            name = path.stem
            module = sys.modules.get(name)
            if module is None:
                module = _load_generated(name, path)
            _loaded = module.run
            _retire_stale(path)
    return _loaded


# a generated loop (and Numba's cache of it) unused for this long is deleted, checked at most once a day
STALE_AFTER_S = 30 * 86400
_CLEAN_EVERY_S = 86400


def _retire_stale(current: Path) -> None:
    """Mark ``current`` as used; delete the generated loops of other mvm versions left unused for 30 days.

    Every change to the opcode table or the loop makes a new file (and a few MB of Numba cache), so without
    this an upgraded installation would keep every old one. Use is recorded in a ``.used`` file beside the
    source, never by touching the source, whose mtime keys Numba's cache. Errors are ignored: another process
    may be cleaning, or the directory may be read-only.
    """
    folder = current.parent
    now = time.time()
    try:
        marker = current.with_suffix(".used")
        marker.touch()
        clean = folder / ".last-clean"
        if clean.exists() and now - clean.stat().st_mtime < _CLEAN_EVERY_S:
            return
        clean.touch()
        for src in folder.glob("mvm_interp_*.py"):
            if src == current:
                continue
            used = src.with_suffix(".used")
            last = used.stat().st_mtime if used.exists() else src.stat().st_mtime
            if now - last < STALE_AFTER_S:
                continue
            _drop_compiled(src)
            src.unlink(missing_ok=True)
            used.unlink(missing_ok=True)
    except OSError:
        pass


def _load_generated(name: str, path: Path):
    """Import the generated loop: the fast way, else the plain way, else after dropping a damaged cache."""
    try:
        with _registries_deferred():
            return _import_generated(name, path)
    except Exception:
        pass
    try:
        return _import_generated(name, path)        # the plain way, registries loaded first
    except Exception:
        # a damaged Numba cache (a truncated file after a crash or a full disk) would otherwise fail every
        # run until someone deletes it: drop it and compile afresh
        if not _drop_compiled(path):
            raise
    return _import_generated(name, path)


def _drop_compiled(source: Path) -> bool:
    """Delete Numba's cache (and Python's) for the generated ``source``; whether anything was deleted."""
    dropped = False
    for f in (source.parent / "__pycache__").glob(f"{source.stem}.*"):
        try:
            f.unlink()
            dropped = True
        except OSError:
            pass
    return dropped


def _import_generated(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


@contextlib.contextmanager
def _registries_deferred():
    """Let Numba load the cached loop without first loading every typing and lowering registry.

    Numba refreshes its CPU target context before it looks in the cache: that imports and installs every
    registry (numpy, typed containers, cffi, ...), about 0.5 s of the 1.5 s start-up budget, and a cache hit
    uses none of it: the loop is machine code already, linked against the runtime (NRT), which is still
    initialised here. The first refresh made while this context is active does only that; any later one, as
    on a cache miss, when Numba compiles, is the full refresh. Numba's compiler lock is held throughout, so
    no other thread compiles meanwhile. If the installed Numba lacks any of this, loading is simply the
    ordinary (slower) one; if the deferred load fails, the caller imports again the ordinary way.
    """
    try:
        from numba.core.compiler_lock import global_compiler_lock
        from numba.core.registry import cpu_target
        from numba.core.runtime import rtsys
        context = cpu_target.target_context
        type(context).refresh       # noqa: B018 -- present in the Numba versions this was measured on
    except (ImportError, AttributeError):
        yield
        return

    def refresh_once():
        del context.refresh         # later refreshes are the class's full one
        rtsys.initialize(context)

    with global_compiler_lock:
        context.refresh = refresh_once
        try:
            yield
        finally:
            context.__dict__.pop("refresh", None)
