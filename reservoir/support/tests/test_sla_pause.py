"""SLA pause: resolution and next-response clocks stand still while the case waits for the
customer, and move out by exactly the business time paused (default calendar: Asia/Shanghai,
09:00-18:00 Monday to Friday, 清明节 Saturday 4 to Monday 6 April 2026 off)."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from reservoir.audit.models import AuditEntry
from reservoir.calendars.businesstime import business_seconds
from reservoir.calendars.services import ensure_default_calendar
from reservoir.parties.tests.factories import PartyFactory
from reservoir.support import services, sla
from reservoir.support.enums import CaseChannel, CaseStatus, SlaEventKind, SlaTarget
from reservoir.support.models import Case, SlaEvent, SlaPolicy
from reservoir.support.tests.factories import AgentFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
HOUR = 3600


def _at(month, day, hour, minute=0):
    return dt.datetime(2026, month, day, hour, minute, tzinfo=SH)


@pytest.fixture
def agent():
    ensure_default_calendar()
    sla.ensure_default_policies()
    return AgentFactory()


def _open(at, party=None):
    """A normal question (policy "Standard": 8 h first response, 16 h next, 45 h resolution)."""
    return services.open_case(
        party=party or PartyFactory(),
        subject="Invoice shows the wrong address",
        body="Please correct it.",
        channel=CaseChannel.PORTAL,
        by=None,
        opened_at=at,
        assign=False,
    )


def _reply(case, agent, at, author_kind="agent"):
    services.add_message(
        case,
        body="Could you send us the right address?",
        by=agent if author_kind == "agent" else None,
        author_kind=author_kind,
        channel=CaseChannel.PORTAL,
        at=at,
    )


def _load(case):
    return Case.objects.select_related("sla_policy").get(pk=case.pk)


def _answered_and_waiting(agent):
    """Opened Wed 1 Apr 09:00, answered 10:00, waiting for the customer from Thu 2 Apr 16:00."""
    case = _open(_at(4, 1, 9))
    _reply(case, agent, _at(4, 1, 10))
    services.change_status(case, CaseStatus.PENDING_CUSTOMER, by=agent, at=_at(4, 2, 16))
    return _load(case)


def test_resolution_due_moves_out_by_the_business_time_paused_when_pause_spans_weekend_and_holiday(
    agent,
):
    case = _answered_and_waiting(agent)
    due_before = case.resolution_due
    first_due = case.first_response_due

    services.add_message(
        case, body="Here it is.", by=None, author_kind="customer", channel=CaseChannel.PORTAL,
        at=_at(4, 7, 10),
    )  # fmt: skip

    case = _load(case)
    # 45 business hours from Wed 1 Apr 09:00 skip the weekend and 清明节 (4-6 Apr).
    assert due_before == _at(4, 8, 18)
    # Paused Thu 16:00-18:00, Fri 09:00-18:00, Tue 7 Apr 09:00-10:00: 12 business hours.
    assert case.sla_paused_seconds == 12 * HOUR
    assert case.resolution_due == _at(4, 10, 12)
    assert business_seconds(sla._spec(case.sla_policy), due_before, case.resolution_due) == (
        12 * HOUR
    )
    assert case.first_response_due == first_due
    assert case.sla_paused_at is None
    assert case.status == CaseStatus.OPEN


def test_pause_records_its_start_and_is_audited_when_case_waits_for_the_customer(agent):
    case = _answered_and_waiting(agent)

    assert case.sla_paused_at == _at(4, 2, 16)
    assert case.sla_paused_seconds == 0
    assert AuditEntry.objects.filter(action="support.case.sla_paused").count() == 1
    assert AuditEntry.objects.filter(action="support.case.sla_resumed").count() == 0


def test_customer_reply_resumes_the_clocks_when_case_waits_for_the_customer(agent):
    case = _answered_and_waiting(agent)

    _reply(case, agent, _at(4, 3, 9, 30), author_kind="customer")

    case = _load(case)
    assert case.status == CaseStatus.OPEN
    assert case.sla_paused_at is None
    assert case.sla_paused_seconds == int(2.5 * HOUR)
    # The next-response clock starts at the reply itself: nothing of it was paused.
    assert case.next_response_due == sla.due_after(case.sla_policy, _at(4, 3, 9, 30), 16)
    resumed = AuditEntry.objects.get(action="support.case.sla_resumed")
    assert resumed.data["paused_seconds"] == int(2.5 * HOUR)


def test_no_warning_or_breach_while_paused_then_breach_once_at_the_moved_due_time(agent):
    case = _answered_and_waiting(agent)

    during = sla.check_sla(_at(4, 20, 12))  # two weeks past the original due time

    case.refresh_from_db()
    assert during == []
    assert not SlaEvent.objects.filter(case=case).exists()
    assert case.resolution_breached is False
    assert case.escalation_level == 0

    services.change_status(case, CaseStatus.OPEN, by=agent, at=_at(4, 21, 9))
    case.refresh_from_db()
    just_after = sla.check_sla(_at(4, 21, 9, 1))
    at_due = sla.check_sla(case.resolution_due)
    again = sla.check_sla(case.resolution_due + dt.timedelta(minutes=5))

    case.refresh_from_db()
    assert just_after == []
    assert [(e.target, e.kind) for e in at_due] == [(SlaTarget.RESOLUTION, SlaEventKind.BREACH)]
    assert again == []
    assert SlaEvent.objects.filter(case=case, kind=SlaEventKind.BREACH).count() == 1
    assert case.resolution_breached is True
    assert case.escalation_level == 1


def test_first_response_is_not_paused_when_case_waits_for_the_customer_unanswered(agent):
    case = _open(_at(4, 1, 9))
    services.change_status(case, CaseStatus.PENDING_CUSTOMER, by=agent, at=_at(4, 1, 10))
    case = _load(case)

    fired = sla.check_sla(_at(4, 1, 17))  # first response due 17:00 (8 business hours)

    case.refresh_from_db()
    assert case.first_response_due == _at(4, 1, 17)
    assert [(e.target, e.kind) for e in fired] == [(SlaTarget.FIRST_RESPONSE, SlaEventKind.BREACH)]
    assert case.first_response_breached is True
    assert case.resolution_breached is False
    timers = {t.target: t.state for t in sla.sla_state(_load(case), _at(4, 1, 17))}
    assert timers == {"first_response": "breached", "next_response": "none", "resolution": "paused"}


def test_waiting_on_us_does_not_pause_when_pending_internal(agent):
    case = _open(_at(4, 1, 9))
    _reply(case, agent, _at(4, 1, 10))

    services.change_status(case, CaseStatus.PENDING_INTERNAL, by=agent, at=_at(4, 2, 16))
    fired = sla.check_sla(_at(4, 8, 18))

    case.refresh_from_db()
    assert case.sla_paused_at is None
    assert case.resolution_due == _at(4, 8, 18)
    assert [(e.target, e.kind) for e in fired] == [(SlaTarget.RESOLUTION, SlaEventKind.BREACH)]
    assert not AuditEntry.objects.filter(action__startswith="support.case.sla_").exists()


def test_running_next_response_moves_out_too_when_agent_waits_without_answering(agent):
    case = _open(_at(4, 1, 9))
    _reply(case, agent, _at(4, 1, 10))
    _reply(case, agent, _at(4, 1, 11), author_kind="customer")  # next response due Thu 18:00
    case = _load(case)
    assert case.next_response_due == _at(4, 2, 18)

    services.change_status(case, CaseStatus.PENDING_CUSTOMER, by=agent, at=_at(4, 2, 16))
    during = sla.check_sla(_at(4, 3, 12))
    services.change_status(case, CaseStatus.OPEN, by=agent, at=_at(4, 7, 10))

    case = _load(case)
    assert during == []
    # 2 business hours were left at the pause (Thu 16:00): Tue 7 Apr 10:00 + 2 h.
    assert case.next_response_due == _at(4, 7, 12)
    assert case.next_response_breached is False


def test_resolving_while_paused_meets_the_target_when_original_due_time_has_passed(agent):
    case = _answered_and_waiting(agent)

    services.change_status(case, CaseStatus.RESOLVED, by=agent, at=_at(4, 9, 10))

    case = _load(case)
    assert case.resolved_at == _at(4, 9, 10)
    assert case.resolved_at > _at(4, 8, 18)  # the due time before the pause
    # Paused 2 + 9 + 9 + 9 + 1 = 30 business hours: Wed 8 Apr 18:00 moves to Tue 14 Apr 12:00.
    assert case.sla_paused_seconds == 30 * HOUR
    assert case.resolution_due == _at(4, 14, 12)
    assert case.sla_paused_at is None
    timers = {t.target: t.state for t in sla.sla_state(case, _at(4, 9, 11))}
    assert timers["resolution"] == "met"
    assert case.resolution_breached is False


def test_clocks_keep_running_when_policy_does_not_pause(agent):
    SlaPolicy.objects.filter(name="Standard").update(pause_on_pending_customer=False)
    case = _answered_and_waiting(agent)

    fired = sla.check_sla(_at(4, 8, 18))

    case.refresh_from_db()
    assert case.sla_paused_at is None
    assert [(e.target, e.kind) for e in fired] == [(SlaTarget.RESOLUTION, SlaEventKind.BREACH)]


def test_breached_target_keeps_its_due_time_when_paused_after_the_breach(agent):
    case = _open(_at(4, 1, 9))
    _reply(case, agent, _at(4, 1, 10))
    sla.check_sla(_at(4, 8, 18))
    services.change_status(case, CaseStatus.PENDING_CUSTOMER, by=agent, at=_at(4, 9, 9))
    state = {t.target: t.state for t in sla.sla_state(_load(case), _at(4, 9, 12))}

    services.change_status(case, CaseStatus.OPEN, by=agent, at=_at(4, 9, 12))

    case = _load(case)
    assert state["resolution"] == "breached"
    assert case.resolution_due == _at(4, 8, 18)
    assert case.sla_paused_seconds == 0  # nothing credited to a clock that had run out
    assert SlaEvent.objects.filter(case=case, kind=SlaEventKind.BREACH).count() == 1


def test_new_priority_counts_the_time_already_paused_when_policy_changes(agent):
    case = _answered_and_waiting(agent)
    services.change_status(case, CaseStatus.OPEN, by=agent, at=_at(4, 7, 10))

    services.update_case(case, by=agent, priority="high")

    case = _load(case)
    assert case.sla_policy.name == "High priority"
    # 32 business hours from Wed 1 Apr 09:00 plus the 12 paused.
    assert case.resolution_due == _at(4, 8, 17)


def test_merged_duplicate_stops_its_pause_when_closed(agent):
    party = PartyFactory()
    duplicate = _open(_at(4, 1, 9), party=party)
    survivor = _open(_at(4, 1, 9, 30), party=party)
    services.change_status(duplicate, CaseStatus.PENDING_CUSTOMER, by=agent)

    services.merge_cases(duplicate, survivor, by=agent)

    duplicate.refresh_from_db()
    assert duplicate.status == CaseStatus.CLOSED
    assert duplicate.sla_paused_at is None


def test_target_already_past_due_still_breaches_when_paused_before_the_scan_saw_it(agent):
    case = _open(_at(4, 1, 9))
    _reply(case, agent, _at(4, 1, 10))
    services.change_status(case, CaseStatus.PENDING_CUSTOMER, by=agent, at=_at(4, 8, 18, 1))
    state = {t.target: t.state for t in sla.sla_state(_load(case), _at(4, 9, 9))}

    fired = sla.check_sla(_at(4, 9, 9))
    again = sla.check_sla(_at(4, 9, 9, 1))
    services.change_status(case, CaseStatus.OPEN, by=agent, at=_at(4, 9, 12))

    case = _load(case)
    assert state["resolution"] == "breached"
    assert [(e.target, e.kind) for e in fired] == [(SlaTarget.RESOLUTION, SlaEventKind.BREACH)]
    assert again == []
    assert case.resolution_due == _at(4, 8, 18)
    assert case.resolution_breached is True


def test_clock_shows_running_when_looked_at_before_the_pause_began(agent):
    case = _answered_and_waiting(agent)  # paused Thu 2 Apr 16:00; resolution due Wed 8 Apr

    before = {t.target: t.state for t in sla.sla_state(_load(case), _at(4, 2, 15))}
    after = {t.target: t.state for t in sla.sla_state(_load(case), _at(4, 2, 17))}

    assert before["resolution"] == "running"
    assert after["resolution"] == "paused"
