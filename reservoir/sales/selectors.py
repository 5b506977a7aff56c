"""Reads for products and orders; orders are visible when their party is."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum

from reservoir.iam.models import User
from reservoir.iam.visibility import visible_q
from reservoir.sales.models import Order, OrderStatus, Product


def for_user(user: User, qs: QuerySet[Order] | None = None) -> QuerySet[Order]:
    return (qs if qs is not None else Order.objects.all()).filter(visible_q(user, prefix="party__"))


def list_orders(*, actor: User, party_id: int | None = None) -> QuerySet[Order]:
    """Return visible orders, newest first, with their lines prefetched."""
    qs = Order.objects.all()
    if party_id is not None:
        qs = qs.filter(party_id=party_id)
    return for_user(actor, qs).prefetch_related("lines__product").order_by("-ordered_at", "-id")


def latest_orders_for_party(party_id: int, *, limit: int = 5) -> list[Order]:
    """Return the party's latest orders, newest first, without their lines; the caller has
    checked that the actor may see the party. Hand-written SQL (the Customer 360 runs it on
    every open)."""
    return list(Order.objects.raw(_LATEST_ORDERS_SQL(), [party_id, limit]))


@functools.cache
def _LATEST_ORDERS_SQL() -> str:  # noqa: N802 - a constant computed once the models are loaded
    table = connection.ops.quote_name(Order._meta.db_table)
    return (
        f"SELECT * FROM {table} WHERE party_id = %s "  # noqa: S608
        "ORDER BY ordered_at DESC, id DESC LIMIT %s"
    )


def list_products(*, search: str = "", active_only: bool = True) -> QuerySet[Product]:
    qs = Product.objects.select_related("category")
    if active_only:
        qs = qs.filter(is_active=True)
    if search:
        qs = qs.filter(name__icontains=search) | qs.filter(sku__icontains=search)
    return qs.order_by("name")


@dataclass(frozen=True)
class OrderSummary:
    """A party's purchase figures: every order counted; revenue per currency, leaving out
    cancelled and returned orders."""

    count: int
    revenue: dict[str, Decimal]


NON_REVENUE_STATUSES = (OrderStatus.CANCELLED, OrderStatus.RETURNED)


def order_summary(*, actor: User, party_id: int) -> OrderSummary:
    """Return the lifetime order count and revenue of a visible party; an invisible party
    yields zeros."""
    rows = list(
        for_user(actor, Order.objects.filter(party_id=party_id))
        .order_by()
        .values("currency")
        .annotate(n=Count("id"), total=Sum("total", filter=~Q(status__in=NON_REVENUE_STATUSES)))
    )
    revenue = {r["currency"]: r["total"] for r in rows if r["total"] is not None}
    return OrderSummary(count=sum(r["n"] for r in rows), revenue=revenue)


def products_by_sku(skus: list[str]) -> dict[str, Product]:
    """Return {sku: product} for the active products among `skus` (one query)."""
    return {p.sku: p for p in Product.objects.filter(sku__in=skus, is_active=True)}
