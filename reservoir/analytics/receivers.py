"""Keep the customer-value traits fresh: rescore a customer right after their order (and a
merge survivor, which inherits the merged party's orders); register the nightly refit and
the contact-rule facts the scores answer.

Imported once from AnalyticsConfig.ready(): `receivers.connect()`.

After an order the customer is rescored inline, after the order's commit: it costs about
ten milliseconds (three indexed reads, one upsert), and the single task queue can be busy
for minutes with a warehouse rebuild or a refit, while an open 360 page should change
within seconds. If the inline rescoring fails, it is queued as a task instead (retried by
the worker). Merges go through the task: nobody waits on them.
"""

from __future__ import annotations

import datetime as dt
import logging

from reservoir.analytics.scoring import facts
from reservoir.analytics.scoring.tasks import nightly_refit, rescore_customer
from reservoir.core import events, scheduler
from reservoir.parties.events import PartiesMerged
from reservoir.sales.events import OrderPlaced

logger = logging.getLogger(__name__)
NIGHTLY = dt.timedelta(days=1)


def on_order_placed(event: OrderPlaced) -> None:
    from reservoir.analytics.scoring import rescore  # noqa: PLC0415 - NumPy/SciPy on first use

    try:
        rescore.rescore_party(event.party_id)
    except Exception:
        logger.exception("rescoring party %s inline failed; queued instead", event.party_id)
        rescore_customer.enqueue(party_id=event.party_id)


def on_parties_merged(event: PartiesMerged) -> None:
    rescore_customer.enqueue(party_id=event.survivor_id)


def connect() -> None:
    events.subscribe(OrderPlaced, on_order_placed)
    events.subscribe(PartiesMerged, on_parties_merged)
    scheduler.register("analytics.models_nightly", NIGHTLY, nightly_refit)
    facts.register()
