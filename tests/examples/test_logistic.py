"""examples/logistic.mvm against the logistic map iterated for all r at once with numpy."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mvm import MVMRuntimeError

DEFAULTS = dict(r_min=2.5, r_max=4.0, n_r=200, transient=1000, keep=100, x0=0.5)


def reference(r_min, r_max, n_r, transient, keep, x0):
    """Iterate x <- r x (1 - x) for the whole vector of r at once.

    r_k = r_min + (r_max - r_min) * k / (n_r - 1) is spelled out (not np.linspace, which computes it
    differently) so r is bit-identical to the model's. The map and the running total are elementwise
    IEEE operations in the model's order, so orbit and mean must agree exactly.
    """
    r = r_min + (r_max - r_min) * np.arange(n_r, dtype=np.float64) / (n_r - 1)
    x = np.full(n_r, x0)
    for _ in range(transient):
        x = r * x * (1.0 - x)
    orbit = np.empty((n_r, keep))
    total = np.zeros(n_r)
    for t in range(keep):
        x = r * x * (1.0 - x)
        orbit[:, t] = x
        total += x
    return r, orbit, total / keep


@pytest.fixture(scope="module")
def default_run(example):
    """One run with the default parameters."""
    return example("logistic").run()


def test_matches_numpy_exactly(default_run):
    """Whole orbit array and per-r means, bit for bit."""
    _, orbit, mean = reference(**DEFAULTS)
    assert list(default_run) == ["orbit", "mean"]
    assert default_run["orbit"].shape == (200, 100) and default_run["orbit"].dtype == np.float64
    np.testing.assert_array_equal(default_run["orbit"], orbit)
    np.testing.assert_array_equal(default_run["mean"], mean)


def test_mean_is_the_row_mean(default_run):
    """numpy's pairwise mean adds in another order: equal to within a few ulps."""
    np.testing.assert_allclose(default_run["mean"], default_run["orbit"].mean(axis=1), rtol=1e-13)


def test_fixed_point_below_three(default_run):
    """For 1 < r < 3 the orbit settles on x* = 1 - 1/r (checked where convergence is fast, r < 2.9)."""
    r, _, _ = reference(**DEFAULTS)
    stable = r < 2.9
    orbit = default_run["orbit"][stable]
    fixed = np.broadcast_to((1.0 - 1.0 / r[stable])[:, None], orbit.shape)
    np.testing.assert_allclose(orbit, fixed, rtol=1e-9)


def test_period_two(example):
    """At r = 3.2 the orbit alternates between ((r+1) +- sqrt((r-3)(r+1))) / (2r)."""
    result = example("logistic").run(r_min=3.2, r_max=3.2, n_r=2, keep=6)
    r = 3.2
    root = math.sqrt((r - 3.0) * (r + 1.0))
    cycle = sorted([(r + 1.0 - root) / (2.0 * r), (r + 1.0 + root) / (2.0 * r)])
    for row in result["orbit"]:
        assert sorted(row[:2]) == pytest.approx(cycle, rel=1e-12)
        # period 2 once settled (to rounding: the floating-point orbit may wobble in the last bit)
        np.testing.assert_allclose(row[0::2], row[0], rtol=1e-14)
        np.testing.assert_allclose(row[1::2], row[1], rtol=1e-14)


def test_overrides(example):
    """A smaller grid with other settings follows the reference too."""
    p = dict(r_min=3.5, r_max=3.9, n_r=7, transient=50, keep=9, x0=0.25)
    result = example("logistic").run(**p)
    _, orbit, mean = reference(**p)
    np.testing.assert_array_equal(result["orbit"], orbit)
    np.testing.assert_array_equal(result["mean"], mean)


def test_reversed_range_fails_the_assert(example):
    """r_min > r_max is rejected by the model's assert, with its message."""
    with pytest.raises(MVMRuntimeError, match="r_min must not exceed r_max"):
        example("logistic").run(r_min=3.9, r_max=3.0)
