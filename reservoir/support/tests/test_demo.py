"""The demo loader of the service app creates realistic cases through the services."""

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest

from reservoir.iam.enums import Role
from reservoir.iam.tests.factories import UserFactory
from reservoir.parties.tests.factories import PartyFactory
from reservoir.sales.tests.factories import ProductFactory
from reservoir.support import demo
from reservoir.support.models import AgentProfile, Case, CaseMessage

pytestmark = pytest.mark.django_db


def test_demo_creates_cases_for_existing_customers_and_agents():
    UserFactory(username="service", role=Role.SERVICE_AGENT)
    UserFactory(username="he.fang", role=Role.SERVICE_AGENT)
    for i in range(8):
        PartyFactory(display_name=f"王{i}明" if i % 2 else f"Anna Smith {i}")
    ProductFactory()
    now = dt.datetime(2026, 3, 20, 15, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

    counts = demo.load_demo(random.Random(7), now=now, count=8)

    assert counts["cases"] == 8 == Case.objects.count()
    assert AgentProfile.objects.count() == 2
    assert CaseMessage.objects.count() >= 8
    assert Case.objects.filter(assignee__isnull=False).count() == 8
    assert Case.objects.filter(type="complaint").count() == 3
