"""examples/nbody.mvm against a vectorised (all pairs at once) numpy integration of the same system."""

from __future__ import annotations

import numpy as np
import pytest

PI = 3.141592653589793
SOLAR_MASS = 4 * PI * PI
DAYS_PER_YEAR = 365.24

# sun, jupiter, saturn, uranus, neptune: position (AU), velocity (AU/day), mass (solar masses)
BODIES = np.array([
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0],
    [4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
     1.66007664274403694e-03, 7.69901118419740425e-03, -6.90460016972063023e-05, 9.54791938424326609e-04],
    [8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
     -2.76742510726862411e-03, 4.99852801234917238e-03, 2.30417297573763929e-05, 2.85885980666130812e-04],
    [1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
     2.96460137564761618e-03, 2.37847173959480950e-03, -2.96589568540237556e-05, 4.36624404335156298e-05],
    [1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
     2.68067772490389322e-03, 1.62824170038242295e-03, -9.51592254519715870e-05, 5.15138902046611451e-05],
])


def initial_state():
    """Positions, velocities (AU/year) and masses (G = 1), with the sun cancelling the total momentum."""
    pos = BODIES[:, 0:3].copy()
    vel = BODIES[:, 3:6] * DAYS_PER_YEAR
    mass = BODIES[:, 6] * SOLAR_MASS
    vel[0] = -(vel * mass[:, None]).sum(axis=0) / SOLAR_MASS
    return pos, vel, mass


def energy(pos, vel, mass):
    """Kinetic energy minus the potential energy of every pair i < j."""
    kinetic = 0.5 * np.sum(mass * np.sum(vel * vel, axis=1))
    diff = pos[:, None, :] - pos[None, :, :]
    dist = np.sqrt(np.sum(diff * diff, axis=2))
    i, j = np.triu_indices(len(mass), k=1)
    return kinetic - np.sum(mass[i] * mass[j] / dist[i, j])


def integrate(steps, dt):
    """Symplectic Euler: every velocity kicked by all pairwise accelerations at once, then positions drift.

    The accelerations are summed over j in another order than the model's pair loop, so results agree
    to rounding rather than bit for bit.
    """
    pos, vel, mass = initial_state()
    e0 = energy(pos, vel, mass)
    for _ in range(steps):
        diff = pos[:, None, :] - pos[None, :, :]            # r_i - r_j
        d2 = np.sum(diff * diff, axis=2)
        np.fill_diagonal(d2, np.inf)                          # no self-interaction
        mag = dt / (d2 * np.sqrt(d2))
        vel -= np.sum(diff * (mass[None, :] * mag)[:, :, None], axis=1)
        pos += dt * vel
    return e0, energy(pos, vel, mass), pos


@pytest.fixture(scope="module")
def default_run(example):
    """1000 steps of 0.01 years, the benchmark's small case."""
    return example("nbody").run()


def test_benchmark_reference_output(default_run):
    """The published output of the n-body benchmark for n = 1000, to its nine decimals."""
    assert f"{default_run['e0']:.9f}" == "-0.169075164"
    assert f"{default_run['e1']:.9f}" == "-0.169087605"


def test_matches_vectorised_numpy(default_run):
    """Energies and final positions agree with the numpy integration to rounding.

    Over 1000 steps the two summation orders drift apart by a few hundred ulps at most; 1e-12 relative
    is far tighter than any real discrepancy (a wrong sign or index changes e1 in the 4th digit).
    """
    e0, e1, pos = integrate(1000, 0.01)
    assert list(default_run) == ["e0", "e1", "pos"]
    assert default_run["e0"] == pytest.approx(e0, rel=1e-14)
    assert default_run["e1"] == pytest.approx(e1, rel=1e-12)
    assert default_run["pos"].shape == (5, 3)
    np.testing.assert_allclose(default_run["pos"], pos, rtol=0, atol=1e-10)


def test_energy_is_nearly_conserved(default_run):
    """A symplectic integrator keeps the energy error small and bounded."""
    assert abs(default_run["e1"] - default_run["e0"]) < 1e-4 * abs(default_run["e0"])


def test_zero_steps(example):
    """Without steps the energy does not change and the planets stay put."""
    result = example("nbody").run(steps=0)
    assert result["e0"] == result["e1"]
    np.testing.assert_array_equal(result["pos"], BODIES[:, 0:3])


def test_other_step_size(example):
    """Another dt and step count follow the reference too."""
    result = example("nbody").run(steps=200, dt=0.05)
    e0, e1, pos = integrate(200, 0.05)
    assert result["e1"] == pytest.approx(e1, rel=1e-12)
    np.testing.assert_allclose(result["pos"], pos, rtol=0, atol=1e-10)
