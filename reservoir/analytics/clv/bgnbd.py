"""The BG/NBD purchase model (Fader, Hardie & Lee 2005, "Counting your customers the easy
way"): fit by maximum likelihood, conditional expectations, P(alive). Pure numpy/scipy.

While alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α); after each
purchase she drops out with probability p ~ Beta(a, b). Data per customer: x repeat
purchases, t_x the time of the last one, T the time since the first purchase.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import special

from reservoir.analytics.clv._optim import check_identified, group_rows, minimize
from reservoir.analytics.clv.summary import RFMSummary

ArrayLike = Any  # numbers or arrays; every function broadcasts its inputs


@dataclass(frozen=True)
class BgNbdParams:
    """Fitted BG/NBD parameters, the maximised log-likelihood and the number of customers."""

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    n: float


@dataclass(frozen=True)
class HoldoutRow:
    """One bar of the calibration-vs-holdout chart (Fader, Hardie & Lee 2005, figure 3)."""

    frequency: int  # repeat purchases in calibration (the last row means "this or more")
    label: str  # "0", "1", … "7+"
    customers: int
    actual: float  # mean holdout purchases
    predicted: float  # mean conditional expectation over the holdout length


def _arrays(*values: ArrayLike) -> list[np.ndarray]:
    return [np.asarray(v, dtype=np.float64) for v in values]


def compress(
    frequency: ArrayLike, recency: ArrayLike, T: ArrayLike, weights: ArrayLike | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Merge identical (x, t_x, T) rows, summing their weights (1 each by default)."""
    x, tx, big_t = np.broadcast_arrays(*_arrays(frequency, recency, T))
    w = np.ones_like(x) if weights is None else np.asarray(weights, dtype=np.float64)
    w = np.broadcast_to(w, x.shape)
    (ux, utx, ut), summed = group_rows([x.ravel(), tx.ravel(), big_t.ravel()], w.ravel())
    return ux, utx, ut, summed


@dataclass(frozen=True)
class _Rows:
    """Data prepared once per fit: functions of x and of T are evaluated per distinct value."""

    x: np.ndarray
    tx: np.ndarray
    big_t: np.ndarray
    w: np.ndarray
    repeat: np.ndarray
    ux: np.ndarray
    xi: np.ndarray
    ut: np.ndarray
    ti: np.ndarray

    @classmethod
    def of(cls, x: np.ndarray, tx: np.ndarray, big_t: np.ndarray, w: np.ndarray) -> _Rows:
        ux, xi = np.unique(x, return_inverse=True)
        ut, ti = np.unique(big_t, return_inverse=True)
        return cls(x, tx, big_t, w, x > 0, ux, xi.ravel(), ut, ti.ravel())


def _loglik_terms(log_params: np.ndarray, rows: _Rows) -> tuple[np.ndarray, np.ndarray]:
    """Per-row log-likelihood and its gradient w.r.t. the log parameters (4 x rows).

    Fader, Hardie & Lee (2005), eq. 6, in lifetimes' numerically stable arrangement.
    """
    r, alpha, a, b = (float(v) for v in np.exp(log_params))
    x, tx, xi, ux = rows.x, rows.tx, rows.xi, rows.ux
    # functions of x alone, per distinct x
    g_rx = special.gammaln(r + ux)[xi]
    betaln_x = (special.gammaln(b + ux) - special.gammaln(a + b + ux))[xi]
    psi_rx = special.digamma(r + ux)[xi]
    psi_bx = special.digamma(b + ux)[xi]
    psi_abx = special.digamma(a + b + ux)[xi]
    log_at = np.log(alpha + rows.ut)[rows.ti]
    log_atx = np.log(alpha + tx)
    rx = r + x
    a1 = g_rx - special.gammaln(r) + r * math.log(alpha)
    a2 = special.gammaln(a) + betaln_x - special.betaln(a, b)
    a3 = -rx * log_at
    bx1 = np.where(rows.repeat, b + x - 1.0, 1.0)
    a4 = np.where(rows.repeat, math.log(a) - np.log(bx1) - rx * log_atx, -np.inf)
    lse = np.logaddexp(a3, a4)
    ll = a1 + a2 + lse
    w = np.exp(a4 - lse)  # weight of the "dropped out after t_x" branch
    psi_ab = float(special.digamma(a + b))
    d_r = psi_rx - float(special.digamma(r)) + math.log(alpha) - log_at + w * (log_at - log_atx)
    d_alpha = r / alpha - rx * ((1 - w) / (alpha + rows.big_t) + w / (alpha + tx))
    d_a = psi_ab - psi_abx + w / a
    d_b = psi_ab + psi_bx - float(special.digamma(b)) - psi_abx - w / bx1
    grad = np.stack([d_r * r, d_alpha * alpha, d_a * a, d_b * b])
    return ll, grad


def log_likelihood(
    params: BgNbdParams | tuple[float, float, float, float],
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
) -> np.ndarray:
    """Each customer's BG/NBD log-likelihood under the given (r, α, a, b)."""
    r, alpha, a, b = _rab(params)
    x, tx, big_t = (v.ravel() for v in np.broadcast_arrays(*_arrays(frequency, recency, T)))
    ll, _ = _loglik_terms(np.log([r, alpha, a, b]), _Rows.of(x, tx, big_t, np.ones_like(x)))
    return ll


def _rab(params: BgNbdParams | tuple[float, float, float, float]) -> tuple[float, ...]:
    if isinstance(params, BgNbdParams):
        return params.r, params.alpha, params.a, params.b
    return tuple(float(v) for v in params)


def fit_bgnbd(
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    *,
    weights: ArrayLike | None = None,
    initial: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0),
) -> BgNbdParams:
    """Maximum-likelihood BG/NBD parameters (L-BFGS on log parameters, analytic gradient).

    Identical (x, t_x, T) rows are merged with weights first. Raises ValueError on empty or
    inconsistent input (negative values, recency > T, repeat purchases with zero recency), when
    nobody has a repeat purchase, or when no finite likelihood is found.
    """
    x, tx, big_t, w = compress(frequency, recency, T, weights)
    if not len(x) or w.sum() <= 0:
        raise ValueError("no customers to fit")
    if (x < 0).any() or (tx < 0).any() or (tx > big_t + 1e-9).any():
        raise ValueError("need 0 <= recency <= T and frequency >= 0")
    if ((x > 0) & (tx <= 0)).any():
        raise ValueError("customers with repeat purchases need recency > 0")
    if not (x > 0).any():
        raise ValueError("no repeat purchases: the model cannot be fitted")
    total = float(w.sum())
    rows = _Rows.of(x, tx, big_t, w / total)

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        ll, grad = _loglik_terms(theta, rows)
        # elementwise sums, not BLAS matvecs: no thread start-up on tiny products
        return -float((ll * rows.w).sum()), -(grad * rows.w).sum(axis=1)

    result = minimize(objective, np.log(np.asarray(initial, dtype=np.float64)))
    check_identified(result)
    r, alpha, a, b = (float(v) for v in np.exp(result.x))
    return BgNbdParams(
        r=r, alpha=alpha, a=a, b=b, log_likelihood=-float(result.fun) * total, n=float(total)
    )


def _log_odds_dead(
    params: BgNbdParams, x: np.ndarray, tx: np.ndarray, big_t: np.ndarray
) -> np.ndarray:
    """log[(a / (b + x − 1)) ((α + T) / (α + t_x))^(r + x)]; −inf when x = 0."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    repeat = x > 0
    bx1 = np.where(repeat, b + x - 1.0, 1.0)
    value = np.log(a) - np.log(bx1) + (r + x) * (np.log(alpha + big_t) - np.log(alpha + tx))
    return np.where(repeat, value, -np.inf)


def probability_alive(
    params: BgNbdParams, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> np.ndarray:
    """P(alive at T | x, t_x, T), from Fader, Hardie & Lee's 2008 note "Computing P(alive)
    using the BG/NBD model". Exactly 1 when x = 0: customers drop out only after a repeat
    purchase.
    """
    x, tx, big_t = _arrays(frequency, recency, T)
    log_odds = _log_odds_dead(params, x, tx, big_t)
    return np.exp(-np.logaddexp(0.0, log_odds))


def expected_purchases(
    params: BgNbdParams, t: ArrayLike, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> np.ndarray:
    """E[purchases in (T, T + t] | x, t_x, T] — Fader, Hardie & Lee (2005), eq. 10."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    t_arr, x, tx, big_t = _arrays(t, frequency, recency, T)
    z = t_arr / (alpha + big_t + t_arr)
    hyp = special.hyp2f1(r + x, b + x, a + b + x - 1.0, z)
    head = (a + b + x - 1.0) / (a - 1.0)
    tail = 1.0 - np.exp((r + x) * (np.log(alpha + big_t) - np.log(alpha + big_t + t_arr))) * hyp
    alive = np.exp(-np.logaddexp(0.0, _log_odds_dead(params, x, tx, big_t)))
    return head * tail * alive


def expected_repeat_unconditional(params: BgNbdParams, t: ArrayLike) -> np.ndarray:
    """E[X(t)]: expected repeat purchases of a new customer in (0, t] (2005 paper, eq. 9)."""
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    (t_arr,) = _arrays(t)
    hyp = special.hyp2f1(r, b, a + b - 1.0, t_arr / (alpha + t_arr))
    return (a + b - 1.0) / (a - 1.0) * (1.0 - (alpha / (alpha + t_arr)) ** r * hyp)


def holdout_diagnostics(
    params: BgNbdParams,
    cal: RFMSummary,
    holdout_freq: ArrayLike,
    holdout_len: ArrayLike,
    *,
    max_frequency: int = 7,
) -> list[HoldoutRow]:
    """Mean actual vs predicted holdout purchases by calibration repeat purchases 0…7+."""
    actual = np.asarray(holdout_freq, dtype=np.float64)
    predicted = expected_purchases(params, holdout_len, cal.frequency, cal.recency, cal.T)
    predicted = np.broadcast_to(predicted, actual.shape)
    bucket = np.minimum(cal.frequency, max_frequency).astype(np.int64)
    rows: list[HoldoutRow] = []
    for k in range(max_frequency + 1):
        mask = bucket == k
        count = int(mask.sum())
        rows.append(
            HoldoutRow(
                frequency=k,
                label=f"{k}+" if k == max_frequency else str(k),
                customers=count,
                actual=float(actual[mask].mean()) if count else 0.0,
                predicted=float(predicted[mask].mean()) if count else 0.0,
            )
        )
    return rows
