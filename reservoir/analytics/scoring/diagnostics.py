"""Descriptive figures shown beside the fitted models: retention by cohort, the 80/20 split.

Written here rather than in `clv`: they describe the history, not a model, and they are
only read by the models page.

Side effects: none.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np

from reservoir.analytics.clv import value

MAX_COHORTS = 6
MAX_QUARTERS = 6


def _quarter(day: dt.date) -> int:
    return day.year * 4 + (day.month - 1) // 3


def _label(q: int) -> str:
    return f"{q // 4} Q{q % 4 + 1}"


def retention_curves(transactions: Sequence[tuple[int, dt.date, float]]) -> dict[str, Any]:
    """Share of each first-purchase quarter's customers who bought again in each later
    quarter (the latest complete cohorts, up to six quarters out), in percent."""
    quarters: dict[int, set[int]] = {}
    for pid, day, _amount in transactions:
        quarters.setdefault(pid, set()).add(_quarter(day))
    if not quarters:
        return {"quarters": [], "cohorts": []}
    last = max(max(qs) for qs in quarters.values())
    cohorts: dict[int, list[set[int]]] = {}
    for qs in quarters.values():
        first = min(qs)
        cohorts.setdefault(first, []).append(qs)
    out = []
    for first in sorted(cohorts)[-MAX_COHORTS - 1 : -1] or sorted(cohorts):
        members = cohorts[first]
        values = []
        for k in range(1, MAX_QUARTERS + 1):
            if first + k > last:
                break
            share = sum(1 for qs in members if first + k in qs) / len(members)
            values.append(round(100 * share, 1))
        out.append({"cohort": _label(first), "customers": len(members), "values": values})
    return {"quarters": [f"+{k}" for k in range(1, MAX_QUARTERS + 1)], "cohorts": out}


def pareto_summary(revenue: Sequence[float]) -> dict[str, Any]:
    """The 80/20 view of historical revenue: what the top fifth of customers brings."""
    values = np.asarray(revenue, dtype=float)
    if not len(values) or values.sum() <= 0:
        return {}
    result = value.pareto(values)
    plain = dataclasses.asdict(result) if dataclasses.is_dataclass(result) else result
    return {k: _json(v) for k, v in dict(plain).items()}


def _json(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        return [_json(x) for x in v.tolist()]
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, list | tuple):
        return [_json(x) for x in v]
    return v
