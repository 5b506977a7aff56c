"""The traits the customer-value models write on every party they score (P4).

Each trait's `model_version` is its provenance, "analytics:<model>@v<version>" (the ModelRun
that produced the parameters); `source` is "computed"; `computed_at` is the scoring time.
Decisions and segments read them from `customer.traits[...]` or from the facts declared in
`reservoir.analytics.scoring.facts`.

| key | value |
|---|---|
| rfm.segment | segment code, e.g. "champions" (labels: clv.rfm.SEGMENT_LABELS) |
| rfm.score | "R-F-M" quintiles, 5 best, e.g. "5-4-3" |
| clv.value | expected discounted value over the horizon (a number, company currency) |
| clv.p_alive | probability the customer is still buying (0–1) |
| clv.churn_risk | 1 − p_alive (0–1) |
| clv.expected_purchases | expected purchases over the horizon |
| value.profitability | revenue − marketing cost − service cost (company currency) |
| basket.next_best | [{"sku", "name", "lift", "confidence"}, …] best first, at most 3 |
| needs.segment | needs segment, named by its top categories, e.g. "Audio + Phones" |
"""

from __future__ import annotations

from typing import Final

RFM_SEGMENT: Final = "rfm.segment"
RFM_SCORE: Final = "rfm.score"
CLV_VALUE: Final = "clv.value"
CLV_P_ALIVE: Final = "clv.p_alive"
CLV_CHURN_RISK: Final = "clv.churn_risk"
CLV_EXPECTED_PURCHASES: Final = "clv.expected_purchases"
PROFITABILITY: Final = "value.profitability"
NEXT_BEST: Final = "basket.next_best"
NEEDS_SEGMENT: Final = "needs.segment"

# The keys each model writes (its ModelRun.kind → keys).
BY_MODEL: Final[dict[str, tuple[str, ...]]] = {
    "clv": (CLV_VALUE, CLV_P_ALIVE, CLV_CHURN_RISK, CLV_EXPECTED_PURCHASES, PROFITABILITY),
    "rfm": (RFM_SEGMENT, RFM_SCORE),
    "basket": (NEXT_BEST,),
    "needs": (NEEDS_SEGMENT,),
}
ALL: Final = tuple(k for keys in BY_MODEL.values() for k in keys)


def provenance(kind: str, version: int) -> str:
    """The `model_version` written with a model's traits, e.g. "analytics:clv@v3"."""
    return f"analytics:{kind}@v{version}"
