"""Test data for the warehouse and the query API: a small sales world, and a fixture that
points the warehouse at a temporary file (one per test, so xdist workers never share)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

from reservoir.analytics.warehouse import store
from reservoir.analytics.warehouse.build import segment_trait_key
from reservoir.iam.enums import Role
from reservoir.iam.models import Team, User
from reservoir.iam.tests.factories import TeamFactory, UserFactory
from reservoir.parties import services as parties
from reservoir.parties.models import Party
from reservoir.parties.tests.factories import PartyFactory
from reservoir.sales import services as sales
from reservoir.sales.models import Order, Product
from reservoir.timeline import services as timeline

UTC = dt.UTC


@pytest.fixture
def warehouse(settings: Any, tmp_path: Any) -> Any:
    """Point ANALYTICS_WAREHOUSE_PATH at a temporary file; close cached readers after."""
    settings.ANALYTICS_WAREHOUSE_PATH = tmp_path / "warehouse.duckdb"
    store.close_readers()
    yield settings.ANALYTICS_WAREHOUSE_PATH
    store.close_readers()


def at(y: int, m: int, d: int, h: int = 4) -> dt.datetime:
    """A UTC time (04:00 UTC is noon in Shanghai: the same local day)."""
    return dt.datetime(y, m, d, h, tzinfo=UTC)


@dataclass
class World:
    team_a: Team
    team_b: Team
    rep_a: User
    rep_b: User
    manager_b: User
    admin: User
    customers: dict[str, Party] = field(default_factory=dict)
    products: dict[str, Product] = field(default_factory=dict)
    orders: list[Order] = field(default_factory=list)


def order(w: World, who: str, when: dt.datetime, lines: list[tuple[str, int]], **kw: Any) -> Order:
    o = sales.place_order(
        w.customers[who],
        by=w.admin,
        lines=[(w.products[p], q) for p, q in lines],
        ordered_at=when,
        **kw,
    )
    w.orders.append(o)
    return o


def interaction(w: World, who: str, when: dt.datetime, **kw: Any) -> Any:
    fields: dict[str, Any] = {"channel": "phone", "direction": "outbound", "kind": "call"}
    fields.update(kw)
    item = timeline.InteractionInput(party_id=w.customers[who].pk, occurred_at=when, **fields)
    return timeline.record_interaction(item, by=w.admin)[0]


def build_world() -> World:
    """Two teams; customers owned by rep A (team A), by team B, and one unowned; products in
    a two-level category tree; orders over 2024–2025 and a few interactions with costs."""
    team_a, team_b = TeamFactory(name="Team A"), TeamFactory(name="Team B")
    rep_a = UserFactory(username="rep_a", role=Role.SALES_REP, team=team_a)
    rep_b = UserFactory(username="rep_b", role=Role.SALES_REP, team=team_b)
    manager_b = UserFactory(username="manager_b", role=Role.MANAGER, team=None, manages=[team_b])
    admin = UserFactory(username="admin", role=Role.ADMINISTRATOR, team=None, is_superuser=True)
    w = World(team_a, team_b, rep_a, rep_b, manager_b, admin)
    w.customers = {
        "alice": PartyFactory(display_name="Alice", owner=rep_a, team=team_a),
        "bob": PartyFactory(display_name="Bob", owner=rep_b, team=team_b),
        "carol": PartyFactory(display_name="Carol", owner=None, team=team_b),
        "dave": PartyFactory(display_name="Dave", owner=None, team=None),
    }
    parties.add_address(w.customers["alice"], by=admin, region="广东", city="深圳", is_primary=True)
    parties.add_address(w.customers["bob"], by=admin, region="上海", city="上海")
    parties.set_trait(w.customers["alice"], key=segment_trait_key(), value="champions", by=admin)
    w.products = {
        "phones": sales.create_product(
            by=admin,
            sku="P1",
            name="Headphones",
            price=Decimal("100.00"),
            category=["Audio", "Headphones"],
        ),
        "speaker": sales.create_product(
            by=admin,
            sku="P2",
            name="Speaker",
            price=Decimal("250.50"),
            category=["Audio", "Speakers"],
        ),
        "kettle": sales.create_product(
            by=admin, sku="P3", name="Kettle", price=Decimal("40.00"), category=["Kitchen"]
        ),
    }
    order(w, "alice", at(2024, 3, 10), [("phones", 1)], channel="web")
    order(w, "alice", at(2025, 3, 10), [("phones", 2), ("kettle", 1)], channel="web")
    order(w, "bob", at(2025, 1, 5), [("speaker", 1)], channel="phone")
    order(w, "bob", at(2025, 5, 20), [("kettle", 3)], channel="phone")
    order(w, "carol", at(2025, 5, 21), [("speaker", 2)], channel="email")
    order(w, "dave", at(2024, 11, 2), [("kettle", 1)], channel="visit")
    order(w, "dave", at(2025, 2, 2), [("phones", 1)], channel="visit", status="cancelled")
    interaction(w, "alice", at(2025, 3, 1), cost=Decimal("1.50"), duration_seconds=60)
    interaction(
        w,
        "bob",
        at(2025, 3, 2),
        channel="campaign",
        direction="outbound",
        kind="message",
        cost=Decimal("0.20"),
    )
    interaction(
        w,
        "carol",
        at(2025, 4, 2),
        cost=Decimal("3.00"),
        link={"app": "support", "model": "case", "pk": "1", "label": "C-1"},
    )
    return w
