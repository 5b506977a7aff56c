"""Purchase history and contact costs read in bulk from the operational database.

The models are fitted from the live tables, not the warehouse: the warehouse may not be
built yet, and rescoring one customer right after an order must see that order. Reads go
through the ORM's `values_list` (no model instances); `party_id` narrows every read to one
customer for rescoring.

Side effects: none.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, Sum
from django.utils import timezone

from reservoir.parties.enums import PartyStatus
from reservoir.sales.models import Order, OrderLine
from reservoir.sales.selectors import NON_REVENUE_STATUSES
from reservoir.timeline.enums import Channel, Kind
from reservoir.timeline.models import Interaction

# Contact costs that count as marketing (the rest of the costed contacts are service).
MARKETING_CHANNELS = (Channel.CAMPAIGN,)


@dataclass
class History:
    """Everything the models read, per party id."""

    # (party id, local purchase date, order total)
    transactions: list[tuple[int, dt.date, float]] = field(default_factory=list)
    revenue: dict[int, float] = field(default_factory=dict)
    # order id → the SKUs bought in it; party id → order ids
    baskets: dict[int, set[str]] = field(default_factory=dict)
    orders_of: dict[int, list[int]] = field(default_factory=dict)
    # party id → {top category: amount}
    category_spend: dict[int, dict[str, float]] = field(default_factory=dict)
    product_names: dict[str, str] = field(default_factory=dict)
    marketing_cost: dict[int, float] = field(default_factory=dict)
    service_cost: dict[int, float] = field(default_factory=dict)

    @property
    def party_ids(self) -> list[int]:
        return sorted(self.revenue)

    def items_of(self, party_id: int) -> set[str]:
        """The SKUs a party has bought."""
        out: set[str] = set()
        for order_id in self.orders_of.get(party_id, ()):
            out |= self.baskets.get(order_id, set())
        return out


def _orders_q(party_id: int | None) -> Q:
    q = ~Q(status__in=NON_REVENUE_STATUSES) & ~Q(party__status=PartyStatus.MERGED)
    return q & Q(party_id=party_id) if party_id is not None else q


def _top(path: str | None) -> str:
    return (path or "").split(" / ", 1)[0]


def load_history(*, party_id: int | None = None, until: dt.datetime | None = None) -> History:
    """Revenue orders (not cancelled or returned) of parties that are not merged, their
    lines, and the costs of their contacts; only `party_id`'s when given."""
    until = until or timezone.now()
    history = History()
    orders = Order.objects.filter(_orders_q(party_id), ordered_at__lte=until)
    for order_id, pid, when, total in orders.values_list("id", "party_id", "ordered_at", "total"):
        amount = float(total)
        history.transactions.append((pid, timezone.localdate(when), amount))
        history.revenue[pid] = history.revenue.get(pid, 0.0) + amount
        history.orders_of.setdefault(pid, []).append(order_id)
    scope = Q(order__in=orders.values("id")) if party_id is None else Q(order__in=_ids(history))
    lines = OrderLine.objects.filter(scope).values_list(
        "order_id",
        "order__party_id",
        "product__sku",
        "product__name",
        "product__category__path",
        "amount",
    )
    spend: dict[int, dict[str, float]] = defaultdict(dict)
    for order_id, pid, sku, name, path, line_amount in lines:
        history.baskets.setdefault(order_id, set()).add(sku)
        history.product_names[sku] = name
        top = _top(path) or "—"
        spend[pid][top] = spend[pid].get(top, 0.0) + float(line_amount)
    history.category_spend = dict(spend)
    _load_costs(history, party_id)
    return history


def _ids(history: History) -> list[int]:
    return [order_id for ids in history.orders_of.values() for order_id in ids]


def _load_costs(history: History, party_id: int | None) -> None:
    """Sum the costed contacts per party: campaign messages are marketing, the rest service."""
    qs = Interaction.objects.filter(cost__isnull=False).exclude(kind=Kind.TRANSACTION)
    if party_id is not None:
        qs = qs.filter(party_id=party_id)
    else:
        qs = qs.filter(party_id__in=Order.objects.filter(_orders_q(None)).values("party_id"))
    rows = (
        qs.values("party_id")
        .annotate(
            marketing=Sum("cost", filter=Q(channel__in=MARKETING_CHANNELS)),
            service=Sum("cost", filter=~Q(channel__in=MARKETING_CHANNELS)),
        )
        .values_list("party_id", "marketing", "service")
    )
    for pid, marketing, service in rows:
        history.marketing_cost[pid] = float(marketing or 0)
        history.service_cost[pid] = float(service or 0)
