"""The Gamma-Gamma spend model (Fader & Hardie 2013, "The Gamma-Gamma model of monetary
value"; Fader, Hardie & Lee 2005, "RFM and CLV"). Pure numpy/scipy.

A customer's transaction values are Gamma(p, ν) with ν ~ Gamma(q, γ) across customers; the
data per customer are x repeat transactions and their mean value m_x. Fitted on customers
with x > 0 only; assumes spend is independent of purchase frequency.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import special

from reservoir.analytics.clv._optim import check_identified, group_rows, minimize

ArrayLike = Any


@dataclass(frozen=True)
class GammaGammaParams:
    """Fitted Gamma-Gamma parameters, maximised log-likelihood, customers used (x > 0)."""

    p: float
    q: float
    gamma: float
    log_likelihood: float
    n: float

    @property
    def population_mean(self) -> float:
        """E[value] of a customer with no repeat purchases yet: p γ / (q − 1) (inf if q ≤ 1)."""
        return self.p * self.gamma / (self.q - 1.0) if self.q > 1.0 else float("inf")


def _loglik_terms(
    log_params: np.ndarray, x: np.ndarray, m: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per-row log-likelihood of (x, m_x) and its gradient w.r.t. log(p, q, γ).

    Fader & Hardie (2013), eq. 5 (the density of m_x given x).
    """
    p, q, gamma = (float(v) for v in np.exp(log_params))
    ux, xi = np.unique(x, return_inverse=True)
    xi = xi.ravel()
    pux = p * ux
    px = pux[xi]
    log_m, log_x = np.log(m), np.log(x)
    log_g_xm = np.log(gamma + x * m)
    ll = (
        (special.gammaln(pux + q) - special.gammaln(pux))[xi]
        - special.gammaln(q)
        + q * math.log(gamma)
        + (px - 1.0) * log_m
        + px * log_x
        - (px + q) * log_g_xm
    )
    psi_pxq = special.digamma(pux + q)[xi]
    d_p = x * (psi_pxq - special.digamma(pux)[xi] + log_m + log_x - log_g_xm)
    d_q = psi_pxq - float(special.digamma(q)) + math.log(gamma) - log_g_xm
    d_gamma = q / gamma - (px + q) / (gamma + x * m)
    return ll, np.stack([d_p * p, d_q * q, d_gamma * gamma])


def fit_gamma_gamma(
    frequency: ArrayLike,
    monetary_value: ArrayLike,
    *,
    weights: ArrayLike | None = None,
    initial: tuple[float, float, float] = (1.0, 1.0, 1.0),
) -> GammaGammaParams:
    """Maximum-likelihood (p, q, γ) from customers with frequency > 0 and a positive mean
    value (others are ignored: the model has no zero-value transactions; `n` counts those used).

    Raises ValueError when no such customer is left. On tiny or uniform data p and q may
    run to the bound e^20 (every customer spends alike); predictions stay finite.
    """
    x = np.asarray(frequency, dtype=np.float64)
    m = np.asarray(monetary_value, dtype=np.float64)
    x, m = np.broadcast_arrays(x, m)
    w = np.ones_like(x) if weights is None else np.broadcast_to(np.asarray(weights, float), x.shape)
    used = (x > 0) & (m > 0)
    x, m, w = x[used], m[used], w[used]
    if not len(x) or w.sum() <= 0:
        raise ValueError("no customers with repeat purchases of positive value to fit")
    (x, m), w = group_rows([x, m], w)
    total = float(w.sum())
    w = w / total
    scale = float((m * w).sum())  # start γ near the data's scale

    def objective(theta: np.ndarray) -> tuple[float, np.ndarray]:
        ll, grad = _loglik_terms(theta, x, m)
        return -float((ll * w).sum()), -(grad * w).sum(axis=1)

    start = np.log(np.asarray(initial, dtype=np.float64)) + np.array([0.0, 0.0, np.log(scale)])
    result = minimize(objective, start)
    check_identified(result)
    p, q, gamma = (float(v) for v in np.exp(result.x))
    return GammaGammaParams(
        p=p, q=q, gamma=gamma, log_likelihood=-float(result.fun) * total, n=total
    )


def expected_average_value(
    params: GammaGammaParams, frequency: ArrayLike, monetary_value: ArrayLike
) -> np.ndarray:
    """E[mean transaction value | x, m_x] = (γ + x m_x) p / (p x + q − 1).

    A weighted mix of the population mean and the customer's own mean; customers with
    x = 0 get the population mean p γ / (q − 1).
    """
    p, q, gamma = params.p, params.q, params.gamma
    x = np.asarray(frequency, dtype=np.float64)
    m = np.asarray(monetary_value, dtype=np.float64)
    m = np.where(x > 0, m, 0.0)
    return p * (gamma + x * m) / (p * x + q - 1.0)
