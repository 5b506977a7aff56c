"""Contact-rule facts from the customer-value traits (P4: analysis at the point of contact).

`customer.clv` and `customer.churn_risk` are declared by decisions and answered by the
workspace's party provider; the others are declared and answered here, from the party's
model traits in one indexed read (raw SQL: decisions have a 2 ms budget).

Side effects: none; `register()` is called once from AnalyticsConfig.ready().
"""

from __future__ import annotations

import functools
import json
from typing import Any

from django.db import connection
from django.utils.translation import gettext_lazy as _

from reservoir.analytics.scoring import keys
from reservoir.decisions import facts as registry
from reservoir.decisions.facts import DecisionContext
from reservoir.decisions.types import DOUBLE, STRING, FactType, list_of
from reservoir.parties.models import Trait

FACTS: tuple[tuple[str, FactType, Any, Any], ...] = (
    ("customer.rfm_segment", STRING, _("RFM segment (trait “rfm.segment”)"), ""),
    ("customer.rfm_score", STRING, _("RFM cell R-F-M, 5 best (trait “rfm.score”)"), ""),
    ("customer.p_alive", DOUBLE, _("Probability still buying 0–1 (trait “clv.p_alive”)"), 0.0),
    (
        "customer.expected_purchases",
        DOUBLE,
        _("Expected purchases over the CLV horizon"),
        0.0,
    ),
    ("customer.profitability", DOUBLE, _("Profitability: revenue − costs"), 0.0),
    ("customer.next_best_products", list_of(STRING), _("Next best products (SKUs)"), []),
    ("customer.needs_segment", STRING, _("Needs segment (trait “needs.segment”)"), ""),
)
PATHS = tuple(path for path, *_rest in FACTS)
KEYS = (
    keys.RFM_SEGMENT,
    keys.RFM_SCORE,
    keys.CLV_P_ALIVE,
    keys.CLV_EXPECTED_PURCHASES,
    keys.PROFITABILITY,
    keys.NEXT_BEST,
    keys.NEEDS_SEGMENT,
)


@functools.cache
def _sql() -> str:
    quote = connection.ops.quote_name
    marks = ", ".join(["%s"] * len(KEYS))
    return (
        f"SELECT {quote('key')}, value FROM {Trait._meta.db_table} "  # noqa: S608
        f"WHERE party_id = %s AND {quote('key')} IN ({marks})"
    )


def _number(value: Any) -> float:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else 0.0


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def score_facts(party_id: int, _ctx: DecisionContext) -> dict[str, Any]:
    """The party's model traits as facts (defaults for a party never scored)."""
    with connection.cursor() as cursor:
        cursor.execute(_sql(), [party_id, *KEYS])
        rows = cursor.fetchall()
    traits = {k: json.loads(v) if isinstance(v, str | bytes) else v for k, v in rows}
    picks = traits.get(keys.NEXT_BEST)
    return {
        "customer.rfm_segment": _text(traits.get(keys.RFM_SEGMENT)),
        "customer.rfm_score": _text(traits.get(keys.RFM_SCORE)),
        "customer.p_alive": _number(traits.get(keys.CLV_P_ALIVE)),
        "customer.expected_purchases": _number(traits.get(keys.CLV_EXPECTED_PURCHASES)),
        "customer.profitability": _number(traits.get(keys.PROFITABILITY)),
        "customer.next_best_products": [
            str(p["sku"]) for p in picks if isinstance(p, dict) and "sku" in p
        ]
        if isinstance(picks, list)
        else [],
        "customer.needs_segment": _text(traits.get(keys.NEEDS_SEGMENT)),
    }


def register() -> None:
    for path, type_, label, default in FACTS:
        registry.declare(path, type_, label, default)
    registry.register_provider("analytics.scores", PATHS, score_facts)
