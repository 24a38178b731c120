"""examples/sir.mvm against the SIR difference equations written out in plain Python.

Also the home of the parameter-handling tests (overrides, and ParameterError for an unknown name, a
wrong type and a value out of range), which apply to every model alike.
"""

from __future__ import annotations

import numpy as np
import pytest

from mvm import ParameterError


def sir_reference(beta=0.3, gamma=0.1, days=160, population=1000.0):
    """Discrete-time SIR: each day s*i*beta/N people fall ill and gamma*i recover.

    The model is inherently sequential, so this is a plain loop. Each product is written in the same
    left-to-right order as the model (beta*s*i/N, gamma*i; the model's extra factor DT = 1.0 is an
    exact identity), so the results must agree exactly.
    """
    s, i, r = population - 1.0, 1.0, 0.0
    infected = []
    for _ in range(days):
        new_inf = beta * s * i / population
        new_rec = gamma * i
        s = s - new_inf
        i = i + new_inf - new_rec
        r += new_rec
        infected.append(i)
    return max(infected), np.array(infected), (s, i, r)


def test_peak_from_the_issue(example):
    """The figure quoted in the issue for beta = 0.4."""
    assert example("sir").run(beta=0.4)["peak"] == 424.1772428476799


def test_defaults_match_reference(example):
    """Same operation order as the reference: exact equality of the peak and of every day."""
    result = example("sir").run()
    peak, infected, _ = sir_reference()
    assert list(result) == ["peak", "infected"]
    assert type(result["peak"]) is float and result["peak"] == peak
    assert isinstance(result["infected"], np.ndarray) and result["infected"].dtype == np.float64
    np.testing.assert_array_equal(result["infected"], infected)
    assert result["peak"] == result["infected"].max()


def test_first_days_as_shown_in_the_issue(example):
    """The issue shows the first days rounded to six significant figures."""
    infected = example("sir").run(beta=0.4)["infected"]
    assert len(infected) == 160
    assert [float(f"{x:.6g}") for x in infected[:3]] == [1.2996, 1.68875, 2.19408]


@pytest.mark.parametrize("params", [
    {"beta": 0.5, "gamma": 0.2},
    {"days": 30},
    {"population": 50000.0, "beta": 1.5},
    {"gamma": 0.0, "days": 5},
])
def test_overrides_match_reference(example, params):
    """Every parameter can be overridden, alone or together, and the others keep their defaults."""
    result = example("sir").run(**params)
    peak, infected, _ = sir_reference(**params)
    assert result["peak"] == peak
    np.testing.assert_array_equal(result["infected"], infected)


def test_population_is_conserved(example):
    """An independent property of the equations: s + i + r stays N, up to rounding."""
    _, _, (s, i, r) = sir_reference(beta=0.4)
    assert abs(s + i + r - 1000.0) < 1e-9
    # the epidemic is over at day 160 with beta = 0.4: few are still infected
    assert example("sir").run(beta=0.4)["infected"][-1] < 1.0


def test_result_arrays_are_owned(example):
    """Changing a returned array does not change the next run."""
    model = example("sir")
    first = model.run(days=10)
    first["infected"][:] = -1.0
    assert (model.run(days=10)["infected"] > 0).all()


def test_seed_does_not_matter_without_randomness(example):
    """sir.mvm draws no random numbers, so the seed changes nothing."""
    model = example("sir")
    a, b = model.run(seed=1), model.run(seed=12345)
    assert a["peak"] == b["peak"]
    np.testing.assert_array_equal(a["infected"], b["infected"])


@pytest.mark.parametrize("params, names", [
    ({"betta": 0.4}, ["betta"]),                 # unknown name
    ({"beta": "high"}, ["beta", "high"]),        # wrong type: a string for a float
    ({"days": 2.5}, ["days", "2.5"]),            # wrong type: a float for an int
    ({"beta": 5.5}, ["beta", "5.5"]),            # above the declared range [0.0, 5.0]
    ({"gamma": -0.1}, ["gamma", "-0.1"]),        # below the declared range
    ({"days": 0}, ["days", "0"]),                # int below its range [1, 100000]
])
def test_parameter_errors(example, params, names):
    """ParameterError names the parameter and the value."""
    with pytest.raises(ParameterError) as info:
        example("sir").run(**params)
    for name in names:
        assert name in str(info.value)


def test_range_is_inclusive(example):
    """The declared bounds themselves are allowed."""
    model = example("sir")
    assert model.run(beta=5.0, days=1)["infected"].shape == (1,)
    assert model.run(beta=0.0, gamma=1.0, days=3)["peak"] == sir_reference(0.0, 1.0, 3)[0]
