"""Shared helpers for the example-model tests: loading an example once, and the reference RNG streams.

Input: the models in ``examples/``.
Output: fixtures ``example`` (name -> compiled Model, cached per session), ``uniforms`` and ``normals``
(the streams ``rand()`` and ``randn()`` must reproduce, computed with numpy and the C math library).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import mvm

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="session")
def example():
    """Return a function loading ``examples/<name>.mvm``; each model is compiled once per session."""
    cache: dict[str, object] = {}

    def load(name: str):
        if name not in cache:
            cache[name] = mvm.load(str(EXAMPLES_DIR / f"{name}.mvm"))
        return cache[name]

    return load


def uniform_stream(seed: int, n: int) -> np.ndarray:
    """The first ``n`` values of ``rand()`` for ``seed``: numpy's SFC64 generator, by definition."""
    return np.random.Generator(np.random.SFC64(seed)).random(n)


def normal_stream(seed: int, n: int) -> list[float]:
    """The first ``n`` values of ``randn()`` for ``seed``: Box–Muller over pairs of ``rand()`` draws.

    The transform uses the ``math`` module (the C library, like the VM) rather than numpy's ufuncs,
    whose SIMD log/cos may differ from libm in the last bit.
    """
    u = uniform_stream(seed, 2 * n).tolist()
    return [math.sqrt(-2.0 * math.log(1.0 - u1)) * math.cos(2.0 * math.pi * u2)
            for u1, u2 in zip(u[0::2], u[1::2])]


@pytest.fixture(scope="session")
def uniforms():
    """``uniform_stream`` as a fixture."""
    return uniform_stream


@pytest.fixture(scope="session")
def normals():
    """``normal_stream`` as a fixture."""
    return normal_stream
