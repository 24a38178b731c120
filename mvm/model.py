"""``Model``: a compiled model and the ways to run it.

Input: a ``Program`` (from source via the compiler, or from ``.mvmc`` bytes). Output: run results as
Python values (scalars, owned numpy arrays, dicts for records). Parameters are validated here, against
the declarations in the program, before any VM is built.
"""

from __future__ import annotations

import difflib
import math
import numbers
from pathlib import Path

import numpy as np

from mvm.bytecode.program import ParamInfo, Program
from mvm.errors import MVMError, ParameterError

MODES = ("interp", "auto")


class Model:
    """A compiled model: ``run`` it, ``call`` one of its functions, look at its parameters and bytecode."""

    def __init__(self, program: Program):
        self.program = program

    # -- description
    @property
    def name(self) -> str:
        """The model's name from its ``model`` line."""
        return self.program.name

    @property
    def version(self) -> str | None:
        """The model's version string, if it declares one."""
        return self.program.version

    @property
    def params(self) -> tuple[ParamInfo, ...]:
        """The declared parameters: name, type, default, range (lo, hi) and position."""
        return self.program.params

    @property
    def functions(self) -> tuple[str, ...]:
        """Names of the model's functions."""
        return tuple(f.name for f in self.program.functions)

    def __repr__(self) -> str:
        v = f" {self.version}" if self.version else ""
        return f"<Model {self.name}{v}: {len(self.program.functions)} functions, {len(self.params)} parameters>"

    def disassemble(self) -> str:
        """The bytecode listing, with source lines interleaved."""
        from mvm.bytecode.disasm import disassemble
        return disassemble(self.program)

    def save(self, path) -> None:
        """Write the compiled model as ``.mvmc`` bytes."""
        from mvm.bytecode import mvmc
        mvmc.save(self.program, path)

    # -- parameters
    def validate_params(self, params: dict) -> dict:
        """Check run parameters against the declarations; return them converted to their declared types."""
        declared = {p.name: p for p in self.params}
        out = {}
        for name, value in params.items():
            p = declared.get(name)
            if p is None:
                close = difflib.get_close_matches(name, declared, n=1)
                allowed = ", ".join(_describe(q) for q in self.params) or "none"
                hint = f"did you mean `{close[0]}`?" if close else None
                raise ParameterError(f"unknown parameter `{name}`; model `{self.name}` takes: {allowed}",
                                     file=self.program.file, hint=hint)
            out[name] = _convert(p, value, self.program)
        return out

    # -- running
    def machine(self, *, seed: int = 0, limits=None, stdout=None, params: dict | None = None):
        """A VM for this model with validated parameters, not yet started (the debugger drives it)."""
        from mvm.vm.machine import Machine
        seed = _check_seed(seed)
        return Machine(self.program, params=self.validate_params(params or {}), seed=seed, limits=limits,
                       stdout=stdout)

    def run(self, seed: int = 0, *, mode: str = "auto", limits=None, stdout=None, **params):
        """Run ``main`` with the given parameters and seed; return its result as Python values."""
        _check_mode(mode)
        if "main" not in self.functions:
            raise MVMError(f"model `{self.name}` has no `main` function", file=self.program.file)
        main = self.program.functions[self.program.function_index("main")]
        if main.param_names:
            raise MVMError(f"`main` of model `{self.name}` takes arguments; use Model.call('main', ...)",
                           file=self.program.file, line=main.line, col=main.col, source=self.program.source)
        m = self.machine(seed=seed, limits=limits, stdout=stdout, params=params)
        m.start("main", ())
        m.run()
        return m.result()

    def call(self, fname: str, *args, seed: int = 0, mode: str = "auto", limits=None, stdout=None, params=None):
        """Call any function of the model with Python arguments (ints, floats, bools, numpy arrays)."""
        _check_mode(mode)
        try:
            f = self.program.functions[self.program.function_index(fname)]
        except KeyError:
            close = difflib.get_close_matches(fname, self.functions, n=1)
            raise MVMError(f"model `{self.name}` has no function `{fname}`",
                           hint=f"did you mean `{close[0]}`?" if close else None) from None
        if len(args) != len(f.param_names):
            raise ParameterError(f"`{fname}` takes {len(f.param_names)} argument(s), got {len(args)}")
        converted = tuple(_convert_arg(f.name, n, t, a) for n, t, a in zip(f.param_names, f.param_types, args))
        m = self.machine(seed=seed, limits=limits, stdout=stdout, params=params)
        m.start(fname, converted)
        m.run()
        return m.result()


def _check_mode(mode: str):
    if mode not in MODES:
        raise ParameterError(f"mode {mode!r} is not available; choose one of {', '.join(MODES)}",
                             hint="the JIT tier (mode='jit') is not built yet; 'auto' interprets")


def _check_seed(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or int(seed) < 0:
        raise ParameterError(f"seed must be a non-negative int, got {seed!r}")
    return int(seed)


def _describe(p: ParamInfo) -> str:
    rng = f" in [{p.lo}, {p.hi}]" if p.lo is not None else ""
    return f"{p.name} ({p.type}, default {_fmt(p.default)}{rng})"


def _fmt(v) -> str:
    return ("true" if v else "false") if isinstance(v, bool) else repr(v)


def _convert(p: ParamInfo, value, program: Program, allow_nan: bool = False):
    """``value`` as parameter ``p``'s type, or ParameterError naming the parameter, value and what is allowed.

    A model parameter may not be nan (it could never satisfy a range); a function argument may."""
    where = dict(file=program.file, line=p.line, col=p.col, end_col=p.col + len(p.name), source=program.source)
    shown = repr(value)
    if p.type == "bool":
        if not isinstance(value, (bool, np.bool_)):
            raise ParameterError(f"parameter `{p.name}` is bool; got {shown} ({type(value).__name__})",
                                 hint="pass True or False", **where)
        return bool(value)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ParameterError(f"parameter `{p.name}` is {p.type}; got {shown} ({type(value).__name__})", **where)
    if p.type == "int":
        if not isinstance(value, numbers.Integral):
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            else:
                raise ParameterError(f"parameter `{p.name}` is int; got {shown}",
                                     hint=f"pass a whole number, e.g. {int(value) if math.isfinite(value) else 0}",
                                     **where)
        value = int(value)
        if not -(2**63) <= value < 2**63:
            raise ParameterError(f"parameter `{p.name}` = {value} does not fit in int64", **where)
    else:
        value = float(value)
        if math.isnan(value) and not allow_nan:
            raise ParameterError(f"parameter `{p.name}` is nan", **where)
    if p.lo is not None and not p.lo <= value <= p.hi:
        raise ParameterError(f"parameter `{p.name}` = {_fmt(value)} is out of its range [{p.lo}, {p.hi}]", **where)
    return value


def _convert_arg(fname: str, name: str, type_: str, value):
    """A Python argument for a model function, checked against the declared parameter type."""
    what = f"argument `{name}` of `{fname}`"
    if type_.endswith("]"):
        arr = np.asarray(value)
        want = np.float64 if type_.startswith("float") else np.int64
        ndim = 2 if type_.endswith("[,]") else 1
        if arr.ndim != ndim:
            raise ParameterError(f"{what} is {type_}; got an array with {arr.ndim} dimension(s)")
        if want is np.int64 and arr.dtype.kind not in "iub":
            raise ParameterError(f"{what} is {type_}; got an array of {arr.dtype}")
        if arr.dtype.kind not in "iubf":
            raise ParameterError(f"{what} is {type_}; got an array of {arr.dtype}")
        return np.ascontiguousarray(arr, dtype=want)
    fake = ParamInfo(name=name, type=type_, default=0, lo=None, hi=None, slot=0, line=0, col=0)
    try:
        return _convert(fake, value, _NoSource, allow_nan=True)
    except ParameterError as e:
        raise ParameterError(e.message.replace(f"parameter `{name}`", what), hint=e.hint) from None


class _NoSource:
    file = None
    source = None


def load(path) -> Model:
    """Compile a ``.mvm`` file, or load and verify a ``.mvmc`` file, into a ``Model``."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise MVMError(f"cannot read {path}: {e.strerror or e}", file=str(path)) from None
    if path.suffix == ".mvmc" or data[:4] == b"MVMC":
        from mvm.bytecode import mvmc
        return Model(mvmc.loads(data))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise MVMError(f"{path} is not UTF-8 text (byte {e.start})", file=str(path)) from None
    return compile_source(text, file=str(path))


def compile_source(text: str, name: str | None = None, *, file: str | None = None) -> Model:
    """Compile model source text into a ``Model``; ``name`` (or ``file``) is used in diagnostics."""
    from mvm.compiler import compile_program
    return Model(compile_program(text, file or name))
