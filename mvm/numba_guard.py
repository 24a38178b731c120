"""Guard against a crash of Numba-compiled code: resolve compiler-rt's 128-bit division helpers.

Input: nothing (the C runtime's ``libgcc_s``). Output: the symbols ``__udivti3``, ``__divti3``, ``__umodti3``
and ``__modti3`` registered with llvmlite, so code that LLVM's loop optimisations rewrote into calls to them
links against real functions instead of a null address (see NUMBA-NOTES, "A crash in the current Numba").

``install()`` must run before anything is compiled or loaded from Numba's cache; ``mvm.vm`` calls it on
import. It is idempotent and thread-safe.
"""

import ctypes
import ctypes.util
import threading

HELPERS = ("__udivti3", "__divti3", "__umodti3", "__modti3")

_lock = threading.Lock()
_installed = False


def _libgcc() -> ctypes.CDLL | None:
    """Open the shared libgcc (``None`` when the platform has none)."""
    for name in ("libgcc_s.so.1", ctypes.util.find_library("gcc_s")):
        if not name:
            continue
        try:
            return ctypes.CDLL(name)
        except OSError:
            continue
    return None


def install() -> bool:
    """Register the 128-bit division helpers with llvmlite; return whether they are all resolvable now."""
    global _installed
    with _lock:
        if _installed:
            return True
        import llvmlite.binding as llvm

        missing = [name for name in HELPERS if not llvm.address_of_symbol(name)]
        lib = _libgcc() if missing else None
        for name in missing:
            fn = getattr(lib, name, None) if lib is not None else None
            if fn is None:
                continue
            llvm.add_symbol(name, ctypes.cast(fn, ctypes.c_void_p).value)
        _installed = all(llvm.address_of_symbol(name) for name in HELPERS)
        return _installed
