"""SLA pause on screen and in the API: the case page, its live partial and the inbox show
"Paused — waiting for the customer" instead of a ticking clock; the API reports the state."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from reservoir.core.tests.api_support import bearer
from reservoir.iam.enums import Role
from reservoir.iam.tests.factories import UserFactory
from reservoir.parties.tests.factories import PartyFactory
from reservoir.support import services
from reservoir.support.enums import CaseChannel, CaseStatus
from reservoir.support.models import SlaPolicy
from reservoir.support.tests.factories import AgentFactory

pytestmark = pytest.mark.django_db
PAUSED = "Paused — waiting for the customer"


@pytest.fixture
def agent(client):
    user = AgentFactory()
    client.force_login(user)
    return user


def _waiting_case(agent, status=CaseStatus.PENDING_CUSTOMER):
    """A case answered an hour ago, assigned to `agent`, then put in `status`."""
    opened = timezone.now() - dt.timedelta(hours=2)
    case = services.open_case(
        party=PartyFactory(display_name="Wang Fang"),
        subject="Router keeps rebooting",
        body="Every ten minutes.",
        channel=CaseChannel.PORTAL,
        by=None,
        opened_at=opened,
        assign=False,
    )
    services.assign_case(case, by=agent, user=agent)
    services.add_message(
        case,
        body="Which firmware version do you run?",
        by=agent,
        author_kind="agent",
        channel=CaseChannel.PORTAL,
        at=opened + dt.timedelta(hours=1),
    )
    return services.change_status(case, status, by=agent)


def _resolution_timer_html(html):
    start = html.index('data-target="resolution"')
    return html[start : html.index("</div>", start)]


def test_case_page_shows_paused_resolution_clock_when_waiting_for_the_customer(client, agent):
    case = _waiting_case(agent)

    response = client.get(reverse("support:case_detail", args=[case.pk]))

    assert response.status_code == 200
    timers = {t.target: t for t in response.context["timers"]}
    assert timers["resolution"].state == "paused"
    assert timers["resolution"].seconds_left is None
    assert timers["first_response"].state == "met"
    resolution = _resolution_timer_html(response.content.decode())
    assert PAUSED in resolution
    assert 'data-state="paused"' in resolution
    assert "data-due" not in resolution


def test_live_partial_shows_running_clock_again_when_customer_replies(client, agent):
    case = _waiting_case(agent)
    paused = client.get(reverse("support:case_thread", args=[case.pk])).content.decode()

    services.add_message(
        case, body="Version 2.1", by=None, author_kind="customer", channel=CaseChannel.PORTAL
    )
    resumed = client.get(reverse("support:case_thread", args=[case.pk])).content.decode()

    assert PAUSED in _resolution_timer_html(paused)
    assert PAUSED not in _resolution_timer_html(resumed)
    assert "data-due" in _resolution_timer_html(resumed)


def test_inbox_row_shows_paused_instead_of_a_timer_when_waiting_for_the_customer(client, agent):
    waiting = _waiting_case(agent)
    internal = _waiting_case(agent, status=CaseStatus.PENDING_INTERNAL)

    response = client.get(reverse("support:inbox"), {"tab": "mine"})

    html = response.content.decode()
    row = html[html.index(f'data-case-id="{waiting.pk}"') :]
    row = row[: row.index("</tr>")]
    other = html[html.index(f'data-case-id="{internal.pk}"') :]
    other = other[: other.index("</tr>")]
    assert response.status_code == 200
    assert PAUSED in row
    assert "data-due" not in row
    assert PAUSED not in other
    assert 'data-state="running"' in other


def test_api_reports_the_paused_clock_when_waiting_for_the_customer(client, agent):
    case = _waiting_case(agent)

    body = client.get(f"/api/v1/cases/{case.pk}", headers=bearer(agent)).json()

    timers = {t["target"]: t for t in body["timers"]}
    assert body["status"] == "pending_customer"
    assert body["sla_paused_at"] is not None
    assert body["sla_paused_seconds"] == 0
    assert timers["resolution"]["state"] == "paused"
    assert timers["resolution"]["seconds_left"] is None
    assert timers["resolution"]["paused_since"] == body["sla_paused_at"]
    assert timers["first_response"]["paused_since"] is None


def test_api_status_change_back_to_open_resumes_the_clock(client, agent):
    case = _waiting_case(agent)

    response = client.post(
        f"/api/v1/cases/{case.pk}/status",
        {"status": "open"},
        content_type="application/json",
        headers=bearer(agent),
    )

    body = response.json()
    assert response.status_code == 200
    assert body["sla_paused_at"] is None
    assert {t["target"]: t["state"] for t in body["timers"]}["resolution"] in {"running", "warning"}


def _due_soon(case, minutes):
    """Move the case's resolution due time to `minutes` from now (the pause, if any, began
    earlier, so the clock stands still)."""
    type(case).objects.filter(pk=case.pk).update(
        resolution_due=timezone.now() + dt.timedelta(minutes=minutes)
    )


def test_breaching_tab_leaves_out_a_paused_clock_and_keeps_a_running_one(client, agent):
    waiting = _waiting_case(agent)
    internal = _waiting_case(agent, status=CaseStatus.PENDING_INTERNAL)
    _due_soon(waiting, 20)
    _due_soon(internal, 20)

    response = client.get(reverse("support:inbox"), {"tab": "breaching"})

    shown = {c.pk for c in response.context["page"]}
    assert internal.pk in shown
    assert waiting.pk not in shown


def test_inbox_sorts_a_paused_case_after_running_ones_when_sorted_by_due_time(client, agent):
    waiting = _waiting_case(agent)
    internal = _waiting_case(agent, status=CaseStatus.PENDING_INTERNAL)
    _due_soon(waiting, 20)
    _due_soon(internal, 40)

    response = client.get(reverse("support:inbox"), {"tab": "mine"})

    assert [c.pk for c in response.context["page"]] == [internal.pk, waiting.pk]


def test_manager_switches_the_pause_off_on_the_policy_form(client):
    client.force_login(UserFactory(role=Role.MANAGER))
    data = {
        "name": "Field repairs",
        "position": 7,
        "is_active": "on",
        "first_response_hours": "4",
        "next_response_hours": "8",
        "resolution_hours": "40",
        "warn_before_minutes": 30,
    }

    form = client.get(reverse("support:sla_create"))
    off = client.post(reverse("support:sla_create"), data)
    on = client.post(
        reverse("support:sla_create"),
        {**data, "name": "Hotline", "pause_on_pending_customer": "on"},
    )

    assert 'name="pause_on_pending_customer"' in form.content.decode()
    assert off.status_code == 302 and on.status_code == 302
    assert SlaPolicy.objects.get(name="Field repairs").pause_on_pending_customer is False
    assert SlaPolicy.objects.get(name="Hotline").pause_on_pending_customer is True
