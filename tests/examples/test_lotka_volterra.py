"""examples/lotka_volterra.mvm against RK4 on the state vector (x, y) with numpy."""

from __future__ import annotations

import math

import numpy as np
import pytest

DEFAULTS = dict(alpha=1.1, beta=0.4, delta=0.1, gamma=0.4, x0=10.0, y0=10.0, dt=0.01, steps=5000)


def rk4_reference(alpha, beta, delta, gamma, x0, y0, dt, steps):
    """Classical RK4 on the vector field f(x, y) = (alpha x - beta x y, delta x y - gamma y).

    Written on the state vector: s + dt/6 (k1 + 2 k2 + 2 k3 + k4) with stages at s + dt/2 k. Each
    element of each numpy operation is one IEEE operation, and the expression trees are the ones the
    model evaluates per component, so the trajectory must agree exactly.
    """
    def f(s):
        x, y = s
        return np.array([alpha * x - beta * x * y, delta * x * y - gamma * y])

    s = np.array([x0, y0])
    traj = np.empty((steps + 1, 2))
    traj[0] = s
    half = dt / 2.0
    for n in range(1, steps + 1):
        k1 = f(s)
        k2 = f(s + half * k1)
        k3 = f(s + half * k2)
        k4 = f(s + dt * k3)
        s = s + dt / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
        traj[n] = s
    return traj


def invariant(x, y, p):
    """V = delta x - gamma log x + beta y - alpha log y is constant along exact solutions."""
    return p["delta"] * x - p["gamma"] * np.log(x) + p["beta"] * y - p["alpha"] * np.log(y)


@pytest.fixture(scope="module")
def default_run(example):
    """One run with the default parameters."""
    return example("lotka_volterra").run()


def test_matches_vector_rk4_exactly(default_run):
    """Same floating-point operations in the same order: exact equality of the whole trajectory."""
    traj = rk4_reference(**DEFAULTS)
    assert list(default_run) == ["x", "y", "xs", "ys"]
    np.testing.assert_array_equal(default_run["xs"], traj[:, 0])
    np.testing.assert_array_equal(default_run["ys"], traj[:, 1])
    assert default_run["x"] == traj[-1, 0] and default_run["y"] == traj[-1, 1]
    assert default_run["xs"][0] == 10.0 and len(default_run["xs"]) == DEFAULTS["steps"] + 1


def test_conserved_quantity(default_run):
    """RK4's error over t = 50 at dt = 0.01 is O(dt^4): V drifts far less than 1e-6 relative."""
    v = invariant(default_run["xs"], default_run["ys"], DEFAULTS)
    assert np.max(np.abs(v - v[0])) < 1e-6 * abs(v[0])


def test_populations_stay_positive_and_oscillate(default_run):
    """Both populations stay positive and cycle (the prey passes its initial value again)."""
    xs, ys = default_run["xs"], default_run["ys"]
    assert (xs > 0).all() and (ys > 0).all()
    crossings = np.count_nonzero(np.diff(np.sign(xs - xs.mean())))
    assert crossings >= 4


def test_equilibrium_is_fixed(example):
    """At (gamma/delta, alpha/beta) the field vanishes: the state does not move at all."""
    p = dict(DEFAULTS, x0=4.0, y0=2.75, steps=100)    # 0.4/0.1 = 4, 1.1/0.4 = 2.75
    result = example("lotka_volterra").run(**p)
    traj = rk4_reference(**p)
    assert result["x"] == traj[-1, 0] and result["y"] == traj[-1, 1]
    assert math.isclose(result["x"], 4.0, rel_tol=1e-12) and math.isclose(result["y"], 2.75, rel_tol=1e-12)


def test_overrides(example):
    """Other coefficients and step sizes follow the reference too."""
    p = dict(alpha=0.7, beta=0.02, delta=0.01, gamma=0.5, x0=40.0, y0=9.0, dt=0.05, steps=300)
    result = example("lotka_volterra").run(**p)
    traj = rk4_reference(**p)
    np.testing.assert_array_equal(result["xs"], traj[:, 0])
    np.testing.assert_array_equal(result["ys"], traj[:, 1])
