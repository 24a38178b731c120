"""Pure-Python references for the VM tests: int64 wrapping, bitwise float equality, SFC64 and the documented
``rand``/``randn``/``randint`` algorithms (CONTEXT decision 10)."""

import math
import struct

from mvm.vm import kernels

M64 = (1 << 64) - 1


def wrap(v: int) -> int:
    """Python int to int64 two's complement."""
    v &= M64
    return v - (1 << 64) if v >> 63 else v


def same(x: float, y: float) -> bool:
    """Bit-identical floats (any nan equals any nan)."""
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    return struct.pack("<d", x) == struct.pack("<d", y)


class PySFC64:
    """numpy's SFC64 step in Python ints, with rand, randn and randint as documented."""

    def __init__(self, seed):
        self.a, self.b, self.c, self.n = (int(v) for v in kernels.sfc64_state(seed))

    def next(self) -> int:
        tmp = (self.a + self.b + self.n) & M64
        self.n = (self.n + 1) & M64
        self.a = self.b ^ (self.b >> 11)
        self.b = (self.c + (self.c << 3)) & M64
        self.c = ((((self.c << 24) | (self.c >> 40)) & M64) + tmp) & M64
        return tmp

    def rand(self) -> float:
        return (self.next() >> 11) * 2.0 ** -53

    def randn(self) -> float:
        u1 = self.rand()
        u2 = self.rand()
        return math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(2.0 * math.pi * u2)

    def randint(self, lo: int, hi: int) -> int:
        n = (hi - lo) & M64
        threshold = ((1 << 64) - n) % n
        r = self.next()
        while r < threshold:
            r = self.next()
        return wrap(lo + r % n)
