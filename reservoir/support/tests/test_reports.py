"""Reports: breaches, recovery rate, empowerment, first-contact resolution, surveys."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from reservoir.parties.tests.factories import PartyFactory
from reservoir.sales.tests.factories import OrderFactory
from reservoir.support import reports, services, sla
from reservoir.support.enums import CaseType
from reservoir.support.models import Case

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
OPENED = dt.datetime(2026, 3, 13, 17, 0, tzinfo=SH)
PERIOD = reports.Period(dt.datetime(2026, 3, 1, tzinfo=SH), dt.datetime(2026, 4, 1, tzinfo=SH))


def _open(party=None, **kw):
    return services.open_case(
        party=party or PartyFactory(), subject="S", body="B", channel="phone", by=None,
        opened_at=OPENED, **kw,
    )  # fmt: skip


def test_breach_report_counts_breached_cases_by_target_and_policy(admin_user):
    _open(type=CaseType.COMPLAINT)
    _open()
    sla.check_sla(dt.datetime(2026, 3, 16, 12, 0, tzinfo=SH))

    report = reports.breach_report(actor=admin_user, period=PERIOD)

    assert (report.cases, report.breached_cases, report.breach_rate) == (2, 1, 0.5)
    assert report.by_target == {"first_response": 1}
    assert report.by_policy == [("Complaint fast track", 1)]
    assert len(report.recent) == 1


def test_recovery_rate_counts_complainants_still_buying(admin_user):
    kept, lost = PartyFactory(), PartyFactory()
    recovered = _open(kept, type=CaseType.COMPLAINT)
    _open(lost, type=CaseType.COMPLAINT)
    (action,) = services.start_recovery(recovered, by=admin_user, kinds=["apology"])
    services.complete_recovery_action(action, by=admin_user)
    OrderFactory(party=kept, ordered_at=OPENED + dt.timedelta(days=40))
    OrderFactory(party=lost, ordered_at=OPENED + dt.timedelta(days=3))

    rate = reports.recovery_rate(
        actor=admin_user, period=PERIOD, days=30, now=dt.datetime(2026, 6, 1, tzinfo=SH)
    )

    assert (rate.complainants, rate.still_buying, rate.rate) == (2, 1, 0.5)
    assert (rate.recovered_complainants, rate.recovered_still_buying) == (1, 1)


def test_empowerment_and_fcr_count_resolved_cases(admin_user):
    clean = _open()
    escalated = _open()
    for case in (clean, escalated):
        services.assign_case(case, by=admin_user, user=admin_user)
    Case.objects.filter(pk=escalated.pk).update(escalation_level=1)
    at = dt.datetime(2026, 3, 20, 10, 0, tzinfo=SH)
    services.change_status(clean, "resolved", by=admin_user, at=at)
    services.change_status(escalated, "resolved", by=admin_user, at=at)

    (row,) = reports.empowerment(actor=admin_user, period=PERIOD)
    fcr = reports.first_contact_resolution(actor=admin_user, period=PERIOD)

    assert (row.user_id, row.resolved, row.without_escalation, row.share) == (
        admin_user.pk, 2, 1, 0.5,
    )  # fmt: skip
    assert (fcr.resolved, fcr.first_contact, fcr.rate) == (2, 1, 0.5)
    assert fcr.by_channel == [("phone", 2, 1, 0.5)]


def test_survey_summary_computes_csat_and_nps():
    case = _open()
    at = dt.datetime(2026, 3, 20, tzinfo=SH)
    csat = services.send_survey(case, "csat", at=at)
    services.answer_survey(csat.token, 5)
    for score in (10, 9, 3):
        survey = services.send_survey(
            None, "nps", party=PartyFactory(), chat_ref=f"c:{score}", at=at
        )
        services.answer_survey(survey.token, score)
    services.send_survey(None, "nps", party=PartyFactory(), chat_ref="unanswered", at=at)

    summary = reports.survey_summary(period=PERIOD)

    assert (summary.sent, summary.answered, summary.response_rate) == (5, 4, 0.8)
    assert (summary.csat_average, summary.csat_satisfied_share) == (5.0, 1.0)
    assert (summary.nps, summary.nps_answers) == (33.3, 3)
