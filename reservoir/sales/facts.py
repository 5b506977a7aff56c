"""Purchase facts for contact rules: order history summary, products owned, the basket.

Raw SQL on purpose: these reads run on every decision, whose budget is 2 ms; the ORM's
query compilation costs several times the indexed lookups themselves.

Side effects: none; `register()` is called once from SalesConfig.ready().
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from reservoir.decisions import facts as registry
from reservoir.decisions.facts import DecisionContext
from reservoir.sales.models import Order, OrderLine, Product, ProductCategory
from reservoir.sales.selectors import NON_REVENUE_STATUSES

ORDER_FACTS = (
    "customer.orders_count",
    "customer.lifetime_revenue",
    "customer.days_since_last_order",
)
OWNED_FACTS = ("customer.products_owned", "customer.categories_owned")
BASKET_FACTS = ("context.basket_categories", "context.basket_total")


@functools.cache
def _sql() -> tuple[str, str]:
    order, line = Order._meta.db_table, OrderLine._meta.db_table
    product, category = Product._meta.db_table, ProductCategory._meta.db_table
    excluded = ", ".join(f"'{s}'" for s in NON_REVENUE_STATUSES)
    orders = (
        f"SELECT COUNT(*), SUM(CASE WHEN status NOT IN ({excluded}) THEN total END), "  # noqa: S608
        f"MAX(ordered_at) FROM {order} WHERE party_id = %s"
    )
    owned = (
        f"SELECT DISTINCT pr.sku, c.path FROM {line} l "  # noqa: S608
        f"JOIN {order} o ON o.id = l.order_id JOIN {product} pr ON pr.id = l.product_id "
        f"LEFT JOIN {category} c ON c.id = pr.category_id "
        f"WHERE o.party_id = %s AND o.status NOT IN ({excluded})"
    )
    return orders, owned


def _days(last: dt.datetime | None, now: dt.datetime) -> int:
    """Calendar days (company time) from `last` to `now`; -1 when there is none."""
    if last is None:
        return -1
    return max(0, (timezone.localdate(now) - timezone.localdate(last)).days)


def _moment(value: Any) -> dt.datetime | None:
    """An aggregate's datetime: SQLite answers text in UTC, PostgreSQL an aware datetime."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if isinstance(value, dt.datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value if isinstance(value, dt.datetime) else None


def _top(path: str | None) -> str:
    return (path or "").split(" / ", 1)[0]


def order_facts(party_id: int, ctx: DecisionContext) -> dict[str, Any]:
    """Count, revenue (without cancelled and returned orders) and recency, in one read."""
    with connection.cursor() as cursor:
        cursor.execute(_sql()[0], [party_id])
        count, revenue, last_raw = cursor.fetchone()
    last = _moment(last_raw)
    return {
        "customer.orders_count": int(count or 0),
        "customer.lifetime_revenue": float(revenue or 0),
        "customer.days_since_last_order": _days(last, ctx.at),
    }


def owned_facts(party_id: int, _ctx: DecisionContext) -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute(_sql()[1], [party_id])
        rows = cursor.fetchall()
    return {
        "customer.products_owned": sorted({sku for sku, _path in rows}),
        "customer.categories_owned": sorted({_top(path) for _sku, path in rows if path}),
    }


def basket_facts(_party_id: int, ctx: DecisionContext) -> dict[str, Any]:
    if not ctx.basket_skus:
        return {"context.basket_categories": [], "context.basket_total": 0.0}
    rows = Product.objects.filter(sku__in=set(ctx.basket_skus)).values_list(
        "sku", "price", "category__path"
    )
    prices = {sku: (price, path) for sku, price, path in rows}
    return {
        "context.basket_categories": sorted({_top(p) for _pr, p in prices.values() if p}),
        "context.basket_total": float(sum(prices[s][0] for s in ctx.basket_skus if s in prices)),
    }


def register() -> None:
    registry.register_provider("sales.orders", ORDER_FACTS, order_facts)
    registry.register_provider("sales.owned", OWNED_FACTS, owned_facts)
    registry.register_provider("sales.basket", BASKET_FACTS, basket_facts)
