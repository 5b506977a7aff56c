"""The OLAP query API: totals, drill-down/up, comparisons, pivots, validation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Count, Sum

from reservoir.analytics.tests.factories import (
    build_world,
    warehouse,  # noqa: F401 - fixture
)
from reservoir.analytics.warehouse import build
from reservoir.analytics.warehouse.query import (
    DIMENSIONS,
    MEASURES,
    Level,
    OlapQuery,
    Slice,
    cohort_retention,
    drill_down,
    drill_up,
    new_vs_returning,
    run_query,
    validate,
)
from reservoir.core.errors import InvalidInput
from reservoir.sales.models import OrderLine

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("warehouse")]
YEAR, QUARTER, MONTH = Level("date", "year"), Level("date", "quarter"), Level("date", "month")


@pytest.fixture
def world():
    w = build_world()
    build.refresh(full=True)
    return w


def cols(result, *names):
    return [tuple(r[n] for n in names) for r in result.rows]


def test_catalog_names_levels_and_formats():
    assert [lv.name for lv in DIMENSIONS["date"].levels] == [
        "year",
        "quarter",
        "month",
        "day",
    ]
    assert [lv.name for lv in DIMENSIONS["product"].levels] == [
        "category",
        "subcategory",
        "product",
    ]
    assert [lv.name for lv in DIMENSIONS["region"].levels] == ["province", "city", "customer"]
    assert {m: MEASURES[m].format for m in ("revenue", "orders", "arpu")} == {
        "revenue": "money",
        "orders": "int",
        "arpu": "money",
    }


def test_totals_equal_the_operational_sums(world):
    counted = OrderLine.objects.exclude(order__status__in=("cancelled", "returned"))
    orm = counted.aggregate(
        revenue=Sum("amount"),
        quantity=Sum("quantity"),
        orders=Count("order", distinct=True),
        customers=Count("order__party", distinct=True),
    )
    measures = ("revenue", "quantity", "orders", "customers", "arpu")
    result = run_query(OlapQuery(measures=measures), actor=world.admin)
    assert result.totals == {
        "revenue": orm["revenue"],
        "quantity": orm["quantity"],
        "orders": orm["orders"],
        "customers": orm["customers"],
        "arpu": Decimal("312.88"),
    }
    assert result.totals["revenue"] == Decimal("1251.50")
    assert result.refreshed_at is not None


def test_rows_by_year_with_new_and_returning_customers(world):
    query = OlapQuery(
        measures=("revenue", "customers", "new_customers", "returning_customers"), rows=(YEAR,)
    )
    result = run_query(query, actor=world.admin)
    assert result.row_headers == ["date.year"]
    assert result.columns == ["revenue", "customers", "new_customers", "returning_customers"]
    assert cols(result, "date.year", "revenue", "customers", "new_customers") == [
        ("2024", Decimal("140.00"), 2, 2),
        ("2025", Decimal("1111.50"), 3, 2),
    ]
    assert [r["returning_customers"] for r in result.rows] == [0, 1]
    assert result.column_labels["date.year"] == "Year"


def test_drill_down_and_up_move_through_the_hierarchy():
    start = OlapQuery(measures=("revenue",), rows=(YEAR,))
    down = drill_down(start, Slice("date", "year", "2025"))
    assert down.rows == (QUARTER,)
    assert down.slices == (Slice("date", "year", "2025"),)
    deeper = drill_down(down, Slice("date", "quarter", "2025-Q1"))
    assert deeper.rows == (MONTH,)
    assert len(deeper.slices) == 2
    assert drill_up(deeper, "date") == down
    assert drill_up(down, "date") == start
    with pytest.raises(InvalidInput):
        drill_up(start, "date")
    with pytest.raises(InvalidInput):
        drill_down(start, Slice("date", "day", "2025-01-01"))
    # A dimension not shown yet is added to the rows, one level below the member.
    added = drill_down(start, Slice("product", "category", "Audio"))
    assert added.rows == (YEAR, Level("product", "subcategory"))


def test_drill_down_results_split_the_parent(world):
    query = drill_down(
        OlapQuery(measures=("revenue",), rows=(YEAR,)), Slice("date", "year", "2025")
    )
    result = run_query(query, actor=world.admin)
    assert cols(result, "date.quarter", "revenue") == [
        ("2025-Q1", Decimal("490.50")),
        ("2025-Q2", Decimal("621.00")),
    ]
    assert result.totals["revenue"] == Decimal("1111.50")
    by_product = OlapQuery(measures=("revenue",), rows=(Level("product", "category"),))
    sub = run_query(
        drill_down(by_product, Slice("product", "category", "Audio")), actor=world.admin
    )
    assert cols(sub, "product.subcategory", "revenue") == [
        ("Headphones", Decimal("300.00")),
        ("Speakers", Decimal("751.50")),
    ]
    leaf = run_query(
        drill_down(sub.query, Slice("product", "subcategory", "Speakers")), actor=world.admin
    )
    speaker = world.products["speaker"]
    assert cols(leaf, "product.product", "product.product__label", "revenue") == [
        (str(speaker.pk), "Speaker", Decimal("751.50"))
    ]


def test_region_segment_and_channel_members(world):
    region = run_query(
        OlapQuery(measures=("revenue",), rows=(Level("region", "province"),)), actor=world.admin
    )
    assert cols(region, "region.province", "region.province__label", "revenue") == [
        ("", "(none)", Decimal("541.00")),
        ("上海", "上海", Decimal("370.50")),
        ("广东", "广东", Decimal("340.00")),
    ]
    segment = run_query(
        OlapQuery(
            measures=("revenue",),
            rows=(Level("segment", "segment"),),
            slices=(Slice("segment", "segment", "champions"),),
        ),
        actor=world.admin,
    )
    assert cols(segment, "segment.segment", "revenue") == [("champions", Decimal("340.00"))]
    channel = run_query(
        OlapQuery(
            measures=("interactions", "interaction_cost", "revenue"),
            rows=(Level("channel", "channel"),),
            slices=(Slice("channel", "channel", "campaign"),),
        ),
        actor=world.admin,
    )
    assert cols(
        channel, "channel.channel__label", "interactions", "interaction_cost", "revenue"
    ) == [("Campaign message", 1, Decimal("0.20"), Decimal("0.00"))]


def test_compare_with_the_previous_year(world):
    query = OlapQuery(
        measures=("revenue",),
        rows=(MONTH,),
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 12, 31),
        compare="previous_year",
    )
    result = run_query(query, actor=world.admin)
    assert result.columns == ["revenue", "revenue__compare", "revenue__change"]
    assert cols(result, "date.month", "revenue", "revenue__compare", "revenue__change") == [
        ("2025-01", Decimal("250.50"), Decimal("0.00"), None),
        ("2025-03", Decimal("240.00"), Decimal("100.00"), 1.4),
        ("2025-05", Decimal("621.00"), Decimal("0.00"), None),
    ]
    assert result.totals["revenue__compare"] == Decimal("140.00")
    assert result.totals["revenue__change"] == pytest.approx((1111.5 - 140) / 140)


def test_compare_with_the_previous_period_of_a_date_slice(world):
    query = OlapQuery(
        measures=("orders",),
        slices=(Slice("date", "quarter", "2025-Q2"),),
        compare="previous_period",
    )
    result = run_query(query, actor=world.admin)
    assert (result.totals["orders"], result.totals["orders__compare"]) == (2, 2)
    assert result.totals["orders__change"] == 0.0


def test_pivot_columns_one_per_member_and_measure(world):
    query = OlapQuery(
        measures=("revenue", "orders"),
        rows=(Level("product", "category"),),
        columns=(YEAR,),
    )
    result = run_query(query, actor=world.admin)
    assert result.columns == ["revenue|2024", "orders|2024", "revenue|2025", "orders|2025"]
    assert result.column_labels["revenue|2025"] == "Revenue · 2025"
    assert cols(result, "product.category", "revenue|2024", "revenue|2025") == [
        ("Audio", Decimal("100.00"), Decimal("951.50")),
        ("Kitchen", Decimal("40.00"), Decimal("160.00")),
    ]
    assert result.totals["revenue|2025"] == Decimal("1111.50")
    assert result.totals["revenue"] == Decimal("1251.50")


def test_limit_truncates_rows(world):
    result = run_query(
        OlapQuery(measures=("revenue",), rows=(Level("region", "customer"),), limit=2),
        actor=world.admin,
    )
    assert [r["region.customer__label"] for r in result.rows] == ["Alice", "Bob"]
    assert result.extra["truncated"] is True


@pytest.mark.parametrize(
    "query",
    [
        OlapQuery(measures=()),
        OlapQuery(measures=("profit",)),
        OlapQuery(measures=("revenue",), rows=(Level("date", "week"),)),
        OlapQuery(measures=("revenue",), rows=(Level("planet", "name"),)),
        OlapQuery(measures=("revenue",), slices=(Slice("date", "decade", "2020"),)),
        OlapQuery(measures=("interactions",), rows=(Level("product", "category"),)),
        OlapQuery(measures=("revenue",), start=dt.date(2025, 2, 1), end=dt.date(2025, 1, 1)),
        OlapQuery(measures=("revenue",), compare="next_year"),
        OlapQuery(measures=("revenue",), compare="previous_year"),
        OlapQuery(measures=("revenue",), rows=(YEAR,), columns=(MONTH,)),
        OlapQuery(measures=("revenue",), limit=0),
    ],
)
def test_invalid_queries_are_refused_with_a_message(query):
    with pytest.raises(InvalidInput) as err:
        validate(query)
    assert err.value.message


def test_cohort_retention_and_new_vs_returning(world):
    cohorts = cohort_retention(actor=world.admin)
    assert [(c["cohort"], c["size"]) for c in cohorts] == [
        ("2024-03", 1),
        ("2024-11", 1),
        ("2025-01", 1),
        ("2025-05", 1),
    ]
    alice = cohorts[0]["retention"]
    assert alice == [0.0] * 11 + [1.0]  # her next order is 12 months later: month +12
    assert cohorts[1]["retention"][:6] == [0.0] * 6
    bob = cohorts[2]["retention"]
    assert bob[3] == 1.0  # January cohort, bought again in May (+4)
    assert bob[4:] == [None] * 8  # no data after May 2025
    months = new_vs_returning(
        actor=world.admin, start=dt.date(2025, 1, 1), end=dt.date(2025, 6, 30)
    )
    assert [(m["month"], m["new"], m["returning"], m["returning_revenue"]) for m in months] == [
        ("2025-01", 1, 0, Decimal("0.00")),
        ("2025-03", 0, 1, Decimal("240.00")),
        ("2025-05", 1, 1, Decimal("120.00")),
    ]


def test_a_malformed_date_member_matches_nothing(world):
    query = OlapQuery(measures=("revenue",), slices=(Slice("date", "quarter", "2025-Q9"),))
    result = run_query(query, actor=world.admin)
    assert result.totals == {"revenue": Decimal("0.00")}
