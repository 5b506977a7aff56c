"""The agent desk's inbox, new-case form and permissions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reservoir.iam.enums import Role
from reservoir.iam.tests.factories import UserFactory
from reservoir.parties.tests.factories import PartyFactory
from reservoir.support import services
from reservoir.support.models import Case
from reservoir.support.tests.factories import AgentFactory

pytestmark = pytest.mark.django_db


def _case(party, subject="Printer offline", **kw):
    kw.setdefault("assign", False)
    return services.open_case(
        party=party,
        subject=subject,
        body="It drops off the Wi-Fi.",
        channel="portal",
        by=None,
        **kw,
    )


def test_inbox_redirects_anonymous_to_login(client):
    response = client.get(reverse("support:inbox"))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_inbox_is_forbidden_when_the_user_is_not_service_staff(client):
    client.force_login(UserFactory(role=Role.SALES_REP))

    response = client.get(reverse("support:inbox"))

    assert response.status_code == 403


def test_inbox_tabs_list_mine_unassigned_and_breaching(client):
    agent = AgentFactory()
    party = PartyFactory(display_name="Li Na")
    mine = _case(party, "Mine")
    services.assign_case(mine, by=agent, user=agent)
    loose = _case(party, "Loose")
    late = _case(party, "Late")
    Case.objects.filter(pk=late.pk).update(
        first_response_due=timezone.now() + dt.timedelta(minutes=30)
    )
    Case.objects.filter(pk=loose.pk).update(
        first_response_due=timezone.now() + dt.timedelta(hours=30)
    )
    client.force_login(agent)

    tabs = {
        tab: client.get(reverse("support:inbox"), {"tab": tab})
        for tab in ("mine", "unassigned", "breaching", "all")
    }

    def numbers(response):
        return [c.number for c in response.context["page"].object_list]

    assert numbers(tabs["mine"]) == [mine.number]
    assert sorted(numbers(tabs["unassigned"])) == sorted([loose.number, late.number])
    assert late.number in numbers(tabs["breaching"])
    assert loose.number not in numbers(tabs["breaching"])
    assert sorted(numbers(tabs["all"])) == sorted([mine.number, loose.number, late.number])
    assert {n: c for n, _l, c in tabs["mine"].context["tabs"]}["unassigned"] == 2
    assert b"sla-clock" in tabs["all"].content


def test_inbox_sorts_by_due_time_and_filters_by_type(client):
    agent = AgentFactory()
    party = PartyFactory()
    later = _case(party, "Later")
    sooner = _case(party, "Sooner", type="complaint")
    now = timezone.now()
    Case.objects.filter(pk=later.pk).update(first_response_due=now + dt.timedelta(hours=5))
    Case.objects.filter(pk=sooner.pk).update(first_response_due=now + dt.timedelta(hours=1))
    client.force_login(agent)

    by_due = client.get(reverse("support:inbox"), {"tab": "all", "sort": "due"})
    complaints = client.get(reverse("support:inbox"), {"tab": "all", "type": "complaint"})

    assert [c.pk for c in by_due.context["page"].object_list] == [sooner.pk, later.pk]
    assert [c.pk for c in complaints.context["page"].object_list] == [sooner.pk]
    assert b"is-complaint" in complaints.content


def test_inbox_query_count_does_not_grow_with_cases(client):
    agent = AgentFactory()
    party = PartyFactory()
    client.force_login(agent)
    _case(party, "One")
    client.get(reverse("support:inbox"), {"tab": "all"})
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("support:inbox"), {"tab": "all"})
    _case(PartyFactory(), "Two")
    _case(PartyFactory(), "Three")

    with CaptureQueriesContext(connection) as three:
        response = client.get(reverse("support:inbox"), {"tab": "all"})

    assert len(response.context["page"].object_list) == 3
    assert len(three.captured_queries) == len(one.captured_queries)


def test_log_a_case_for_a_customer_opens_it_and_shows_the_case_page(client):
    agent = AgentFactory()
    party = PartyFactory(display_name="Wang Fang")
    client.force_login(agent)

    response = client.post(
        reverse("support:case_new"),
        {
            "party": party.pk,
            "subject": "Fridge is loud",
            "body": "Humming at night.",
            "type": "problem",
            "priority": "normal",
            "channel": "phone",
            "category": "noise",
        },
    )

    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("support:case_detail", args=[case.pk])
    assert (case.party_id, case.channel, case.category, case.created_by_id) == (
        party.pk,
        "phone",
        "noise",
        agent.pk,
    )
    assert case.messages.get().author_kind == "customer"


def test_log_a_case_without_a_customer_shows_the_form_again(client):
    client.force_login(AgentFactory())

    response = client.post(
        reverse("support:case_new"),
        {"party": "", "subject": "", "body": "x", "type": "nope", "priority": "normal"},
    )

    assert response.status_code == 422
    assert set(response.context["form"].errors) >= {"party", "subject", "type"}
    assert Case.objects.count() == 0


def test_customer_picker_lists_matching_visible_customers(client):
    client.force_login(AgentFactory())
    PartyFactory(display_name="Zhou Xun")
    PartyFactory(display_name="Li Bai")

    response = client.get(reverse("support:customer_options"), {"q": "zhou"})

    assert [p.display_name for p in response.context["parties"]] == ["Zhou Xun"]
