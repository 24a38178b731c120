"""mvm — the model virtual machine.

``mvm.load(path)`` and ``mvm.compile_source(text)`` give a ``Model``; ``Model.run(seed=0, **params)``
runs it. ``mvm.ModelExecutor`` manages loaded models and executions by id.
"""

from mvm.errors import (BytecodeError, Cancelled, LimitExceeded, MVMError, MVMRuntimeError, MVMSyntaxError,
                        MVMTypeError, ParameterError)
from mvm.model import Model, compile_source, load

__version__ = "0.1.0"


def __getattr__(name):
    # the executor pulls in the VM (and Numba); import it only when asked for
    if name == "ModelExecutor":
        from mvm.executor import ModelExecutor
        return ModelExecutor
    if name == "Limits":
        from mvm.vm.machine import Limits
        return Limits
    raise AttributeError(f"module 'mvm' has no attribute {name!r}")


__all__ = ["BytecodeError", "Cancelled", "LimitExceeded", "Limits", "MVMError", "MVMRuntimeError",
           "MVMSyntaxError", "MVMTypeError", "Model", "ModelExecutor", "ParameterError", "compile_source",
           "load"]
