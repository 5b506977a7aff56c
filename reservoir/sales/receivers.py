"""Sales' part of a merge: orders follow the party on merge and go back on unmerge.

Moves are written to the core ledger (`core.moves`) with the orders, so an unmerge moves
back exactly the orders the merge moved; orders placed since stay with the survivor (an
order carries no contact address to route it by). Idempotent: events may be redelivered.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext_lazy

from reservoir.audit import services as audit
from reservoir.core import events, moves
from reservoir.parties import related
from reservoir.parties.events import PartiesMerged, PartiesUnmerged
from reservoir.parties.models import Party
from reservoir.sales.models import Order


def _operation(merge_id: int) -> str:
    return f"merge:{merge_id}"


@transaction.atomic
def on_parties_merged(event: PartiesMerged) -> None:
    """Move the merged party's orders to the survivor. Side effects: ledger; audit entry."""
    op = _operation(event.merge_id)
    if moves.begin(op, Order) is None:
        return
    ids = list(Order.objects.filter(party_id=event.merged_id).values_list("pk", flat=True))
    Order.objects.filter(pk__in=ids).update(party_id=event.survivor_id)
    moves.record(op, Order, [(pk, event.merged_id, event.survivor_id) for pk in ids])
    survivor = Party.objects.filter(pk=event.survivor_id).first()
    if ids and survivor is not None:
        audit.record(
            None,
            "sales.orders.reassigned",
            survivor,
            data={"merge": event.merge_id, "orders": len(ids)},
        )


@transaction.atomic
def on_parties_unmerged(event: PartiesUnmerged) -> None:
    """Move back exactly the orders the merge moved. Side effects: audit entry."""
    op = _operation(event.merge_id)
    mark, rows = moves.pending(op, Order)
    if mark is None:
        return
    back = sum(
        Order.objects.filter(pk=row.row_pk, party_id=row.to_id).update(party_id=row.from_id)
        for row in rows
    )
    moves.finish(mark)
    restored = Party.objects.filter(pk=event.restored_id).first()
    if back and restored is not None:
        audit.record(
            None, "sales.orders.restored", restored, data={"merge": event.merge_id, "orders": back}
        )


def count_orders(party_ids: list[int]) -> dict[int, int]:
    """{party_id: number of orders} in one query (for screens below sales)."""
    rows = (
        Order.objects.filter(party_id__in=party_ids)
        .values("party_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["party_id"]: row["n"] for row in rows}


def subscribe() -> None:
    """Register the handlers and the counter (called from SalesConfig.ready)."""
    events.subscribe(PartiesMerged, on_parties_merged)
    events.subscribe(PartiesUnmerged, on_parties_unmerged)
    related.register("orders", gettext_lazy("Orders"), count_orders)
