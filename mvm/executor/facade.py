"""``ModelExecutor``: load models, execute them with parameters, and ask for status and results by id.

Input: model paths and parameter dicts (``seed`` may be among them). Output: ids; results as
``Model.run`` gives them; the error an execution failed with, re-raised by ``get_result``.
Executions run synchronously inside ``execute_model`` for now; the id-based interface is what the
concurrent backends keep.
"""

from __future__ import annotations

import itertools
import threading

import attrs

from mvm.errors import Cancelled, MVMError
from mvm.model import Model, load

PENDING, RUNNING, COMPLETED, FAILED, CANCELLED = "pending", "running", "completed", "failed", "cancelled"


class UnknownIdError(MVMError, KeyError):
    """A model or execution id that this executor never handed out."""

    kind = "unknown id"

    def __str__(self) -> str:
        return self.render()


@attrs.define(eq=False)
class Execution:
    """One run of a model: its parameters, status, result or error."""

    id: str
    model_id: str
    parameters: dict
    status: str = PENDING
    result: object = None
    error: BaseException | None = None
    machine: object = None


class ModelExecutor:
    """Keeps loaded models and their executions by id."""

    def __init__(self):
        self._models: dict[str, Model] = {}
        self._executions: dict[str, Execution] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def load_model(self, model_path) -> str:
        """Compile (or load a ``.mvmc``) and register a model; return its id. Errors raise at once."""
        model = load(model_path)
        with self._lock:
            model_id = f"model-{next(self._ids)}"
            self._models[model_id] = model
        return model_id

    def model(self, model_id: str) -> Model:
        """The loaded model with this id."""
        try:
            return self._models[model_id]
        except KeyError:
            raise UnknownIdError(f"no model with id {model_id!r}") from None

    def execute_model(self, model_id: str, parameters: dict | None = None) -> str:
        """Run a model with ``parameters`` (``seed`` included); return the execution id.

        A model error does not raise here: the execution is ``failed`` and ``get_result`` raises it.
        """
        model = self.model(model_id)
        params = dict(parameters or {})
        seed = params.pop("seed", 0)
        with self._lock:
            ex = Execution(id=f"exec-{next(self._ids)}", model_id=model_id, parameters=dict(parameters or {}))
            self._executions[ex.id] = ex
        try:
            ex.machine = model.machine(seed=seed, params=params)
            if ex.status == CANCELLED:
                return ex.id
            ex.status = RUNNING
            ex.machine.start("main", ())
            ex.machine.run()
            ex.result = ex.machine.result()
            ex.status = COMPLETED
        except Cancelled as e:
            ex.error, ex.status = e, CANCELLED
        except MVMError as e:
            ex.error, ex.status = e, FAILED
        finally:
            ex.machine = None
        return ex.id

    def _execution(self, execution_id: str) -> Execution:
        try:
            return self._executions[execution_id]
        except KeyError:
            raise UnknownIdError(f"no execution with id {execution_id!r}") from None

    def get_result(self, execution_id: str):
        """The result of a completed execution; raises the error of a failed or cancelled one."""
        ex = self._execution(execution_id)
        if ex.status == COMPLETED:
            return ex.result
        if ex.error is not None:
            raise ex.error
        raise MVMError(f"execution {execution_id} is {ex.status}, it has no result yet")

    def stop_execution(self, execution_id: str) -> bool:
        """Ask a running execution to stop; return whether it was still running."""
        ex = self._execution(execution_id)
        if ex.status in (COMPLETED, FAILED, CANCELLED):
            return False
        m = ex.machine
        if m is not None:
            m.cancel()
        else:
            ex.status = CANCELLED
        return True

    def get_execution_status(self, execution_id: str) -> str:
        """``pending``, ``running``, ``completed``, ``failed`` or ``cancelled``."""
        return self._execution(execution_id).status
