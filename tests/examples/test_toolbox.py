"""examples/toolbox.mvm: a prime sieve, recursive Fibonacci, Monte Carlo pi and a small grid.

Each field is checked against an independent numpy/Python computation.
"""

from __future__ import annotations

import numpy as np
import pytest


def primes_up_to(n: int) -> int:
    """Count primes <= n with a vectorised sieve of Eratosthenes."""
    if n < 2:
        return 0
    is_prime = np.ones(n + 1, dtype=bool)
    is_prime[:2] = False
    for k in range(2, int(n ** 0.5) + 1):
        if is_prime[k]:
            is_prime[k * k::k] = False
    return int(is_prime.sum())


def fib(n: int) -> int:
    """Fibonacci by iteration."""
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a


def pi_estimate(uniforms, seed: int, samples: int = 10000) -> float:
    """Quarter-disc hit rate of consecutive (x, y) pairs of the rand() stream, times 4.

    Same comparison (x*x + y*y < 1.0) and same final arithmetic (4.0 * hits / samples) as the model,
    so the estimate must agree exactly.
    """
    xy = uniforms(seed, 2 * samples).reshape(samples, 2)
    hits = int(np.count_nonzero(xy[:, 0] * xy[:, 0] + xy[:, 1] * xy[:, 1] < 1.0))
    return 4.0 * hits / samples


def test_defaults(example, uniforms):
    """Every field of the record, in declared order, with its type."""
    result = example("toolbox").run()
    assert list(result) == ["primes", "fib20", "pi", "grid"]
    assert type(result["primes"]) is int and result["primes"] == primes_up_to(100) == 25
    assert type(result["fib20"]) is int and result["fib20"] == fib(20) == 6765
    assert type(result["pi"]) is float and result["pi"] == pi_estimate(uniforms, 0)
    grid = result["grid"]
    assert grid.dtype == np.float64 and grid.shape == (3, 4)
    # grid[r, c] = (4r + c) / 2, row-major
    np.testing.assert_array_equal(grid, np.arange(12, dtype=np.float64).reshape(3, 4) / 2.0)


@pytest.mark.parametrize("limit", [0, 1, 2, 3, 10, 1000, 7919])
def test_primes_for_other_limits(example, limit):
    """The sieve parameter can be overridden."""
    assert example("toolbox").run(limit=limit)["primes"] == primes_up_to(limit)


@pytest.mark.parametrize("seed", [1, 2, 99, 2**40 + 3])
def test_pi_follows_the_seed(example, uniforms, seed):
    """Each seed gives numpy's stream for that seed."""
    assert example("toolbox").run(seed=seed)["pi"] == pi_estimate(uniforms, seed)


def test_seeds(example):
    """The same seed gives the same run; different seeds give different estimates."""
    model = example("toolbox")
    assert model.run(seed=7)["pi"] == model.run(seed=7)["pi"]
    estimates = {model.run(seed=s)["pi"] for s in range(5)}
    assert len(estimates) > 1
    assert all(abs(p - np.pi) < 0.1 for p in estimates)
