"""examples/monte_carlo_pi.mvm against the same estimate computed with numpy's generator directly."""

from __future__ import annotations

import math

import numpy as np
import pytest

SAMPLES = 100_000     # modest, to keep the test quick


def reference(uniforms, seed: int, samples: int) -> float:
    """Vectorised: pairs (x, y) of the rand() stream, x first; hits inside x^2 + y^2 < 1.

    The comparison and the final 4.0 * hits / samples are the same operations as in the model, and the
    stream is numpy's by definition, so the estimate must be identical.
    """
    xy = uniforms(seed, 2 * samples).reshape(samples, 2)
    hits = int(np.count_nonzero(xy[:, 0] * xy[:, 0] + xy[:, 1] * xy[:, 1] < 1.0))
    return 4.0 * hits / samples


@pytest.mark.parametrize("seed", [0, 1, 42, 123456789])
def test_matches_numpy_exactly(example, uniforms, seed):
    """Bit-for-bit agreement with numpy's SFC64 stream for several seeds."""
    estimate = example("monte_carlo_pi").run(seed=seed, samples=SAMPLES)
    assert type(estimate) is float
    assert estimate == reference(uniforms, seed, SAMPLES)


def test_estimate_is_close_to_pi(example):
    """The hit rate is binomial with p = pi/4: the estimate's standard error is 4 sqrt(p(1-p)/n)."""
    estimate = example("monte_carlo_pi").run(samples=SAMPLES)
    p = math.pi / 4
    assert abs(estimate - math.pi) < 5 * 4 * math.sqrt(p * (1 - p) / SAMPLES)


def test_seeds(example):
    """Same seed, same estimate; different seeds, different estimates."""
    model = example("monte_carlo_pi")
    assert model.run(seed=5, samples=1000) == model.run(seed=5, samples=1000)
    assert model.run(seed=5, samples=1000) != model.run(seed=6, samples=1000)


@pytest.mark.parametrize("samples", [1, 2, 7])
def test_tiny_sample_counts(example, uniforms, samples):
    """Even one sample follows the stream."""
    assert example("monte_carlo_pi").run(samples=samples) == reference(uniforms, 0, samples)
