"""Service reports page and the SLA-policy / agent-profile settings pages."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from reservoir.audit.models import AuditEntry
from reservoir.iam.enums import Role
from reservoir.iam.tests.factories import UserFactory
from reservoir.parties.tests.factories import PartyFactory
from reservoir.support import services
from reservoir.support.models import AgentProfile, SlaPolicy
from reservoir.support.tests.factories import AgentFactory, AgentProfileFactory

pytestmark = pytest.mark.django_db


def _resolved_with_csat(agent, score):
    case = services.open_case(
        party=PartyFactory(), subject="Help", body="Please", channel="email", by=None, assign=False
    )
    services.assign_case(case, by=agent, user=agent)
    services.resolve_case(case, by=agent)
    survey = services.send_survey(case, "csat")
    services.answer_survey(survey.token, score)
    return case


def test_reports_page_shows_figures_charts_and_csat_by_agent(client):
    agent = AgentFactory(first_name="Yang", last_name="Liu")
    _resolved_with_csat(agent, 5)
    _resolved_with_csat(agent, 2)
    client.force_login(agent)

    response = client.get(reverse("support:reports"), {"days": "30", "n": "60"})

    assert response.status_code == 200
    assert (response.context["days"], response.context["horizon"]) == (30, 60)
    assert response.context["distribution"] == [(1, 0), (2, 1), (3, 0), (4, 0), (5, 1)]
    assert response.context["by_agent"][0]["answers"] == 2
    assert response.context["by_agent"][0]["average"] == 3.5
    assert response.context["fcr"].resolved == 2
    html = response.content.decode()
    spec = json.loads(
        html.split('id="chart-csat" type="application/json">')[1].split("</script>")[0]
    )
    assert spec["values"] == [0, 1, 0, 0, 1]
    assert 'data-chart="chart-empowerment"' in html


def test_reports_page_ignores_an_unknown_period(client):
    client.force_login(AgentFactory())

    response = client.get(reverse("support:reports"), {"days": "abc", "n": "-4"})

    assert response.status_code == 200
    assert (response.context["days"], response.context["horizon"]) == (90, 90)


def test_sla_list_is_read_only_for_agents_and_editable_for_managers(client):
    services.ensure_default_policies()
    client.force_login(AgentFactory())
    agent_view = client.get(reverse("support:sla_list"))
    agent_edit = client.get(reverse("support:sla_create"))
    client.force_login(UserFactory(role=Role.MANAGER))
    manager_view = client.get(reverse("support:sla_list"))

    assert agent_view.status_code == 200 and agent_view.context["can_edit"] is False
    assert agent_edit.status_code == 403
    assert manager_view.context["can_edit"] is True
    assert [p.name for p in manager_view.context["policies"]][0] == "Urgent"


def test_manager_creates_an_sla_policy_and_bad_hours_are_form_errors(client):
    manager = UserFactory(role=Role.MANAGER)
    client.force_login(manager)
    data = {
        "name": "Gold",
        "position": 5,
        "is_active": "on",
        "priority": "",
        "case_type": "",
        "min_customer_value": "50000",
        "first_response_hours": "1",
        "next_response_hours": "2",
        "resolution_hours": "8",
        "calendar": "",
        "warn_before_minutes": 30,
    }

    bad = client.post(reverse("support:sla_create"), {**data, "first_response_hours": "-1"})
    worse = client.post(reverse("support:sla_create"), {**data, "resolution_hours": "0.5"})
    ok = client.post(reverse("support:sla_create"), data)

    assert bad.status_code == 422 and "first_response_hours" in bad.context["form"].errors
    assert worse.status_code == 422 and "resolution_hours" in worse.context["form"].errors
    assert ok.status_code == 302
    policy = SlaPolicy.objects.get(name="Gold")
    assert policy.min_customer_value == Decimal("50000")
    assert AuditEntry.objects.filter(action="support.sla_policy.created").count() == 1


def test_manager_edits_agent_skills_and_capacity(client):
    profile = AgentProfileFactory(skills=["question"], capacity=5)
    client.force_login(UserFactory(role=Role.MANAGER))

    bad = client.post(
        reverse("support:agent_edit", args=[profile.pk]),
        {"skills": "x", "regions": "", "capacity": "0"},
    )
    ok = client.post(
        reverse("support:agent_edit", args=[profile.pk]),
        {
            "skills": "complaint, Billing ,SKU-1",
            "regions": "上海",
            "capacity": "12",
            "available": "",
        },
    )

    assert bad.status_code == 422 and "capacity" in bad.context["form"].errors
    assert ok.status_code == 302
    profile.refresh_from_db()
    assert (profile.skills, profile.regions, profile.capacity, profile.available) == (
        ["complaint", "Billing", "SKU-1"],
        ["上海"],
        12,
        False,
    )


def test_manager_adds_an_agent_profile_once(client):
    agent = AgentFactory()
    client.force_login(UserFactory(role=Role.MANAGER))
    data = {
        "user": agent.pk,
        "skills": "question",
        "regions": "",
        "capacity": "10",
        "available": "on",
    }

    first = client.post(reverse("support:agent_create"), data)
    second = client.post(reverse("support:agent_create"), data)
    listing = client.get(reverse("support:agent_list"))

    assert first.status_code == 302
    assert second.status_code == 422
    assert AgentProfile.objects.filter(user=agent).count() == 1
    assert [(p.user_id, load) for p, load in listing.context["rows"]] == [(agent.pk, 0)]
