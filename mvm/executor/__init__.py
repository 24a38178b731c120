"""Executions of models, by id.

Input: model paths and parameter dicts. Output: execution ids, statuses and results. This is the
synchronous facade of the seed's interface; the executor issue adds thread, process and Dask backends
behind the same names.
"""

from mvm.executor.facade import Execution, ModelExecutor, UnknownIdError

__all__ = ["Execution", "ModelExecutor", "UnknownIdError"]
