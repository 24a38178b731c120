"""mvm's benchmark suite: the DSL interpreter against CPython (and Lua, LuaJIT, C when present).

Input: the workloads in ``benchmarks/models/*.mvm`` and their twins in ``benchmarks/python_ref.py``,
``benchmarks/lua/*.lua`` and ``benchmarks/c/*.c``. Output: a table on stdout (median wall times, speedup
over CPython, geometric mean, start-up time, PASS/FAIL against the targets of issue 2) and, with
``--json FILE``, the raw numbers. Run it from the repository root: ``python -m benchmarks``.
"""
