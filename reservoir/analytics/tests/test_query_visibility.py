"""Every query covers only the customers the actor may see (the iam visibility rule)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from reservoir.analytics.tests.factories import (
    build_world,
    warehouse,  # noqa: F401 - fixture
)
from reservoir.analytics.warehouse import build
from reservoir.analytics.warehouse.query import (
    Level,
    OlapQuery,
    cohort_retention,
    run_query,
)
from reservoir.iam.enums import Role
from reservoir.iam.tests.factories import UserFactory
from reservoir.iam.visibility import visible_q
from reservoir.parties.models import Party

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("warehouse")]
BY_CUSTOMER = OlapQuery(measures=("revenue", "interactions"), rows=(Level("region", "customer"),))


@pytest.fixture
def world():
    w = build_world()
    build.refresh(full=True)
    return w


def names(result):
    return [r["region.customer__label"] for r in result.rows]


def test_a_sales_rep_sees_only_the_revenue_of_customers_they_may_see(world):
    result = run_query(OlapQuery(measures=("revenue",)), actor=world.rep_a)
    assert result.totals["revenue"] == Decimal("380.00")  # Alice (team A) + unowned Dave
    assert names(run_query(BY_CUSTOMER, actor=world.rep_a)) == ["Alice", "Dave"]


def test_a_manager_sees_the_teams_they_manage(world):
    result = run_query(OlapQuery(measures=("revenue",)), actor=world.manager_b)
    assert result.totals["revenue"] == Decimal("911.50")
    assert names(run_query(BY_CUSTOMER, actor=world.manager_b)) == ["Bob", "Carol", "Dave"]


def test_an_administrator_sees_everyone(world):
    assert names(run_query(BY_CUSTOMER, actor=world.admin)) == ["Alice", "Bob", "Carol", "Dave"]


def test_an_inactive_user_sees_nothing(world):
    world.rep_a.is_active = False
    result = run_query(BY_CUSTOMER, actor=world.rep_a)
    assert result.rows == []
    assert result.totals == {"revenue": Decimal("0.00"), "interactions": 0}


def test_cohorts_are_filtered_too(world):
    assert [c["size"] for c in cohort_retention(actor=world.rep_a)] == [1, 1]


def test_cohorts_keep_visible_customers_whose_first_order_is_in_the_period(world):
    since = cohort_retention(
        actor=world.rep_a, start=dt.date(2024, 6, 1), end=dt.date(2025, 12, 31)
    )
    until = cohort_retention(actor=world.rep_a, end=dt.date(2024, 6, 30))

    assert [(c["cohort"], c["size"]) for c in since] == [("2024-11", 1)]  # Dave, not Bob
    assert [(c["cohort"], c["size"]) for c in until] == [("2024-03", 1)]  # Alice


@pytest.mark.parametrize("role", [Role.SALES_REP, Role.MANAGER, Role.ANALYST])
def test_the_warehouse_agrees_with_visible_q(world, role):
    user = UserFactory(role=role, team=world.team_b, manages=[world.team_a])
    expected = sorted(
        str(pk) for pk in Party.objects.filter(visible_q(user)).values_list("pk", flat=True)
    )
    result = run_query(BY_CUSTOMER, actor=user)
    assert sorted(r["region.customer"] for r in result.rows) == expected
