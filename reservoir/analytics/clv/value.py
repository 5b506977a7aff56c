"""Customer value (DF1, DF3, DF4): lifetime value, churn risk, retention, Pareto, profit.

Pure numpy; no side effects. CLV combines the BG/NBD purchase forecast with the Gamma-Gamma
spend forecast (Fader, Hardie & Lee 2005, "RFM and CLV"), month by month and discounted,
the way lifetimes' `customer_lifetime_value` does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import special

from reservoir.analytics.clv.bgnbd import BgNbdParams, expected_purchases
from reservoir.analytics.clv.gammagamma import GammaGammaParams, expected_average_value

ArrayLike = Any
DAYS_PER_MONTH = 365.25 / 12


def customer_lifetime_value(  # noqa: PLR0917 - the models' conventional argument order
    bg: BgNbdParams,
    gg: GammaGammaParams,
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    monetary: ArrayLike,
    *,
    horizon_months: int,
    monthly_discount_rate: float,
    unit_days: float,
    days_per_month: float = DAYS_PER_MONTH,
) -> np.ndarray:
    """Discounted expected spend over the next `horizon_months` months, per customer.

    Σ_{m=1..H} E[value] · (E[Y(m·M)] − E[Y((m−1)·M)]) / (1 + d)^m, where M is a month in
    model time units (`days_per_month / unit_days`), E[Y] the BG/NBD conditional
    expectation and E[value] the Gamma-Gamma expected average transaction value.
    """
    if horizon_months < 0:
        raise ValueError("horizon_months must be >= 0")
    if monthly_discount_rate <= -1:
        raise ValueError("monthly_discount_rate must be > -1")
    month = days_per_month / unit_days
    value = expected_average_value(gg, frequency, monetary)
    x, tx, big_t = np.broadcast_arrays(
        *(np.asarray(v, dtype=np.float64) for v in (frequency, recency, T))
    )
    shape = np.broadcast_shapes(value.shape, x.shape)
    total = np.zeros(shape)
    previous = np.zeros(shape)
    # all months of a block in one vectorised call (blocks bound the memory to ~4M floats)
    block = max(1, min(horizon_months, 4_000_000 // max(1, int(np.prod(shape)))))
    for start in range(1, horizon_months + 1, block):
        months = np.arange(start, min(start + block, horizon_months + 1), dtype=np.float64)
        steps = months.reshape((-1,) + (1,) * len(shape))
        cumulative = expected_purchases(bg, steps * month, x, tx, big_t)
        increments = np.diff(cumulative, axis=0, prepend=previous[np.newaxis])
        discount = (1.0 + monthly_discount_rate) ** -steps
        total = total + value * (increments * discount).sum(axis=0)
        previous = cumulative[-1]
    return total


@dataclass(frozen=True)
class CustomerScore:
    """One customer's model outputs (plain floats)."""

    p_alive: float
    churn_risk: float
    expected_purchases: float  # over the horizon
    expected_value: float  # Gamma-Gamma expected average transaction value
    clv: float


def score_customer(  # noqa: PLR0917 - same order as customer_lifetime_value
    bg: BgNbdParams,
    gg: GammaGammaParams,
    frequency: float,
    recency: float,
    T: float,
    monetary: float,
    *,
    horizon_months: int,
    monthly_discount_rate: float,
    unit_days: float,
    days_per_month: float = DAYS_PER_MONTH,
) -> CustomerScore:
    """The vectorised functions' results for one customer with scalar math (microseconds:
    for rescoring a single customer after an order). Same formulas, same values.
    """
    r, alpha, a, b = bg.r, bg.alpha, bg.a, bg.b
    x, tx, big_t = float(frequency), float(recency), float(T)
    if x > 0:
        log_odds = (
            math.log(a)
            - math.log(b + x - 1.0)
            + (r + x) * (math.log(alpha + big_t) - math.log(alpha + tx))
        )
        p_alive = (
            math.exp(-log_odds) / (1.0 + math.exp(-log_odds))
            if log_odds > 0
            else 1.0 / (1.0 + math.exp(log_odds))
        )
    else:
        p_alive = 1.0
    head = (a + b + x - 1.0) / (a - 1.0)
    log_at = math.log(alpha + big_t)

    def expected(t: float) -> float:
        hyp = float(special.hyp2f1(r + x, b + x, a + b + x - 1.0, t / (alpha + big_t + t)))
        return (
            head
            * (1.0 - math.exp((r + x) * (log_at - math.log(alpha + big_t + t))) * hyp)
            * p_alive
        )

    spend = gg.p * (gg.gamma + (x * monetary if x > 0 else 0.0)) / (gg.p * x + gg.q - 1.0)
    month = days_per_month / unit_days
    clv, previous = 0.0, 0.0
    for m in range(1, horizon_months + 1):
        current = expected(m * month)
        clv += spend * (current - previous) / (1.0 + monthly_discount_rate) ** m
        previous = current
    return CustomerScore(
        p_alive=p_alive,
        churn_risk=1.0 - p_alive,
        expected_purchases=previous if horizon_months else 0.0,
        expected_value=spend,
        clv=clv,
    )


def churn_risk(p_alive: ArrayLike) -> np.ndarray:
    """1 − P(alive): the probability the customer has already lapsed."""
    return 1.0 - np.asarray(p_alive, dtype=np.float64)


def retention_curve(
    first_period: ArrayLike,
    last_period: ArrayLike,
    *,
    periods: int,
    observed_until: ArrayLike | None = None,
) -> np.ndarray:
    """Share of a cohort still buying k periods after its first purchase, k = 0…periods.

    A customer counts as retained at k when her last purchase period is ≥ first + k. With
    `observed_until` (the last period observed, scalar or per customer), customers whose
    first + k lies beyond it leave the denominator (right censoring); NaN when nobody is left.
    """
    first = np.asarray(first_period, dtype=np.float64)
    last = np.asarray(last_period, dtype=np.float64)
    span = last - first
    end = None if observed_until is None else np.asarray(observed_until, dtype=np.float64)
    curve = np.full(periods + 1, np.nan)
    for k in range(periods + 1):
        at_risk = np.ones(first.shape, dtype=bool) if end is None else first + k <= end
        n = int(np.count_nonzero(at_risk))
        if n:
            curve[k] = np.count_nonzero(at_risk & (span >= k)) / n
    return curve


def retention_rates(curve: ArrayLike) -> np.ndarray:
    """Period-over-period retention rate: curve[k] / curve[k − 1] for k ≥ 1 (NaN on 0)."""
    c = np.asarray(curve, dtype=np.float64)
    prev = c[:-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(prev > 0, c[1:] / np.where(prev > 0, prev, 1.0), np.nan)


@dataclass(frozen=True)
class ParetoResult:
    """The concentration of value (the 80/20 rule, DF3).

    shares: each customer's share of the total, largest first. top20_share: share of the
    total from the top 20% of customers (the Lorenz-type curve read at 20%, interpolated).
    customers_for_80: the share of customers (largest first) that makes 80% of the total.
    curve_customers / curve_value: points of the cumulative curve, from (0, 0) to (1, 1).
    Negative values count as 0.
    """

    total: float
    shares: np.ndarray
    top20_share: float
    customers_for_80: float
    curve_customers: np.ndarray
    curve_value: np.ndarray


def pareto(values: ArrayLike, *, points: int = 101) -> ParetoResult:
    """Pareto analysis of per-customer values (revenue, profit, CLV)."""
    v = np.clip(np.asarray(values, dtype=np.float64).ravel(), 0.0, None)
    v = np.sort(v)[::-1]
    total = float(v.sum())
    n = len(v)
    grid = np.linspace(0.0, 1.0, max(points, 2))
    if n == 0 or total <= 0:
        return ParetoResult(total, np.zeros(n), 0.0, 0.0, grid, np.zeros_like(grid))
    shares = v / total
    x = np.arange(n + 1) / n
    y = np.concatenate([[0.0], np.cumsum(shares)])
    y[-1] = 1.0
    # the first x at which the curve reaches 80% (the curve may be flat at its tail)
    idx = int(np.searchsorted(y, 0.8 - 1e-12))
    x0, x1, y0, y1 = x[idx - 1], x[idx], y[idx - 1], y[idx]
    customers_for_80 = float(x1 if y1 == y0 else x0 + (0.8 - y0) / (y1 - y0) * (x1 - x0))
    return ParetoResult(
        total=total,
        shares=shares,
        top20_share=float(np.interp(0.2, x, y)),
        customers_for_80=customers_for_80,
        curve_customers=grid,
        curve_value=np.interp(grid, x, y),
    )


def profitability(
    revenue: ArrayLike, marketing_cost: ArrayLike, service_cost: ArrayLike
) -> np.ndarray:
    """Customer profitability (DF1): revenue − marketing cost − service cost, elementwise."""
    return (
        np.asarray(revenue, dtype=np.float64)
        - np.asarray(marketing_cost, dtype=np.float64)
        - np.asarray(service_cost, dtype=np.float64)
    )
