"""Writes for products and orders. Placing an order also records it on the timeline."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from reservoir.audit import services as audit
from reservoir.core import events
from reservoir.core.errors import InvalidInput
from reservoir.iam.models import User
from reservoir.parties.models import Party
from reservoir.sales.events import OrderPlaced
from reservoir.sales.models import Order, OrderLine, OrderStatus, Product, ProductCategory
from reservoir.timeline import services as timeline
from reservoir.timeline.enums import Channel, Direction, Kind


@transaction.atomic
def ensure_category(path: list[str]) -> ProductCategory:
    """Return the category at `path` (e.g. ["Audio", "Headphones"]), creating missing levels."""
    parent: ProductCategory | None = None
    for depth, name in enumerate(path):
        parent, _created = ProductCategory.objects.get_or_create(
            parent=parent, name=name, defaults={"path": " / ".join(path[: depth + 1])}
        )
    if parent is None:
        raise InvalidInput(_("A category path needs at least one name."), field="category")
    return parent


@transaction.atomic
def create_product(
    *,
    by: User | None,
    sku: str,
    name: str,
    price: Decimal,
    category: list[str] | None = None,
    **fields: Any,
) -> Product:
    """Create a product. Side effects: audit entry."""
    if not sku.strip() or not name.strip():
        raise InvalidInput(_("A product needs a SKU and a name."), field="sku")
    if Product.objects.filter(sku=sku.strip()).exists():
        raise InvalidInput(_("SKU %(sku)s exists.") % {"sku": sku}, field="sku")
    if price < 0:
        raise InvalidInput(_("The price cannot be negative."), field="price")
    product = Product.objects.create(
        sku=sku.strip(),
        name=name.strip(),
        price=price,
        category=ensure_category(category) if category else None,
        **fields,
    )
    audit.record(by, "sales.product.created", product)
    return product


@transaction.atomic
def place_order(
    party: Party,
    *,
    by: User | None,
    lines: list[tuple[Product, int]],
    ordered_at: dt.datetime | None = None,
    channel: str = Channel.PORTAL,
    status: str = OrderStatus.PLACED,
    source: str = "",
    external_id: str = "",
    number: str = "",
) -> Order:
    """Place an order for `party` with (product, quantity) lines at list price.

    `number` is generated ("SO-2612-7QX3PA") unless given (imports keep their own).

    Idempotent on (source, external_id): a repeat returns the stored order.

    Side effects: audit entry; a transaction interaction on the timeline; OrderPlaced after commit.
    """
    if not lines:
        raise InvalidInput(_("An order needs at least one line."), field="lines")
    if any(qty <= 0 for _p, qty in lines):
        raise InvalidInput(_("Quantities must be positive."), field="lines")
    if status not in OrderStatus.values:
        raise InvalidInput(_("Unknown order status."), field="status")
    if external_id:
        existing = Order.objects.filter(source=source, external_id=external_id).first()
        if existing is not None:
            return existing
    when = ordered_at or timezone.now()
    order = Order.objects.create(
        party=party,
        number=number[:40]
        or f"SO-{when:%y%m}-{get_random_string(6, '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ')}",
        ordered_at=when,
        status=status,
        channel=channel,
        owner=party.owner,
        currency=settings.DEFAULT_CURRENCY,
        source=source,
        external_id=external_id,
    )
    rows = [
        OrderLine(order=order, product=p, quantity=q, unit_price=p.price, amount=p.price * q)
        for p, q in lines
    ]
    OrderLine.objects.bulk_create(rows)
    order.total = sum((r.amount for r in rows), Decimal("0"))
    order.save(update_fields=["total"])
    timeline.record_interaction(
        timeline.InteractionInput(
            channel=channel if channel in Channel.values else Channel.PORTAL,
            direction=Direction.INBOUND,
            kind=Kind.TRANSACTION,
            party_id=party.pk,
            occurred_at=when,
            subject=_("Order %(n)s — %(total)s %(cur)s")
            % {"n": order.number, "total": order.total, "cur": order.currency},
            link={"app": "sales", "model": "order", "pk": str(order.pk), "label": order.number},
            source="sales.order",
            external_id=str(order.pk),
        ),
        by=by,
    )
    audit.record(by, "sales.order.placed", order, data={"party": party.pk, "total": order.total})
    events.publish(OrderPlaced(order_id=order.pk, party_id=party.pk))
    return order
