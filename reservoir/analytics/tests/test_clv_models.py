"""BG/NBD and Gamma-Gamma: closed forms against references and hand-checked cases."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, stats

from reservoir.analytics.clv import bgnbd, gammagamma

PAPER = bgnbd.BgNbdParams(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=0.0, n=0.0)

# (x, t_x, T) → E[Y(39)], P(alive); reference values from lifetimes 0.11.3's
# conditional_expected_number_of_purchases_up_to_time / conditional_probability_alive
REFERENCE = [
    ((0, 0.0, 38.86), 0.19509805201125396, 1.0),
    ((2, 30.43, 38.86), 1.226028174767135, 0.726578570080673),
    ((26, 30.86, 31.0), 20.7497261408577, 0.968915649717525),
    ((1, 1.71, 38.86), 0.20318698707975183, 0.2121009853773791),
]


@pytest.mark.parametrize(("row", "expected", "alive"), REFERENCE)
def test_conditional_expectation_and_p_alive(row, expected, alive):
    x, tx, big_t = row
    assert bgnbd.expected_purchases(PAPER, 39, x, tx, big_t) == pytest.approx(expected, rel=1e-12)
    assert bgnbd.probability_alive(PAPER, x, tx, big_t) == pytest.approx(alive, rel=1e-12)


def test_p_alive_is_one_without_repeat_purchases():
    p_alive = bgnbd.probability_alive(PAPER, [0, 0, 3], [0.0, 0.0, 5.0], [1.0, 50.0, 50.0])
    assert p_alive[0] == 1.0
    assert p_alive[1] == 1.0
    assert 0 < p_alive[2] < 1


def test_vectorised_equals_scalar():
    x, tx, big_t = (np.array(v, dtype=float) for v in zip(*[r[0] for r in REFERENCE], strict=True))
    many = bgnbd.expected_purchases(PAPER, 39, x, tx, big_t)
    one = [float(bgnbd.expected_purchases(PAPER, 39, *r[0])) for r in REFERENCE]
    assert many.tolist() == pytest.approx(one, rel=1e-14)


def test_unconditional_expectation_against_numerical_integration():
    # E[X(t) | λ, p] = (1 − exp(−λ p t)) / p; over λ ~ Gamma(r, α) that is
    # (1 − (α / (α + p t))^r) / p, integrated here numerically over p ~ Beta(a, b)
    t = 39.0
    drop = stats.beta(PAPER.a, PAPER.b)
    value, _ = integrate.quad(
        lambda p: (1 - (PAPER.alpha / (PAPER.alpha + p * t)) ** PAPER.r) / p * drop.pdf(p),
        0,
        1,
        epsabs=1e-12,
        limit=200,
    )
    assert bgnbd.expected_repeat_unconditional(PAPER, t) == pytest.approx(value, rel=1e-6)
    ref = [0.43241336, 1.19672319, 1.86051906]  # lifetimes 0.11.3, t = 10, 39, 78
    assert bgnbd.expected_repeat_unconditional(PAPER, [10, 39, 78]).tolist() == pytest.approx(
        ref, rel=1e-7
    )


def test_fit_recovers_simulated_parameters_and_weights_equal_duplicates():
    rng = np.random.default_rng(7)
    n, big_t = 4000, 52.0
    lam = rng.gamma(0.8, 1 / 6.0, n)
    p = rng.beta(1.2, 3.0, n)
    x, tx = np.zeros(n), np.zeros(n)
    for i in range(n):
        t = 0.0
        while True:
            t += rng.exponential(1 / lam[i])
            if t > big_t:
                break
            x[i] += 1
            tx[i] = t
            if rng.random() < p[i]:
                break
    fit = bgnbd.fit_bgnbd(x, tx, np.full(n, big_t))
    assert fit.r == pytest.approx(0.8, rel=0.15)
    assert fit.alpha == pytest.approx(6.0, rel=0.25)
    assert fit.a == pytest.approx(1.2, rel=0.35)
    assert fit.b == pytest.approx(3.0, rel=0.45)
    # two copies of every row == every row with weight 2
    doubled = bgnbd.fit_bgnbd(np.tile(x, 2), np.tile(tx, 2), np.full(2 * n, big_t))
    weighted = bgnbd.fit_bgnbd(x, tx, np.full(n, big_t), weights=np.full(n, 2.0))
    assert weighted.r == pytest.approx(doubled.r, rel=1e-6)
    assert weighted.log_likelihood == pytest.approx(doubled.log_likelihood, rel=1e-9)
    assert weighted.n == 2 * n
    # the maximum beats nearby points
    ll = bgnbd.log_likelihood(fit, x, tx, np.full(n, big_t)).sum()
    assert ll == pytest.approx(fit.log_likelihood, rel=1e-12)
    nudged = (fit.r * 1.05, fit.alpha, fit.a, fit.b)
    assert bgnbd.log_likelihood(nudged, x, tx, np.full(n, big_t)).sum() < ll


@pytest.mark.parametrize(
    ("frequency", "recency", "T"),
    [
        ([], [], []),
        ([1], [5.0], [3.0]),  # recency > T
        ([-1], [0.0], [3.0]),
        ([2], [0.0], [3.0]),  # repeat purchases at time 0
        ([0, 0, 0], [0.0, 0.0, 0.0], [5.0, 6.0, 7.0]),  # nobody came back
    ],
)
def test_fit_rejects_bad_input(frequency, recency, T):
    with pytest.raises(ValueError):
        bgnbd.fit_bgnbd(frequency, recency, T)


def test_gamma_gamma_expected_value_by_hand():
    params = gammagamma.GammaGammaParams(p=2.0, q=3.0, gamma=10.0, log_likelihood=0.0, n=0.0)
    # (γ + x m) p / (p x + q − 1): x=2, m=20 → 50·2/6; x=0 → population mean p γ/(q − 1) = 10
    values = gammagamma.expected_average_value(params, [2, 0], [20.0, 99.0])
    assert values.tolist() == pytest.approx([100 / 6, 10.0])
    assert params.population_mean == 10.0


def test_gamma_gamma_fit_recovers_simulated_parameters():
    rng = np.random.default_rng(3)
    n = 5000
    nu = rng.gamma(4.0, 1 / 20.0, n)  # ν ~ Gamma(q=4, rate γ=20)
    x = rng.integers(1, 8, n)
    m = np.array([rng.gamma(6.0, 1 / nu[i], x[i]).mean() for i in range(n)])  # z ~ Gamma(p, ν)
    fit = gammagamma.fit_gamma_gamma(np.concatenate([x, [0, 0]]), np.concatenate([m, [0, 0]]))
    assert fit.n == n  # customers without repeat purchases are left out
    # p and γ trade off (weakly identified); the maximum beats the truth and the implied
    # population mean p γ / (q − 1) is close to the true 6 · 20 / 3 = 40
    truth, _ = gammagamma._loglik_terms(np.log([6.0, 4.0, 20.0]), x.astype(float), m)
    assert fit.log_likelihood >= truth.sum()
    assert fit.population_mean == pytest.approx(40.0, rel=0.02)
    assert fit.q == pytest.approx(4.0, rel=0.1)


def test_gamma_gamma_rejects_no_repeaters():
    with pytest.raises(ValueError):
        gammagamma.fit_gamma_gamma([0, 0], [0.0, 0.0])
    with pytest.raises(ValueError):
        gammagamma.fit_gamma_gamma([2, 3], [0.0, 0.0])  # zero-value repeat purchases only


def test_gamma_gamma_ignores_zero_value_repeaters():
    x, m = [1, 2, 3, 4, 2], [10.0, 20.0, 15.0, 30.0, 0.0]
    assert gammagamma.fit_gamma_gamma(x, m) == gammagamma.fit_gamma_gamma(x[:4], m[:4])


def test_compress_merges_identical_rows():
    x, tx, big_t, w = bgnbd.compress([1, 0, 1, 0], [2.0, 0.0, 2.0, 0.0], [5.0, 5.0, 5.0, 3.0])
    assert list(zip(x, tx, big_t, w, strict=True)) == [
        (0, 0, 3, 1),
        (0, 0, 5, 1),
        (1, 2, 5, 2),
    ]
