"""examples/heat1d.mvm against the FTCS scheme vectorised with numpy, and against the analytic decay."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mvm import MVMRuntimeError

DEFAULTS = dict(nx=51, nt=2000, alpha=1.0, dx=0.02, dt=0.0001)


def ftcs_reference(nx, nt, alpha, dx, dt):
    """Explicit finite differences on the whole interior at once: u += lam (u[i+1] - 2u[i] + u[i-1]).

    The initial sine uses math.sin (the C library, as the VM does) because numpy's SIMD sin may differ
    in the last bit. Each update is the model's expression elementwise in the same order, so the final
    profile must agree exactly.
    """
    lam = alpha * dt / (dx * dx)
    u = np.array([math.sin(3.141592653589793 * i / (nx - 1)) for i in range(nx)])
    u[0] = u[-1] = 0.0
    for _ in range(nt):
        nxt = np.zeros(nx)
        nxt[1:-1] = u[1:-1] + lam * (u[2:] - 2.0 * u[1:-1] + u[:-2])
        u = nxt
    return u


def mode_decay(nx, nt, alpha, dx, dt):
    """Exact solution of the discrete scheme for the initial sine mode (no iteration).

    sin(pi i / (nx-1)) is an eigenvector of the FTCS update with eigenvalue 1 - 4 lam sin^2(pi/(2(nx-1))).
    """
    lam = alpha * dt / (dx * dx)
    g = 1.0 - 4.0 * lam * math.sin(math.pi / (2 * (nx - 1))) ** 2
    return g ** nt * np.sin(np.pi * np.arange(nx) / (nx - 1))


@pytest.fixture(scope="module")
def default_run(example):
    """One run with the default parameters."""
    return example("heat1d").run()


def test_matches_vectorised_scheme_exactly(default_run):
    """Bit-for-bit equality with the numpy scheme."""
    assert isinstance(default_run, np.ndarray) and default_run.shape == (51,)
    np.testing.assert_array_equal(default_run, ftcs_reference(**DEFAULTS))


def test_matches_discrete_eigenmode(default_run):
    """Against the closed form of the discrete scheme: only rounding separates them."""
    expected = mode_decay(**DEFAULTS)
    assert np.max(np.abs(default_run - expected)) < 1e-12


def test_close_to_the_pde_solution(default_run):
    """The PDE decays the sine by exp(-alpha (pi/L)^2 t); the scheme's error is O(dx^2) ~ 1e-4 relative."""
    t = DEFAULTS["nt"] * DEFAULTS["dt"]
    length = (DEFAULTS["nx"] - 1) * DEFAULTS["dx"]
    exact = math.exp(-DEFAULTS["alpha"] * (math.pi / length) ** 2 * t)
    assert default_run[25] == pytest.approx(exact, rel=1e-3)
    assert default_run[0] == 0.0 and default_run[-1] == 0.0


def test_zero_steps_returns_initial_profile(example):
    """nt = 0 gives the initial sine with the ends held at zero."""
    p = dict(DEFAULTS, nt=0, nx=11)
    np.testing.assert_array_equal(example("heat1d").run(**p), ftcs_reference(**p))


def test_overrides(example):
    """A coarser grid with another diffusivity, at the stability limit (lam = 1/2 up to rounding)."""
    p = dict(nx=21, nt=300, alpha=0.5, dx=0.05, dt=0.0025)
    assert p["alpha"] * p["dt"] / (p["dx"] * p["dx"]) == pytest.approx(0.5)
    np.testing.assert_array_equal(example("heat1d").run(**p), ftcs_reference(**p))


def test_unstable_step_fails_the_assert(example):
    """lam = 2.5 > 1/2: the model's stability assert fails with its message."""
    with pytest.raises(MVMRuntimeError, match="unstable"):
        example("heat1d").run(dt=0.001)
