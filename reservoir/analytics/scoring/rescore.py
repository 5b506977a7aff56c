"""Rescore one customer with the fitted parameters, right after their order.

Reads the customer's own history (three indexed queries), applies each fitted model's
parameters (`compute`, the same code the whole-base fit uses) and writes the traits with
`parties.services.set_traits_bulk`, which publishes TraitChanged for each value that
changed: that is what refreshes an open Customer 360 page.

Side effects: Trait/TraitHistory rows; one audit entry; TraitChanged events after commit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from reservoir.analytics.clv import summary
from reservoir.analytics.scoring import compute, keys
from reservoir.analytics.scoring.history import History, load_history
from reservoir.analytics.scoring.params import Fitted, fitted_models
from reservoir.parties import services as party_services
from reservoir.parties.models import Party


def score_values(
    party_id: int, history: History, models: dict[str, Fitted], now: dt.datetime
) -> list[tuple[str, Any, str]]:
    """(key, value, provenance) of every fitted model for one customer with purchases."""
    out: list[tuple[str, Any, str]] = []
    today = timezone.localdate(now)
    if (clv := models.get("clv")) is not None:
        s = summary.summarize(
            history.transactions, observation_end=today, unit_days=compute.UNIT_DAYS
        )
        values = compute.clv_values(
            clv.params,
            s,
            [history.revenue.get(party_id, 0.0)],
            [history.marketing_cost.get(party_id, 0.0)],
            [history.service_cost.get(party_id, 0.0)],
        )[0]
        out.extend((k, v, clv.provenance) for k, v in values.items())
    if (rfm := models.get("rfm")) is not None:
        recency, frequency, monetary = compute.rfm_inputs(history.transactions, today)[party_id]
        values = compute.rfm_values(rfm.params, recency, frequency, monetary)
        out.extend((k, v, rfm.provenance) for k, v in values.items())
    if (bsk := models.get("basket")) is not None:
        picks = compute.next_best(
            history.items_of(party_id),
            bsk.rules,
            {**bsk.params.get("names", {}), **history.product_names},
            bsk.cooccurrence,
        )
        out.append((keys.NEXT_BEST, picks, bsk.provenance))
    nds = models.get("needs")
    if nds is not None and history.category_spend.get(party_id):
        mix = compute.category_mix(history.category_spend[party_id], nds.params["categories"])
        segments = nds.params["segments"]
        if segments:
            index = compute.nearest_segment(mix, [s["centroid"] for s in segments])
            out.append((keys.NEEDS_SEGMENT, segments[index]["label"], nds.provenance))
    return out


def rescore_party(party_id: int) -> int:
    """Rescore one customer; return the number of traits written (0: no purchases, no fitted
    model, or a merged or unknown party)."""
    party = Party.objects.filter(pk=party_id).values_list("status", flat=True).first()
    if party is None or party == "merged":
        return 0
    models = fitted_models()
    if not models:
        return 0
    now = timezone.now()
    history = load_history(party_id=party_id, until=now)
    if party_id not in history.revenue:
        return 0
    rows = [(party_id, k, v, m) for k, v, m in score_values(party_id, history, models, now)]
    return party_services.set_traits_bulk(rows, by=None, computed_at=now)
