"""The warehouse build: star tables from the operational data, incremental refresh."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db.models import Sum
from django.utils import timezone

from reservoir.analytics.tests.factories import (
    at,
    build_world,
    interaction,
    order,
    warehouse,  # noqa: F401 - fixture
)
from reservoir.analytics.warehouse import build, store
from reservoir.parties import services as parties
from reservoir.parties.models import Party
from reservoir.sales.models import Order, OrderLine
from reservoir.timeline.models import Interaction

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("warehouse")]


def q(sql: str, params: list | None = None) -> list[tuple]:
    con = store.read_connection()
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def snapshot() -> dict[str, list[tuple]]:
    return {
        "sales": q("SELECT * FROM fact_sales ORDER BY line_id"),
        "interactions": q("SELECT * FROM fact_interactions ORDER BY interaction_id"),
        "customers": q("SELECT * FROM dim_customer ORDER BY customer_id"),
    }


def test_full_build_loads_facts_and_dimensions():
    w = build_world()
    result = build.refresh(full=True)
    assert result.full is True
    assert result.rows["fact_sales"] == OrderLine.objects.count() == 8
    assert result.rows["fact_interactions"] == Interaction.objects.count() == 10
    counted = OrderLine.objects.exclude(order__status="cancelled")
    cents = int(counted.aggregate(s=Sum("amount"))["s"] * 100)
    assert q("SELECT SUM(amount_cents) FROM fact_sales WHERE counted") == [(cents,)]
    assert cents == 125150
    alice = w.customers["alice"]
    assert q(
        "SELECT name, owner_id, team_id, province, city, segment, first_order_date "
        "FROM dim_customer WHERE customer_id = ?",
        [alice.pk],
    ) == [("Alice", w.rep_a.pk, w.team_a.pk, "广东", "深圳", "champions", at(2024, 3, 10).date())]
    assert q("SELECT customer_id, segment, valid_to FROM customer_segment_history") == [
        (alice.pk, "champions", None)
    ]
    assert q("SELECT name, category_l1, category_l2 FROM dim_product ORDER BY name") == [
        ("Headphones", "Audio", "Headphones"),
        ("Kettle", "Kitchen", ""),
        ("Speaker", "Audio", "Speakers"),
    ]
    assert q("SELECT SUM(cost_cents) FROM fact_marketing_cost") == [(20,)]
    assert q("SELECT SUM(cost_cents) FROM fact_service_cost") == [(300,)]
    assert q("SELECT SUM(cost_cents) FROM fact_interactions") == [(470,)]
    assert q(
        "SELECT year_label, quarter_label, month_label FROM dim_date WHERE date_key = ?",
        [at(2025, 5, 20).date()],
    ) == [("2025", "2025-Q2", "2025-05")]
    assert q("SELECT label FROM dim_channel WHERE channel = 'phone'") == [("Phone",)]


def test_date_key_is_the_local_day():
    w = build_world()
    late = order(w, "bob", at(2025, 6, 30, 20), [("kettle", 1)])
    build.refresh(full=True)
    local = timezone.localtime(late.ordered_at).date()
    assert q("SELECT DISTINCT date_key FROM fact_sales WHERE order_id = ?", [late.pk]) == [(local,)]


def test_marts_per_subject():
    w = build_world()
    build.refresh(full=True)
    rows = q(
        "SELECT frequency, revenue, interactions, marketing_cost, service_cost "
        "FROM mart_customer_value WHERE customer_id = ?",
        [w.customers["bob"].pk],
    )
    assert rows == [(2, 370.5, 3, 0.2, 0.0)]
    assert q("SELECT SUM(revenue) FROM mart_sales_monthly") == [(1251.5,)]
    assert q("SELECT SUM(orders) FROM mart_channel_monthly") == [(6,)]
    assert q("SELECT SUM(interactions) FROM mart_interactions_monthly") == [(10,)]


def test_incremental_refresh_loads_only_changes_and_is_idempotent():
    w = build_world()
    build.refresh(full=True)
    order(w, "bob", at(2025, 7, 1), [("phones", 1), ("speaker", 1)])
    interaction(w, "carol", at(2025, 7, 2))
    result = build.refresh(full=False)
    assert result.full is False
    assert result.changed["sales"] == 2
    assert result.changed["interactions"] == 2  # the order's own timeline entry + one
    assert result.rows["fact_sales"] == 10
    before = snapshot()
    again = build.refresh(full=False)
    assert (again.changed["sales"], again.changed["interactions"]) == (0, 0)
    assert snapshot() == before
    full = build.refresh(full=True)
    assert full.rows == again.rows
    assert snapshot() == before


def test_incremental_refresh_sees_status_changes_deletions_and_party_changes():
    w = build_world()
    build.refresh(full=True)
    cancelled = w.orders[4]  # carol's 501.00
    Order.objects.filter(pk=cancelled.pk).update(status="cancelled")
    gone = Interaction.objects.filter(cost=Decimal("1.50")).get()
    gone.delete()
    parties.add_address(
        w.customers["carol"], by=w.admin, region="北京", city="北京", is_primary=True
    )
    result = build.refresh(full=False)
    assert result.changed["sales"] == 1
    assert result.changed["interactions"] == 1
    assert q("SELECT SUM(amount_cents) FROM fact_sales WHERE counted") == [(125150 - 50100,)]
    assert q("SELECT COUNT(*) FROM fact_interactions WHERE interaction_id = ?", [gone.pk]) == [(0,)]
    assert q(
        "SELECT province FROM dim_customer WHERE customer_id = ?", [w.customers["carol"].pk]
    ) == [("北京",)]


def test_merged_party_facts_count_for_the_survivor():
    w = build_world()
    build.refresh(full=True)
    dave, alice = w.customers["dave"], w.customers["alice"]
    Party.objects.filter(pk=dave.pk).update(
        merged_into=alice, status="merged", updated_at=timezone.now()
    )
    build.refresh(full=False)
    assert q("SELECT DISTINCT customer_id FROM fact_sales WHERE party_id = ?", [dave.pk]) == [
        (alice.pk,)
    ]
    assert q("SELECT frequency FROM mart_customer_value WHERE customer_id = ?", [alice.pk]) == [
        (3,)
    ]


def test_readers_see_each_new_generation(warehouse):  # noqa: F811 - fixture
    w = build_world()
    build.refresh(full=True)
    assert q("SELECT COUNT(*) FROM fact_sales") == [(8,)]
    first = store.current_file()
    order(w, "alice", at(2025, 8, 1), [("kettle", 1)])
    build.refresh(full=False)
    assert store.current_file() != first
    assert first is not None and not first.exists()
    assert warehouse.is_symlink()
    assert q("SELECT COUNT(*) FROM fact_sales") == [(9,)]


def test_before_the_first_build_queries_read_an_empty_schema():
    assert store.current_file() is None
    assert q("SELECT COUNT(*) FROM fact_sales") == [(0,)]
    assert build.read_watermark() is None


def test_incremental_without_a_warehouse_builds_in_full():
    build_world()
    result = build.refresh(full=False)
    assert result.full is True
    assert result.rows["fact_sales"] == 8
