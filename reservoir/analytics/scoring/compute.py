"""Trait values from fitted parameters: the same code scores the base and one customer.

The statistics (BG/NBD, Gamma-Gamma, rules, clustering) are in `reservoir.analytics.clv`;
this module turns a fitted ModelRun's stored `params` into trait values. RFM quintiles are
applied here from the stored breakpoints (not ranked afresh), so one customer rescored
after an order lands in the cell the whole-base fit would give them.

Side effects: none.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from reservoir.analytics.clv import basket, bgnbd, gammagamma, rfm, value
from reservoir.analytics.clv.summary import RFMSummary

UNIT_DAYS = 7.0
RFM_BINS = 5


def bg_params(params: Mapping[str, Any]) -> bgnbd.BgNbdParams:
    return bgnbd.BgNbdParams(**params["bgnbd"])


def gg_params(params: Mapping[str, Any]) -> gammagamma.GammaGammaParams:
    return gammagamma.GammaGammaParams(**params["gamma_gamma"])


def clv_values(
    params: Mapping[str, Any],
    summary: RFMSummary,
    revenue: Sequence[float],
    marketing: Sequence[float],
    service: Sequence[float],
) -> list[dict[str, Any]]:
    """Per customer (summary order): value, p_alive, churn risk, expected purchases,
    profitability."""
    bg, gg = bg_params(params), gg_params(params)
    f, r, t, m = summary.frequency, summary.recency, summary.T, summary.monetary_value
    horizon = int(params["horizon_months"])
    clv = value.customer_lifetime_value(
        bg,
        gg,
        f,
        r,
        t,
        m,
        horizon_months=horizon,
        monthly_discount_rate=float(params["monthly_discount_rate"]),
        unit_days=UNIT_DAYS,
    )
    alive = bgnbd.probability_alive(bg, f, r, t)
    churn = value.churn_risk(alive)
    horizon_units = horizon * 365.25 / 12 / UNIT_DAYS
    expected = bgnbd.expected_purchases(bg, horizon_units, f, r, t)
    profit = value.profitability(
        np.asarray(revenue, dtype=float),
        np.asarray(marketing, dtype=float),
        np.asarray(service, dtype=float),
    )
    return [
        {
            "clv.value": round(float(clv[i]), 2),
            "clv.p_alive": round(float(alive[i]), 4),
            "clv.churn_risk": round(float(np.asarray(churn)[i]), 4),
            "clv.expected_purchases": round(float(expected[i]), 3),
            "value.profitability": round(float(np.asarray(profit)[i]), 2),
        }
        for i in range(len(summary))
    ]


def rfm_inputs(
    transactions: Sequence[tuple[int, dt.date, float]], today: dt.date
) -> dict[int, tuple[int, int, float]]:
    """{party id: (days since last purchase, purchase days, revenue)}."""
    days: dict[int, set[dt.date]] = {}
    revenue: dict[int, float] = {}
    for pid, day, amount in transactions:
        days.setdefault(pid, set()).add(day)
        revenue[pid] = revenue.get(pid, 0.0) + amount
    return {pid: ((today - max(ds)).days, len(ds), revenue[pid]) for pid, ds in days.items()}


def rfm_edges(
    values: Sequence[float] | np.ndarray, *, higher_is_better: bool = True
) -> list[float]:
    """Breakpoints that reproduce `clv.rfm.quantile_scores` for any new value.

    There the score is 1 + ⌊5 · #{v < x} / n⌋ (on −v when lower is better), so a value
    scores above s exactly when it exceeds the ⌈s·n/5⌉-th smallest value.
    """
    v = np.sort(np.asarray(values, dtype=float) * (1 if higher_is_better else -1))
    n = len(v)
    if not n:
        return []
    return [float(v[max(0, math.ceil(s * n / RFM_BINS) - 1)]) for s in range(1, RFM_BINS)]


def _bin(x: float, edges: Sequence[float]) -> int:
    """1 … 5: one more than the number of breakpoints strictly below `x`."""
    return 1 + int(np.searchsorted(np.asarray(edges, dtype=float), x, side="left"))


def rfm_values(
    params: Mapping[str, Any], recency_days: int, frequency: int, monetary: float
) -> dict[str, Any]:
    """The RFM cell and segment of one customer from the stored breakpoints."""
    r = _bin(-recency_days, params["recency_edges"])  # recent is best: edges are on −days
    f = _bin(frequency, params["frequency_edges"])
    m = _bin(monetary, params["monetary_edges"])
    return {"rfm.score": f"{r}-{f}-{m}", "rfm.segment": str(rfm.rfm_segment(r, f, m))}


def rule_row(rule: basket.Rule) -> dict[str, Any]:
    """A rule as stored in ModelRun.params (JSON)."""
    return {
        "antecedent": sorted(rule.antecedent),
        "consequent": sorted(rule.consequent),
        "support": round(rule.support, 6),
        "confidence": round(rule.confidence, 6),
        "lift": round(rule.lift, 6),
        "leverage": round(rule.leverage, 6),
        "conviction": rule.conviction if math.isfinite(rule.conviction) else 1e9,
    }


def rules_of(params: Mapping[str, Any]) -> list[basket.Rule]:
    """The stored association rules as the basket module's Rule objects."""
    return [
        basket.Rule(
            **{
                **row,
                "antecedent": frozenset(row["antecedent"]),
                "consequent": frozenset(row["consequent"]),
            }
        )
        for row in params.get("rules", [])
    ]


def cooccurrence_of(params: Mapping[str, Any]) -> basket.ItemCooccurrence | None:
    """The stored item-to-item supports (the fallback when no rule fires)."""
    co = params.get("cooccurrence")
    if not co:
        return None
    return basket.ItemCooccurrence(
        n=int(co["n"]),
        item_support=dict(co["items"]),
        pair_support={frozenset((a, b)): s for a, b, s in co["pairs"]},
    )


def next_best(
    items: set[str],
    rules: Sequence[basket.Rule],
    names: Mapping[str, str],
    cooccurrence: basket.ItemCooccurrence | None = None,
    k: int = 3,
) -> list[dict[str, Any]]:
    """Up to `k` products the customer does not own, best lift first."""
    out = []
    picks = basket.next_best_products(items, rules, k=k, cooccurrence=cooccurrence)
    for item, lift, confidence in picks:
        out.append(
            {
                "sku": str(item),
                "name": names.get(str(item), str(item)),
                "lift": round(float(lift), 2),
                "confidence": round(float(confidence), 3),
            }
        )
    return out


def category_mix(spend: Mapping[str, float], categories: Sequence[str]) -> np.ndarray:
    """A customer's share of spend per category (zeros when nothing was spent)."""
    row = np.asarray([spend.get(c, 0.0) for c in categories], dtype=float)
    total = row.sum()
    return row / total if total > 0 else row


def nearest_segment(mix: np.ndarray, centroids: Sequence[Sequence[float]]) -> int:
    """The index of the closest centroid (Euclidean)."""
    c = np.asarray(centroids, dtype=float)
    return int(np.argmin(((c - mix) ** 2).sum(axis=1)))
