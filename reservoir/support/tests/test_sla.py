"""SLA acceptance: a complaint opened Friday 17:00 breaches Monday 12:00, escalated once."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from reservoir.audit.models import AuditEntry
from reservoir.automation.enums import RunStatus, TriggerKind
from reservoir.automation.models import Run
from reservoir.automation.tests.factories import RuleFactory
from reservoir.automation.tests.support import drain
from reservoir.calendars.services import ensure_default_calendar
from reservoir.parties.tests.factories import PartyFactory
from reservoir.support import services, sla
from reservoir.support.enums import CaseChannel, CaseType, SlaEventKind, SlaTarget
from reservoir.support.models import Case, SlaEvent, SlaPolicy
from reservoir.todos.models import Todo

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def _complaint_policy():
    sla.ensure_default_policies()
    return SlaPolicy.objects.get(name="Complaint fast track")


def _open_complaint(at):
    return services.open_case(
        party=PartyFactory(),
        subject="Washing machine arrived broken",
        body="The drum is cracked.",
        type=CaseType.COMPLAINT,
        channel=CaseChannel.PORTAL,
        by=None,
        opened_at=at,
    )


def test_complaint_opened_friday_1700_is_due_monday_1200():
    ensure_default_calendar()
    policy = _complaint_policy()
    friday = dt.datetime(2026, 3, 13, 17, 0, tzinfo=SH)  # a working Friday; Monday 16th works

    case = _open_complaint(friday)

    assert policy.first_response_hours == 4
    assert case.sla_policy_id == policy.pk
    assert case.priority == "high"
    assert case.first_response_due == dt.datetime(2026, 3, 16, 12, 0, tzinfo=SH)


def test_breach_fires_once_after_the_weekend_when_checked_repeatedly(
    django_capture_on_commit_callbacks,
):
    ensure_default_calendar()
    _complaint_policy()
    rule = RuleFactory(
        trigger=TriggerKind.CASE_SLA_BREACHED,
        actions=[
            {
                "type": "create_todo",
                "options": {
                    "title": "Escalated complaint",
                    "due_in": 1,
                    "due_unit": "business_days",
                    "assign_to": "owner",
                    "priority": "high",
                },
            }
        ],
    )
    case = _open_complaint(dt.datetime(2026, 3, 13, 17, 0, tzinfo=SH))

    with django_capture_on_commit_callbacks(execute=True):
        before = sla.check_sla(dt.datetime(2026, 3, 16, 11, 59, tzinfo=SH))
    case.refresh_from_db()
    assert case.first_response_breached is False
    assert [e.kind for e in before] == [SlaEventKind.WARNING]

    with django_capture_on_commit_callbacks(execute=True):
        at_due = sla.check_sla(dt.datetime(2026, 3, 16, 12, 0, tzinfo=SH))
    with django_capture_on_commit_callbacks(execute=True):
        again = sla.check_sla(dt.datetime(2026, 3, 16, 12, 1, tzinfo=SH))
    with django_capture_on_commit_callbacks(execute=True):
        later = sla.check_sla(dt.datetime(2026, 3, 16, 15, 0, tzinfo=SH))
    drain()

    case.refresh_from_db()
    assert [(e.target, e.kind) for e in at_due] == [(SlaTarget.FIRST_RESPONSE, SlaEventKind.BREACH)]
    assert again == []
    assert later == []
    assert case.first_response_breached is True
    assert case.escalation_level == 1
    assert SlaEvent.objects.filter(case=case, kind=SlaEventKind.BREACH).count() == 1
    assert AuditEntry.objects.filter(action="support.case.escalated").count() == 1
    runs = Run.objects.filter(rule=rule)
    assert runs.count() == 1
    assert runs.get().status == RunStatus.SUCCEEDED
    assert Todo.objects.filter(title="Escalated complaint").count() == 1


def test_no_breach_when_first_response_is_in_time():
    ensure_default_calendar()
    _complaint_policy()
    case = _open_complaint(dt.datetime(2026, 3, 13, 17, 0, tzinfo=SH))
    agent_reply_at = dt.datetime(2026, 3, 16, 10, 0, tzinfo=SH)
    services.add_message(
        case,
        body="We are sorry; a technician comes tomorrow.",
        by=None,
        author_kind="agent",
        channel=CaseChannel.STAFF,
        at=agent_reply_at,
    )

    fired = sla.check_sla(dt.datetime(2026, 3, 16, 12, 30, tzinfo=SH))

    case.refresh_from_db()
    assert fired == []
    assert case.first_response_at == agent_reply_at
    assert case.first_response_breached is False
    assert case.escalation_level == 0


def test_next_response_clock_starts_when_customer_writes_after_a_reply():
    ensure_default_calendar()
    _complaint_policy()
    case = _open_complaint(dt.datetime(2026, 3, 16, 9, 0, tzinfo=SH))
    services.add_message(
        case, body="Sorry!", by=None, author_kind="agent", channel=CaseChannel.STAFF,
        at=dt.datetime(2026, 3, 16, 10, 0, tzinfo=SH),
    )  # fmt: skip

    services.add_message(
        case, body="When exactly?", by=None, author_kind="customer", channel=CaseChannel.PORTAL,
        at=dt.datetime(2026, 3, 16, 16, 0, tzinfo=SH),
    )  # fmt: skip

    case.refresh_from_db()
    # 2 working hours left on Monday (16:00-18:00), 2 more on Tuesday from 09:00.
    assert case.next_response_due == dt.datetime(2026, 3, 17, 11, 0, tzinfo=SH)


def test_sla_state_shows_timers_for_the_ui():
    ensure_default_calendar()
    _complaint_policy()
    case = _open_complaint(dt.datetime(2026, 3, 13, 17, 0, tzinfo=SH))
    case = Case.objects.select_related("sla_policy").get(pk=case.pk)

    timers = {t.target: t for t in sla.sla_state(case, dt.datetime(2026, 3, 16, 11, 30, tzinfo=SH))}

    assert timers["first_response"].state == "warning"
    assert timers["first_response"].seconds_left == 1800
    assert timers["next_response"].state == "none"
    assert timers["resolution"].state == "running"
