"""The ``.mvmc`` binary format: a compiled ``Program`` as bytes, and back (ARCHITECTURE invariant 6).

Input of ``dumps``: a ``Program`` (verified first). Output: canonical bytes (one program, one byte string):

=========  ========  ==================================================================================
offset     size      content
=========  ========  ==================================================================================
0          5         magic ``b"MVMC\\x00"``
5          2         format version, u16 little-endian (``FORMAT_VERSION``)
7          2         flags, u16 little-endian (must be 0 in version 1)
9          32        sha256 of every byte from offset 41 to the end of the file
41         4         ``M``: length of the metadata, u32 little-endian
45         M         metadata: JSON (ASCII, so UTF-8), keys sorted, no whitespace
45 + M     0..7      zero padding up to ``D``, the next multiple of 8
D          ...       the arrays code, lines, cols, kf, ki in that order, raw little-endian C order, each
                     starting at ``D + offset`` (offset a multiple of 8) and followed by zero padding to a
                     multiple of 8; the file ends after the last array's padding
=========  ========  ==================================================================================

The metadata holds name, version, file, source, functions (with their variable tables), strings, hosts,
records, params, uses and ``arrays``, the array directory (name, dtype, shape, offset from ``D``, nbytes).
Input of ``loads``: any bytes. Output: a verified ``Program``, or ``BytecodeError`` (rule ``"format"`` for
a bad file; a verifier rule for a well-formed file holding a bad program). Nothing is unpickled.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import struct

import numpy as np

from mvm.bytecode.program import FunctionInfo, ParamInfo, PrintItem, Program, RecordField, UseInfo, VarInfo
from mvm.bytecode.verify import verify
from mvm.errors import BytecodeError

MAGIC = b"MVMC\x00"
FORMAT_VERSION = 1
_HEAD = struct.Struct("<5sHH32s")      # magic, version, flags, sha256
_META_LEN = struct.Struct("<I")
HASH_START = _HEAD.size                # 41: the hash covers everything from here on
HEADER_SIZE = _HEAD.size + _META_LEN.size  # 45
ALIGN = 8

# name, stored dtype (little-endian), in-memory dtype, number of dimensions
_ARRAYS = (
    ("code", "<i4", np.int32, 2),
    ("lines", "<i4", np.int32, 1),
    ("cols", "<i4", np.int32, 1),
    ("kf", "<f8", np.float64, 1),
    ("ki", "<i8", np.int64, 1),
)


def _align(n: int) -> int:
    return (n + ALIGN - 1) // ALIGN * ALIGN


def _bad(message: str) -> BytecodeError:
    return BytecodeError(f"not a valid .mvmc file: {message}", rule="format")


# ---------------------------------------------------------------- writing

def dumps(program: Program) -> bytes:
    """The ``.mvmc`` bytes of ``program`` (verified first, so only valid programs are written)."""
    verify(program)
    return _encode(program)


def content_hash(program: Program) -> str:
    """Hex sha256 of the canonical ``.mvmc`` bytes: equal programs give equal hashes (cache keys)."""
    return hashlib.sha256(dumps(program)).hexdigest()


def save(program: Program, path) -> None:
    """Write ``program`` to ``path`` atomically (a reader never sees a half-written file)."""
    data = dumps(program)
    path = os.fspath(path)
    # a fresh name next to the target (same file system, so os.replace is atomic); open() applies the umask
    tmp = f"{path}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    try:
        with open(tmp, "xb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def load(path) -> Program:
    """Read and verify the ``.mvmc`` file at ``path`` (``OSError`` if it cannot be read)."""
    with open(path, "rb") as fh:
        data = fh.read()
    try:
        return loads(data)
    except BytecodeError as err:
        # name the file in the diagnostic (the exception renders its text when it is created)
        err.file = os.fspath(path)
        err.args = (err.render(),)
        raise


def _num_out(x):
    """A parameter value for JSON: bools and ints as they are, floats exact, non-finite ones by name."""
    if isinstance(x, (bool, np.bool_)):
        return bool(x)
    if isinstance(x, (int, np.integer)):
        return int(x)
    x = float(x)
    if x != x:
        return "nan"
    if x in (float("inf"), float("-inf")):
        return "inf" if x > 0 else "-inf"
    return x


def _meta(p: Program, directory: list) -> dict:
    return {
        "name": p.name, "version": p.version, "file": p.file, "source": p.source,
        "functions": [{
            "name": f.name, "entry": int(f.entry), "end": int(f.end),
            "param_names": list(f.param_names), "param_types": list(f.param_types),
            "param_regs": [int(r) for r in f.param_regs], "ret_type": f.ret_type,
            "frame_i": int(f.frame_i), "frame_f": int(f.frame_f), "line": int(f.line), "col": int(f.col),
            "vars": [{"name": v.name, "type": v.type, "bank": v.bank, "reg": int(v.reg),
                      "start": int(v.start), "end": int(v.end)} for v in f.vars],
        } for f in p.functions],
        "strings": list(p.strings),
        "hosts": [[{"type": it.type, "reg": int(it.reg), "text": it.text} for it in items] for items in p.hosts],
        "records": [[{"name": fd.name, "type": fd.type, "bank": fd.bank, "reg": int(fd.reg)} for fd in fields]
                    for fields in p.records],
        "params": [{"name": q.name, "type": q.type, "default": _num_out(q.default),
                    "lo": None if q.lo is None else _num_out(q.lo), "hi": None if q.hi is None else _num_out(q.hi),
                    "slot": int(q.slot), "line": int(q.line), "col": int(q.col)} for q in p.params],
        "uses": [{"name": u.name, "constraint": u.constraint, "alias": u.alias, "line": int(u.line),
                  "col": int(u.col)} for u in p.uses],
        "arrays": directory,
    }


def _encode(p: Program) -> bytes:
    blobs, directory, offset = [], [], 0
    for name, dtype, _, _ in _ARRAYS:
        arr = np.ascontiguousarray(getattr(p, name), dtype=dtype)
        raw = arr.tobytes()
        directory.append({"name": name, "dtype": dtype, "shape": list(arr.shape), "offset": offset,
                          "nbytes": len(raw)})
        blobs.append(raw + bytes(_align(len(raw)) - len(raw)))
        offset += _align(len(raw))
    meta = json.dumps(_meta(p, directory), sort_keys=True, separators=(",", ":"), ensure_ascii=True,
                      allow_nan=False).encode("ascii")
    pad = _align(HEADER_SIZE + len(meta)) - (HEADER_SIZE + len(meta))
    body = _META_LEN.pack(len(meta)) + meta + bytes(pad) + b"".join(blobs)
    return _HEAD.pack(MAGIC, FORMAT_VERSION, 0, hashlib.sha256(body).digest()) + body


# ---------------------------------------------------------------- reading

def loads(data: bytes) -> Program:
    """The verified ``Program`` held by ``.mvmc`` bytes; ``BytecodeError`` for anything else."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise _bad(f"expected bytes, got {type(data).__name__}")
    data = bytes(data)
    if len(data) < HEADER_SIZE:
        raise _bad(f"truncated: {len(data)} bytes, the header alone needs {HEADER_SIZE}")
    magic, version, flags, digest = _HEAD.unpack_from(data, 0)
    if magic != MAGIC:
        raise _bad(f"bad magic {magic!r} (expected {MAGIC!r})")
    if version != FORMAT_VERSION:
        raise _bad(f"unsupported format version {version} (this mvm reads version {FORMAT_VERSION})")
    if flags != 0:
        raise _bad(f"unknown flags {flags:#06x}")
    if hashlib.sha256(data[HASH_START:]).digest() != digest:
        raise _bad("content hash mismatch (the file is truncated or corrupted)")
    (meta_len,) = _META_LEN.unpack_from(data, HASH_START)
    if HEADER_SIZE + meta_len > len(data):
        raise _bad(f"truncated: metadata of {meta_len} bytes does not fit")
    try:
        meta = json.loads(data[HEADER_SIZE:HEADER_SIZE + meta_len].decode("utf-8"),
                          parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
    except (ValueError, RecursionError) as exc:
        raise _bad(f"malformed metadata ({str(exc)[:120]})") from None
    start = _align(HEADER_SIZE + meta_len)
    try:
        program = _decode(meta, data, start)
    except _Malformed as exc:
        raise _bad(str(exc)) from None
    verify(program)
    return program


class _Malformed(Exception):
    """The metadata does not follow the schema (turned into a ``format`` BytecodeError)."""


def _reject_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def _unique_keys(pairs):
    obj = {}
    for k, v in pairs:
        if k in obj:
            raise ValueError(f"duplicate key {k!r}")
        obj[k] = v
    return obj


def _obj(x, keys: tuple[str, ...], where: str) -> dict:
    if type(x) is not dict:
        raise _Malformed(f"{where} must be an object")
    if set(x) != set(keys):
        raise _Malformed(f"{where} has keys {sorted(x)}, expected {sorted(keys)}")
    return x


def _list(x, where: str) -> list:
    if type(x) is not list:
        raise _Malformed(f"{where} must be a list")
    return x


def _str(x, where: str, optional: bool = False):
    if not (type(x) is str or (optional and x is None)):
        raise _Malformed(f"{where} must be a string{' or null' if optional else ''}")
    return x


def _int(x, where: str) -> int:
    if type(x) is not int:
        raise _Malformed(f"{where} must be an integer")
    return x


def _num(x, where: str, optional: bool = False):
    if optional and x is None:
        return None
    if type(x) in (bool, int, float):
        return x
    if x in ("inf", "-inf", "nan"):
        return float(x)
    raise _Malformed(f"{where} must be a number")


def _strs(x, where: str) -> tuple[str, ...]:
    return tuple(_str(s, f"{where}[{k}]") for k, s in enumerate(_list(x, where)))


_TOP_KEYS = ("name", "version", "file", "source", "functions", "strings", "hosts", "records", "params",
             "uses", "arrays")


def _decode(meta, data: bytes, start: int) -> Program:
    m = _obj(meta, _TOP_KEYS, "metadata")
    arrays = _decode_arrays(m["arrays"], data, start)
    return Program(
        name=_str(m["name"], "name"), version=_str(m["version"], "version", True),
        file=_str(m["file"], "file", True), source=_str(m["source"], "source", True),
        functions=tuple(_function(f, f"functions[{k}]") for k, f in enumerate(_list(m["functions"], "functions"))),
        strings=_strs(m["strings"], "strings"),
        hosts=tuple(tuple(_print_item(it, f"hosts[{h}][{k}]") for k, it in enumerate(_list(items, f"hosts[{h}]")))
                    for h, items in enumerate(_list(m["hosts"], "hosts"))),
        records=tuple(tuple(_field(fd, f"records[{r}][{k}]") for k, fd in enumerate(_list(fs, f"records[{r}]")))
                      for r, fs in enumerate(_list(m["records"], "records"))),
        params=tuple(_param(q, f"params[{k}]") for k, q in enumerate(_list(m["params"], "params"))),
        uses=tuple(_use(u, f"uses[{k}]") for k, u in enumerate(_list(m["uses"], "uses"))),
        **arrays,
    )


def _function(x, where: str) -> FunctionInfo:
    d = _obj(x, ("name", "entry", "end", "param_names", "param_types", "param_regs", "ret_type", "frame_i",
                 "frame_f", "line", "col", "vars"), where)
    return FunctionInfo(
        name=_str(d["name"], f"{where}.name"),
        entry=_int(d["entry"], f"{where}.entry"), end=_int(d["end"], f"{where}.end"),
        param_names=_strs(d["param_names"], f"{where}.param_names"),
        param_types=_strs(d["param_types"], f"{where}.param_types"),
        param_regs=tuple(_int(r, f"{where}.param_regs") for r in _list(d["param_regs"], f"{where}.param_regs")),
        ret_type=_str(d["ret_type"], f"{where}.ret_type", True),
        frame_i=_int(d["frame_i"], f"{where}.frame_i"), frame_f=_int(d["frame_f"], f"{where}.frame_f"),
        line=_int(d["line"], f"{where}.line"), col=_int(d["col"], f"{where}.col"),
        vars=tuple(_var(v, f"{where}.vars[{k}]") for k, v in enumerate(_list(d["vars"], f"{where}.vars"))),
    )


def _var(x, where: str) -> VarInfo:
    d = _obj(x, ("name", "type", "bank", "reg", "start", "end"), where)
    return VarInfo(name=_str(d["name"], where), type=_str(d["type"], where), bank=_str(d["bank"], where),
                   reg=_int(d["reg"], where), start=_int(d["start"], where), end=_int(d["end"], where))


def _print_item(x, where: str) -> PrintItem:
    d = _obj(x, ("type", "reg", "text"), where)
    return PrintItem(type=_str(d["type"], where), reg=_int(d["reg"], where), text=_str(d["text"], where))


def _field(x, where: str) -> RecordField:
    d = _obj(x, ("name", "type", "bank", "reg"), where)
    return RecordField(name=_str(d["name"], where), type=_str(d["type"], where), bank=_str(d["bank"], where),
                       reg=_int(d["reg"], where))


def _param(x, where: str) -> ParamInfo:
    d = _obj(x, ("name", "type", "default", "lo", "hi", "slot", "line", "col"), where)
    return ParamInfo(name=_str(d["name"], where), type=_str(d["type"], where), default=_num(d["default"], where),
                     lo=_num(d["lo"], where, True), hi=_num(d["hi"], where, True), slot=_int(d["slot"], where),
                     line=_int(d["line"], where), col=_int(d["col"], where))


def _use(x, where: str) -> UseInfo:
    d = _obj(x, ("name", "constraint", "alias", "line", "col"), where)
    return UseInfo(name=_str(d["name"], where), constraint=_str(d["constraint"], where, True),
                   alias=_str(d["alias"], where, True), line=_int(d["line"], where), col=_int(d["col"], where))


def _decode_arrays(x, data: bytes, start: int) -> dict[str, np.ndarray]:
    """Check the directory against the canonical layout, then copy each array out of ``data``."""
    entries = _list(x, "arrays")
    if len(entries) != len(_ARRAYS):
        raise _Malformed(f"the array directory has {len(entries)} entries, expected {len(_ARRAYS)}")
    out, offset = {}, 0
    for k, (name, dtype, native, ndim) in enumerate(_ARRAYS):
        where = f"arrays[{k}]"
        d = _obj(entries[k], ("name", "dtype", "shape", "offset", "nbytes"), where)
        if d["name"] != name or d["dtype"] != dtype:
            raise _Malformed(f"{where} is {d['name']!r} {d['dtype']!r}, expected {name!r} {dtype!r}")
        shape = tuple(_int(s, f"{where}.shape") for s in _list(d["shape"], f"{where}.shape"))
        if len(shape) != ndim or any(s < 0 for s in shape):
            raise _Malformed(f"{where}: bad shape {list(shape)} for {name}")
        count = 1
        for s in shape:
            count *= s
        nbytes = _int(d["nbytes"], f"{where}.nbytes")
        itemsize = np.dtype(dtype).itemsize
        if nbytes != count * itemsize:
            raise _Malformed(f"{where}: {nbytes} bytes do not hold shape {list(shape)} of {dtype}")
        if _int(d["offset"], f"{where}.offset") != offset:
            raise _Malformed(f"{where}: offset {d['offset']} is not the canonical {offset}")
        if start + offset + nbytes > len(data):
            raise _Malformed(f"truncated: {name} ends past the end of the file")
        if count:
            arr = np.frombuffer(data, dtype=dtype, count=count, offset=start + offset)
            out[name] = arr.reshape(shape).astype(native)   # a copy: owned, writable, native order
        else:
            out[name] = np.zeros(shape, dtype=native)
        offset += _align(nbytes)
    if start + offset != len(data):
        raise _Malformed(f"the file has {len(data)} bytes, its layout says {start + offset}")
    if any(data[HEADER_SIZE + _meta_len(data):start]) or not _padding_zero(data, start, entries):
        raise _Malformed("padding bytes are not zero")
    return out


def _meta_len(data: bytes) -> int:
    return _META_LEN.unpack_from(data, HASH_START)[0]


def _padding_zero(data: bytes, start: int, entries: list) -> bool:
    for d in entries:
        lo, hi = start + d["offset"] + d["nbytes"], start + _align(d["offset"] + d["nbytes"])
        if any(data[lo:hi]):
            return False
    return True
