"""Measure values from base aggregates: money rounding, derived measures, change ratios.

A measure is either a base aggregate (`aggregate.BASES`) or derived from some (`NEEDS`);
`measure_values` turns the base values of one cell into the values a result shows. Pure
functions, no side effects.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

# derived measure -> the base aggregates it is computed from
NEEDS = {
    "arpu": ("revenue", "customers"),
    "returning_customers": ("customers", "new_customers"),
}
# base aggregates whose total is the sum of their cells' values
ADDITIVE = frozenset({"revenue", "quantity", "interactions", "interaction_cost"})
CENT = Decimal("0.01")


def base_names(measures: Sequence[str]) -> list[str]:
    """The base aggregates `measures` need, each once, in the order first needed."""
    wanted: list[str] = []
    for m in measures:
        for b in NEEDS.get(m, (m,)):
            if b not in wanted:
                wanted.append(b)
    return wanted


def money(cents: Any) -> Decimal:
    """Cents (None counts as 0) as a Decimal amount with two places."""
    return (Decimal(int(cents or 0)) / 100).quantize(CENT)


def measure_values(base: dict[str, Any], measures: Sequence[str]) -> dict[str, Any]:
    """The value of each of `measures` from one cell's base aggregates (missing ones are 0)."""
    out: dict[str, Any] = {}
    for m in measures:
        if m in ("revenue", "interaction_cost"):
            out[m] = money(base.get(m))
        elif m == "arpu":
            n = int(base.get("customers") or 0)
            out[m] = (money(base.get("revenue")) / n).quantize(CENT) if n else None
        elif m == "returning_customers":
            out[m] = int(base.get("customers") or 0) - int(base.get("new_customers") or 0)
        else:
            out[m] = int(base.get(m) or 0)
    return out


def change(cur: Any, prev: Any) -> float | None:
    """The ratio (cur - prev) / prev; None when either is missing or prev is 0."""
    if cur is None or prev in (None, 0):
        return None
    return float((Decimal(cur) - Decimal(prev)) / Decimal(prev))
