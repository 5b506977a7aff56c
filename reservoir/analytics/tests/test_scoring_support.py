"""Shared arrangement for the scoring and models-page tests (no tests here).

`purchase_history()` builds a small shop whose customers buy in patterns the models can
learn: headphone fans buy H1 then H2, phone buyers add a case, home buyers buy rarely.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import cast

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from reservoir.analytics.scoring import fit, params, services
from reservoir.analytics.scoring.tasks import fit_models, rescore_customer
from reservoir.parties.models import Party
from reservoir.parties.tests.factories import PartyFactory
from reservoir.sales import services as sales_services
from reservoir.sales.models import Order, OrderLine, Product

CATALOG = (
    ("H1", "Headphones One", ["Audio", "Headphones"], "300.00"),
    ("H2", "Headphones Two", ["Audio", "Headphones"], "500.00"),
    ("P1", "Phone One", ["Phones"], "2000.00"),
    ("C1", "Phone Case", ["Accessories"], "50.00"),
    ("K1", "Kettle", ["Home"], "150.00"),
)


def products() -> dict[str, Product]:
    out = {}
    for sku, name, path, price in CATALOG:
        out[sku] = Product.objects.filter(sku=sku).first() or sales_services.create_product(
            by=None, sku=sku, name=name, category=path, price=Decimal(price)
        )
    return out


def buy(party: Party, when: dt.datetime, *skus: str) -> Order:
    """An order with one line per SKU, written directly (no events): history, not news."""
    catalog = products()
    total = sum((catalog[s].price for s in skus), Decimal("0"))
    order = Order.objects.create(
        party=party, number=f"T-{Order.objects.count() + 1:06d}", ordered_at=when, total=total
    )
    for sku in skus:
        p = catalog[sku]
        OrderLine.objects.create(order=order, product=p, unit_price=p.price, amount=p.price)
    return order


def purchase_history(customers: int = 30) -> list[Party]:
    """`customers` parties with 1–8 orders each over the last 60 weeks (deterministic)."""
    now = timezone.now()
    parties = []
    for i in range(customers):
        party = cast(Party, PartyFactory(display_name=f"Customer {i:02d}"))
        group = i % 3
        orders = 1 + (i * 7) % 8
        for n in range(orders):
            when = now - dt.timedelta(weeks=60 - n * (50 // orders) - (i % 5), hours=i)
            if group == 0:
                buy(party, when, "H1" if n % 2 == 0 else "H2")
            elif group == 1:
                buy(party, when, "P1", "C1") if n == 0 else buy(party, when, "C1", "H1")
            else:
                buy(party, when, "K1")
        parties.append(party)
    return parties


def fitted(by=None) -> list:
    """Request a refit and run the queued task as the worker would; return the runs."""
    runs = services.request_refit(by=by)
    run_tasks()
    params.clear()
    return [type(r).objects.get(pk=r.pk) for r in runs]


def run_tasks() -> None:
    """Run every queued fit and rescore task in order, as the worker would."""
    mine = DBTaskResult.objects.filter(task_path__startswith="reservoir.analytics.scoring.")
    for queued in mine.order_by("enqueued_at"):
        task = fit_models if queued.task_path.endswith("fit_models") else rescore_customer
        task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])
        queued.delete()


__all__ = ["buy", "fit", "fitted", "products", "purchase_history", "run_tasks"]
