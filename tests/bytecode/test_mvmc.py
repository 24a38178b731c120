"""The .mvmc format: round trips keep every array and every piece of metadata; every corruption (bit flips,
truncation at every length, wrong magic or version, forged files with a valid hash) raises BytecodeError."""

from __future__ import annotations

import hashlib
import json
import struct

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mvm.bytecode import mvmc
from mvm.bytecode.program import ParamInfo, Program
from mvm.errors import BytecodeError

from .asm import assemble, evolve, fn, set_code
from .samples import sir_program

P = sir_program()
DATA = mvmc.dumps(P)
TINY = assemble(fn("main", [("LOADI", 0, 7), ("RET_I", 0)], ret="int", frame_i=1), name="tiny")
TINY_DATA = mvmc.dumps(TINY)


def assert_same(a: Program, b: Program) -> None:
    for name in ("code", "lines", "cols", "kf", "ki"):
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and x.shape == y.shape, name
        assert x.tobytes() == y.tobytes(), name   # bit-exact, nan included
        assert y.flags.c_contiguous and y.flags.writeable and y.flags.owndata
    for name in ("name", "version", "file", "source", "functions", "strings", "hosts", "records", "uses"):
        assert getattr(a, name) == getattr(b, name), name
    assert len(a.params) == len(b.params)
    for p, q in zip(a.params, b.params):
        for field in attrs.fields(ParamInfo):
            x, y = getattr(p, field.name), getattr(q, field.name)
            assert type(x) is type(y) and (x == y or (x != x and y != y)), field.name


def reseal(data: bytes) -> bytes:
    """``data`` with its header hash recomputed: a forged file that passes the integrity check."""
    return data[:9] + hashlib.sha256(data[41:]).digest() + data[41:]


def split(data: bytes):
    """(metadata dict, array bytes) of a file."""
    (m,) = struct.unpack_from("<I", data, 41)
    start = (45 + m + 7) // 8 * 8
    return json.loads(data[45:45 + m]), data[start:]


def forge(meta, arrays: bytes, pad: bytes | None = None) -> bytes:
    """A file with a valid hash around arbitrary metadata (dict or raw bytes) and array bytes."""
    raw = meta if isinstance(meta, bytes) else json.dumps(meta).encode()
    if pad is None:
        pad = bytes((45 + len(raw) + 7) // 8 * 8 - 45 - len(raw))
    body = struct.pack("<I", len(raw)) + raw + pad + arrays
    return b"MVMC\x00" + struct.pack("<HH", 1, 0) + hashlib.sha256(body).digest() + body


def format_error(data) -> BytecodeError:
    with pytest.raises(BytecodeError) as info:
        mvmc.loads(data)
    assert info.value.rule == "format", str(info.value)
    return info.value


# ---------------------------------------------------------------- round trips

def test_round_trip_sample():
    q = mvmc.loads(DATA)
    assert_same(P, q)
    assert mvmc.dumps(q) == DATA   # canonical: one program, one encoding


def test_header_layout():
    assert DATA[:5] == b"MVMC\x00"
    assert struct.unpack_from("<HH", DATA, 5) == (mvmc.FORMAT_VERSION, 0)
    assert DATA[9:41] == hashlib.sha256(DATA[41:]).digest()
    meta, arrays = split(DATA)
    assert [a["name"] for a in meta["arrays"]] == ["code", "lines", "cols", "kf", "ki"]
    assert len(DATA) % 8 == 0
    code = meta["arrays"][0]
    assert code["shape"] == [len(P.code), 4] and code["dtype"] == "<i4"
    assert arrays[:code["nbytes"]] == P.code.astype("<i4").tobytes()


def test_round_trip_edge_values():
    params = (
        ParamInfo(name="x", type="float", default=float("inf"), lo=None, hi=None, slot=0, line=1, col=1),
        ParamInfo(name="y", type="float", default=float("nan"), lo=None, hi=None, slot=1, line=2, col=1),
        ParamInfo(name="z", type="float", default=-0.0, lo=-1e308, hi=5, slot=2, line=3, col=1),
        ParamInfo(name="b", type="bool", default=True, lo=None, hi=None, slot=0, line=4, col=1),
        ParamInfo(name="n", type="int", default=-(2 ** 63), lo=-(2 ** 63), hi=2 ** 63 - 1, slot=1, line=5, col=1),
        ParamInfo(name="t", type="float", default=0.1 + 0.2, lo=0.0, hi=1.0, slot=3, line=6, col=1),
    )
    p = evolve(TINY, version=None, file=None, source="π ≈ 3.14 \"q\" \\ \udcff\n\x00",
               kf=np.array([np.inf, np.nan, -0.0, 5e-324], dtype=np.float64),
               ki=np.array([1, -(2 ** 63)], dtype=np.int64), params=params,
               strings=("tab\t", "", "ünï"))
    assert_same(p, mvmc.loads(mvmc.dumps(p)))


def test_round_trip_empty_program():
    p = assemble()
    assert_same(p, mvmc.loads(mvmc.dumps(p)))


def test_save_load(tmp_path):
    path = tmp_path / "m.mvmc"
    mvmc.save(P, path)
    assert path.read_bytes() == DATA
    assert_same(P, mvmc.load(path))
    mvmc.save(TINY, str(path))   # overwrite, str path
    assert_same(TINY, mvmc.load(str(path)))
    assert [f.name for f in tmp_path.iterdir()] == ["m.mvmc"]   # no temporary file left behind


def test_load_names_the_file(tmp_path):
    path = tmp_path / "bad.mvmc"
    path.write_bytes(DATA[:-3])
    with pytest.raises(BytecodeError) as info:
        mvmc.load(path)
    assert info.value.rule == "format" and info.value.file == str(path)
    assert str(info.value).startswith(f"{path}: bytecode error: ")
    with pytest.raises(OSError):
        mvmc.load(tmp_path / "missing.mvmc")


def test_content_hash():
    h = mvmc.content_hash(P)
    assert h == hashlib.sha256(DATA).hexdigest() and len(h) == 64
    assert mvmc.content_hash(sir_program()) == h
    changed = evolve(P, kf=np.array([0.3, 1000.0, 999.0, 1.0, 0.5]))
    assert mvmc.content_hash(changed) != h


def test_dumps_refuses_an_invalid_program():
    with pytest.raises(BytecodeError) as info:
        mvmc.dumps(set_code(P, 1, 0, 999))
    assert info.value.rule == "opcode"


# ---------------------------------------------------------------- corruption

def test_truncation_at_every_length():
    for data in (TINY_DATA, DATA):
        for n in range(len(data)):
            format_error(data[:n])


def test_every_single_bit_flip_of_a_small_file():
    for i in range(len(TINY_DATA)):
        for bit in range(8):
            data = bytearray(TINY_DATA)
            data[i] ^= 1 << bit
            format_error(bytes(data))


def test_bad_magic_version_flags():
    assert "magic" in str(format_error(b"MVMD\x00" + DATA[5:]))
    assert "magic" in str(format_error(b"\x89PNG\r\n\x1a\n" + bytes(100)))
    assert "version" in str(format_error(DATA[:5] + struct.pack("<H", 2) + DATA[7:]))
    assert "version" in str(format_error(DATA[:5] + struct.pack("<H", 0) + DATA[7:]))
    assert "flags" in str(format_error(DATA[:7] + struct.pack("<H", 1) + DATA[9:]))
    assert "hash" in str(format_error(DATA + b"\x00" * 8))
    assert "hash" in str(format_error(DATA[:-1] + bytes([DATA[-1] ^ 0x40])))


def test_not_bytes():
    for junk in (None, "MVMC", 42, [1, 2]):
        format_error(junk)
    assert_same(P, mvmc.loads(bytearray(DATA)))
    assert_same(P, mvmc.loads(memoryview(DATA)))


META, ARRAYS = split(DATA)


def _meta(**changes):
    m = json.loads(json.dumps(META))
    m.update(changes)
    return m


def _dir(k, **changes):
    m = json.loads(json.dumps(META))
    m["arrays"][k].update(changes)
    return m


@pytest.mark.parametrize("data", [
    forge(b"{not json", ARRAYS),
    forge(b"\xff\xfe", ARRAYS),
    forge(b"[]", ARRAYS),
    forge(b"[" * 100000 + b"]" * 100000, b""),
    forge(json.dumps(META, separators=(",", ":")).replace('"name":"sir"', '"name":"sir","name":"x"', 1).encode(),
          ARRAYS),
    forge(json.dumps(_meta(version=float("nan"))).encode(), ARRAYS),   # a NaN literal
    forge(_meta(extra=1), ARRAYS),
    forge({k: v for k, v in META.items() if k != "strings"}, ARRAYS),
    forge(_meta(name=5), ARRAYS),
    forge(_meta(functions={"a": 1}), ARRAYS),
    forge(_meta(functions=[1]), ARRAYS),
    forge(_meta(strings=[None]), ARRAYS),
    forge(_meta(hosts=[[{"type": "str", "reg": 0.5, "text": ""}]]), ARRAYS),
    forge(_meta(params=[{"name": "x"}]), ARRAYS),
    forge(_meta(arrays=META["arrays"][:4]), ARRAYS),
    forge(_meta(arrays=[]), ARRAYS),
    forge(_meta(arrays=None), ARRAYS),
    forge(_dir(0, name="lines"), ARRAYS),
    forge(_dir(0, dtype="<i8"), ARRAYS),
    forge(_dir(0, dtype=">i4"), ARRAYS),
    forge(_dir(0, shape=[29]), ARRAYS),
    forge(_dir(0, shape=[-29, -4]), ARRAYS),
    forge(_dir(0, shape=[2 ** 62, 4], nbytes=2 ** 66), ARRAYS),
    forge(_dir(0, nbytes=460), ARRAYS),
    forge(_dir(1, offset=472), ARRAYS),
    forge(_dir(3, shape=[6], nbytes=48), ARRAYS),
    forge(_dir(4, shape=["1"]), ARRAYS),
    forge(META, ARRAYS[:-8]),
    forge(META, ARRAYS + bytes(8)),
    forge(META, ARRAYS[:-1] + b"\x01" if META["arrays"][4]["nbytes"] % 8 else ARRAYS + b"x"),
    forge(META, ARRAYS[:581] + b"\x01" + ARRAYS[582:]),   # padding after lines
    forge(META, ARRAYS[:703] + b"\x80" + ARRAYS[704:]),   # padding after cols
    forge(META, ARRAYS, pad=b"\x01" + bytes(7)),
    forge(META, ARRAYS, pad=b""),
    forge(b"9" * 5000, ARRAYS),
    forge(b"", b""),
], ids=lambda d: str(len(d)))
def test_forged_files_with_valid_hash(data):
    format_error(data)


def test_padding_positions_used_above_are_padding():
    lines = META["arrays"][1]
    cols = META["arrays"][2]
    assert lines["offset"] + lines["nbytes"] == 580 and cols["offset"] == 584
    assert cols["offset"] + cols["nbytes"] == 700 and META["arrays"][3]["offset"] == 704


def test_forged_file_with_bad_program_names_the_verifier_rule():
    code = bytearray(ARRAYS)
    code[4 * 4 * 1] = 250          # opcode of pc 1
    with pytest.raises(BytecodeError) as info:
        mvmc.loads(forge(META, bytes(code)))
    assert (info.value.rule, info.value.function, info.value.pc) == ("opcode", "infections", 1)
    m = _meta()
    m["functions"][0]["frame_f"] = 2 ** 80
    with pytest.raises(BytecodeError) as info:
        mvmc.loads(forge(m, ARRAYS))
    assert info.value.rule == "frame-size"


def test_forge_helper_reproduces_the_file():
    assert mvmc.loads(forge(META, ARRAYS)) is not None
    assert reseal(DATA) == DATA


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(DATA) - 1), st.integers(0, 255)), min_size=1, max_size=4),
       st.booleans())
def test_fuzz_bytes(edits, sealed):
    data = bytearray(DATA)
    for i, v in edits:
        data[i] = v
    data = bytes(data)
    if sealed:
        data = reseal(data)   # get past the hash check, so the decoder itself is exercised
    try:
        q = mvmc.loads(data)
    except BytecodeError:
        return
    assert_same(q, mvmc.loads(mvmc.dumps(q)))   # whatever loads is a valid program that round-trips


@settings(max_examples=200, deadline=None)
@given(st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
                              st.text(max_size=4)),
                    lambda kids: st.one_of(st.lists(kids, max_size=3),
                                           st.dictionaries(st.sampled_from(sorted(META) + ["x", "name"]), kids,
                                                           max_size=4)),
                    max_leaves=12),
       st.sampled_from(sorted(META)))
def test_fuzz_metadata_values(value, key):
    try:
        mvmc.loads(forge(_meta(**{key: value}), ARRAYS))
    except BytecodeError:
        pass
