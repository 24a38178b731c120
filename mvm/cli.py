"""The ``mvm`` command: run, check, compile and disassemble models.

Input: command-line arguments. Output: results on stdout, diagnostics on stderr, and the exit status:
0 on success, 1 for a model error (diagnostic printed, no Python traceback), 2 for a usage error.
"""

from __future__ import annotations

import argparse
import importlib.abc
import json
import math
import sys

import numpy as np

from mvm.errors import MVMError, ParameterError

EXIT_OK, EXIT_MODEL, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="mvm", description="mvm — the model virtual machine")
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = sub.add_parser("run", help="run a model (.mvm source or .mvmc bytecode)")
    run.add_argument("file")
    run.add_argument("-p", "--param", action="append", default=[], metavar="NAME=VALUE",
                     help="set a parameter (repeatable)")
    run.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    run.add_argument("--json", action="store_true", help="print the full result as JSON (model prints go to stderr)")
    chk = sub.add_parser("check", help="parse and type-check a model")
    chk.add_argument("file")
    comp = sub.add_parser("compile", help="compile a model to .mvmc bytecode")
    comp.add_argument("file")
    comp.add_argument("-o", "--output", required=True, metavar="OUT")
    dis = sub.add_parser("disasm", help="print a model's bytecode with its source lines")
    dis.add_argument("file")
    return ap


def _parse_params(model, pairs: list[str]) -> dict:
    """``NAME=VALUE`` strings → typed values, by each parameter's declared type."""
    declared = {p.name: p for p in model.params}
    out = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        name = name.strip()
        if not sep or not name:
            raise _Usage(f"-p expects NAME=VALUE, got {pair!r}")
        p = declared.get(name)
        if p is None:       # let the model's validation name the parameter and suggest one
            out[name] = text
            continue
        text = text.strip()
        try:
            if p.type == "bool":
                low = text.lower()
                if low not in ("true", "false", "1", "0"):
                    raise ValueError
                out[name] = low in ("true", "1")
            elif p.type == "int":
                value = float(text.replace("_", "")) if any(c in text for c in ".eE") else int(text.replace("_", ""))
                out[name] = int(value) if float(value).is_integer() else value
            else:
                out[name] = float(text.replace("_", ""))
        except ValueError:
            raise ParameterError(f"parameter `{name}` is {p.type}; cannot read {text!r} as {p.type}",
                                 file=model.program.file, line=p.line, col=p.col, source=model.program.source)
    return out


class _Usage(Exception):
    pass


def _short(v) -> str:
    return f"{v:.6g}"


def format_value(v) -> str:
    """A result value the way ``mvm run`` prints it: scalars in full, arrays as a type and a preview."""
    if isinstance(v, np.ndarray):
        kind = "float" if v.dtype.kind == "f" else "int"
        shape = ",".join(map(str, v.shape))
        flat = v.reshape(-1)
        shown = ", ".join(_short(x) if kind == "float" else str(int(x)) for x in flat[:3])
        more = ", …" if flat.size > 3 else ""
        return f"{kind}[{shape}]  [{shown}{more}]"
    if isinstance(v, bool):
        return "true" if v else "false"
    return repr(v)


def _jsonable(v):
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, np.ndarray):
        return _jsonable(v.tolist())
    if isinstance(v, list):
        return [_jsonable(x) for x in v]
    if isinstance(v, float) and not math.isfinite(v):
        return "nan" if math.isnan(v) else ("inf" if v > 0 else "-inf")
    return v


def _cmd_run(args) -> int:
    import mvm
    model = mvm.load(args.file)
    params = _parse_params(model, args.param)
    out = sys.stderr if args.json else sys.stdout
    result = model.run(seed=args.seed, stdout=out, **params)
    if args.json:
        print(json.dumps(_jsonable(result), allow_nan=False))
    elif isinstance(result, dict):
        width = max(map(len, result), default=0) + 2
        for k, v in result.items():
            print(f"{k.ljust(width)}= {format_value(v)}")
    elif result is not None:
        print(format_value(result))
    return EXIT_OK


def _cmd_check(args) -> int:
    import mvm
    model = mvm.load(args.file)
    v = f" {model.version}" if model.version else ""
    print(f"ok: model {model.name}{v}: {len(model.functions)} functions, {len(model.params)} parameters")
    return EXIT_OK


def _cmd_compile(args) -> int:
    import mvm
    model = mvm.load(args.file)
    try:
        model.save(args.output)
    except OSError as e:
        print(f"mvm: cannot write {args.output}: {e.strerror or e}", file=sys.stderr)
        return EXIT_MODEL
    print(f"wrote {args.output}")
    return EXIT_OK


def _cmd_disasm(args) -> int:
    import mvm
    print(mvm.load(args.file).disassemble())
    return EXIT_OK


class _NoSciPy(importlib.abc.MetaPathFinder):
    """Numba imports SciPy's BLAS table while it loads (about 0.5 s) only to support ``np.dot``; the VM
    never calls BLAS, so the ``mvm`` process, which owns its imports, declines SciPy."""

    def find_spec(self, name, path=None, target=None):
        if name == "scipy" or name.startswith("scipy."):
            raise ImportError(f"{name} is not used by the mvm command")
        return None


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``mvm`` command; returns the exit status."""
    if "scipy" not in sys.modules and not any(isinstance(f, _NoSciPy) for f in sys.meta_path):
        sys.meta_path.insert(0, _NoSciPy())
    ap = _parser()
    args = ap.parse_args(argv)
    handler = {"run": _cmd_run, "check": _cmd_check, "compile": _cmd_compile, "disasm": _cmd_disasm}[args.command]
    try:
        return handler(args)
    except _Usage as e:
        ap.print_usage(sys.stderr)
        print(f"mvm: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except MVMError as e:
        print(str(e), file=sys.stderr)
        return EXIT_MODEL
    except KeyboardInterrupt:
        print("mvm: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
