"""Reads for products and orders; orders are visible when their party is."""

from __future__ import annotations

from django.db.models import QuerySet

from reservoir.iam.models import User
from reservoir.iam.visibility import visible_q
from reservoir.sales.models import Order, Product


def for_user(user: User, qs: QuerySet[Order] | None = None) -> QuerySet[Order]:
    return (qs if qs is not None else Order.objects.all()).filter(visible_q(user, prefix="party__"))


def list_orders(*, actor: User, party_id: int | None = None) -> QuerySet[Order]:
    """Return visible orders, newest first, with their lines prefetched."""
    qs = Order.objects.all()
    if party_id is not None:
        qs = qs.filter(party_id=party_id)
    return for_user(actor, qs).prefetch_related("lines__product").order_by("-ordered_at", "-id")


def list_products(*, search: str = "", active_only: bool = True) -> QuerySet[Product]:
    qs = Product.objects.select_related("category")
    if active_only:
        qs = qs.filter(is_active=True)
    if search:
        qs = qs.filter(name__icontains=search) | qs.filter(sku__icontains=search)
    return qs.order_by("name")
