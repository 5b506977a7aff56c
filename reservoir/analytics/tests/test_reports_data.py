"""A small sales book in two teams, and a warehouse built from it in a temporary folder.

Fixtures only (the report tests import them under their `*_fixture` names; pytest finds them
by their fixture names `book`, `warehouse_path` and `warehouse`). Who owns what:

    customer      owner   province/city   orders (date, product, channel, amount)
    Alice (A)     rep_a   上海 / 上海市     2024-03-10 Earbuds web 100; 2025-03-12 Earbuds ×2 web 200
    Bob (B)       rep_b   北京 / 北京市     2025-02-05 Speaker shop 300; 2025-08-20 Kettle web 50
    Carol (B)     rep_b   江苏 / 南京市     2025-08-21 Earbuds phone 100

rep_a sees 300, rep_b and manager_b (who manages team B) see 450, the administrator 750.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import cast
from zoneinfo import ZoneInfo

import pytest

from reservoir.iam.models import User
from reservoir.parties.models import Party, PostalAddress
from reservoir.parties.tests.factories import PartyFactory
from reservoir.sales.models import ProductCategory
from reservoir.sales.tests.factories import OrderFactory, OrderLineFactory, ProductFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")


@dataclass
class Book:
    alice: Party
    bob: Party
    carol: Party


def _customer(name: str, owner: User, province: str, city: str) -> Party:
    party = cast(
        Party,
        PartyFactory(given_name=name, family_name="Test", display_name=f"{name} Test", owner=owner),
    )
    PostalAddress.objects.create(party=party, region=province, city=city, is_primary=True)
    return party


def _category(name: str, parent: ProductCategory | None = None) -> ProductCategory:
    path = f"{parent.path} / {name}" if parent else name
    return ProductCategory.objects.create(name=name, parent=parent, path=path)


def _order(party: Party, day: dt.date, product, channel: str, *, qty: int, amount: str) -> None:
    at = dt.datetime(day.year, day.month, day.day, 12, 0, tzinfo=SHANGHAI)
    order = OrderFactory(
        party=party, ordered_at=at, channel=channel, total=Decimal(amount), status="completed"
    )
    OrderLineFactory(
        order=order,
        product=product,
        quantity=qty,
        unit_price=Decimal(amount) / qty,
        amount=Decimal(amount),
    )


@pytest.fixture(name="book")
def book_fixture(rep_a: User, rep_b: User, manager_b: User) -> Book:
    audio = _category("Audio")
    home = _category("Home")
    earbuds = ProductFactory(name="Earbuds", category=_category("Headphones", audio))
    speaker = ProductFactory(name="Speaker", category=_category("Speakers", audio))
    kettle = ProductFactory(name="Kettle", category=_category("Kitchen", home))
    alice = _customer("Alice", rep_a, "上海", "上海市")
    bob = _customer("Bob", rep_b, "北京", "北京市")
    carol = _customer("Carol", rep_b, "江苏", "南京市")
    _order(alice, dt.date(2024, 3, 10), earbuds, "web", qty=1, amount="100.00")
    _order(alice, dt.date(2025, 3, 12), earbuds, "web", qty=2, amount="200.00")
    _order(bob, dt.date(2025, 2, 5), speaker, "shop", qty=1, amount="300.00")
    _order(bob, dt.date(2025, 8, 20), kettle, "web", qty=1, amount="50.00")
    _order(carol, dt.date(2025, 8, 21), earbuds, "phone", qty=1, amount="100.00")
    return Book(alice, bob, carol)


@pytest.fixture(name="warehouse_path")
def warehouse_path_fixture(tmp_path: Path, settings) -> Iterator[Path]:
    """A warehouse file of the test's own (closed and dropped at the end)."""
    from reservoir.analytics.warehouse import store

    path = tmp_path / "warehouse" / "warehouse.duckdb"
    settings.ANALYTICS_WAREHOUSE_PATH = path
    store.close_readers()
    yield path
    store.close_readers()


@pytest.fixture(name="warehouse")
def warehouse_fixture(book: Book, warehouse_path: Path) -> Book:
    """The book loaded into a freshly built warehouse (A2's full build)."""
    from reservoir.analytics.warehouse.build import refresh

    refresh(full=True)
    return book
