"""The virtual machine: VM state in numpy arrays, the Numba interpreter loop and its Python driver.

Input: a verified ``Program``. Output: ``Machine`` (one run: start, run, pause, inspect, result) and
``Limits``. Importing the package installs the Numba guard (``mvm.numba_guard``) before anything compiles.
"""

from mvm import numba_guard as _numba_guard

_numba_guard.install()

from mvm.vm.machine import FrameView, Limits, Machine, format_value  # noqa: E402

__all__ = ["FrameView", "Limits", "Machine", "format_value"]
