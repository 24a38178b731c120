"""examples/black_scholes.mvm: the Monte Carlo price reproduced exactly from numpy's stream, and the
closed-form price checked against the normal CDF of the C library (math.erfc)."""

from __future__ import annotations

import math

import pytest

DEFAULTS = dict(S0=100.0, K=100.0, r=0.05, sigma=0.2, T=1.0)
PATHS = 20_000      # modest, to keep the test quick


def monte_carlo(normals, seed, paths, S0, K, r, sigma, T):
    """Average discounted payoff over the randn() stream, summed left to right like the model.

    The arithmetic is the model's, in its order, with the C library's exp/sqrt/log/cos (math module),
    so the price and its standard error must agree exactly.
    """
    drift = (r - 0.5 * sigma * sigma) * T
    vol = sigma * math.sqrt(T)
    discount = math.exp(-r * T)
    total = 0.0
    total_sq = 0.0
    for z in normals(seed, paths):
        st = S0 * math.exp(drift + vol * z)
        payoff = max(st - K, 0.0)
        total += payoff
        total_sq += payoff * payoff
    mean = total / paths
    variance = (total_sq / paths - mean * mean) * paths / (paths - 1)
    return discount * mean, discount * math.sqrt(variance / paths)


def black_scholes_call(S0, K, r, sigma, T):
    """The closed form, with N(x) = erfc(-x / sqrt 2) / 2."""
    def n(x):
        return 0.5 * math.erfc(-x / math.sqrt(2.0))
    d1 = (math.log(S0 / K) + (r + 0.5 * sigma ** 2) * T) / (sigma * math.sqrt(T))
    d2 = d1 - sigma * math.sqrt(T)
    return S0 * n(d1) - K * math.exp(-r * T) * n(d2)


@pytest.mark.parametrize("seed", [0, 17])
def test_monte_carlo_matches_exactly(example, normals, seed):
    """Bit-for-bit: numpy's SFC64 stream, Box–Muller as CONTEXT decision 10 defines it."""
    result = example("black_scholes").run(seed=seed, paths=PATHS)
    price, stderr = monte_carlo(normals, seed, PATHS, **DEFAULTS)
    assert list(result) == ["mc_price", "std_error", "analytic_price"]
    assert result["mc_price"] == price
    assert result["std_error"] == stderr


def test_analytic_price(example):
    """The model's series for N(x) is accurate to ~1e-15, so the price agrees to 1e-11 absolute."""
    result = example("black_scholes").run(paths=2)
    assert result["analytic_price"] == pytest.approx(black_scholes_call(**DEFAULTS), abs=1e-11)
    assert result["analytic_price"] == pytest.approx(10.450583572185565, abs=1e-11)


@pytest.mark.parametrize("params", [
    dict(S0=80.0, K=100.0, r=0.01, sigma=0.3, T=0.5),      # out of the money
    dict(S0=150.0, K=100.0, r=0.03, sigma=0.15, T=2.0),    # deep in the money
    dict(S0=100.0, K=100.0, r=-0.01, sigma=1.5, T=10.0),   # negative rate, large volatility
    dict(S0=1.0, K=500.0, r=0.05, sigma=0.1, T=0.25),      # far out of the money: price ~ 0
])
def test_analytic_price_other_parameters(example, params):
    """The closed form over a spread of parameters, including far tails of N."""
    result = example("black_scholes").run(paths=2, **params)
    assert result["analytic_price"] == pytest.approx(black_scholes_call(**params), rel=1e-12, abs=1e-11)


def test_monte_carlo_agrees_with_formula(example):
    """The estimate lies within four standard errors of the exact price."""
    result = example("black_scholes").run(paths=PATHS)
    assert abs(result["mc_price"] - result["analytic_price"]) < 4 * result["std_error"]
    assert 0.05 < result["std_error"] < 0.2     # sd of the payoff is ~14.7, over sqrt(20000)


def test_seeds(example):
    """Same seed, same price; another seed, another price."""
    model = example("black_scholes")
    a = model.run(seed=3, paths=1000)
    assert a == model.run(seed=3, paths=1000)
    assert a["mc_price"] != model.run(seed=4, paths=1000)["mc_price"]
    assert a["analytic_price"] == model.run(seed=4, paths=1000)["analytic_price"]
