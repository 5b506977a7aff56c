"""Service reports (read-only aggregates over the cases the actor may see).

- `breach_report`: SLA breaches by target and policy, and the latest ones.
- `recovery_rate`: complainants still buying N days after their complaint (IN7), with and
  without a completed recovery action.
- `empowerment`: per agent, the share of resolved cases never escalated (IN8).
- `first_contact_resolution`: the FCR rate, overall and per channel (IN8).
- `survey_summary`: CSAT average and share satisfied, NPS, response rate (IN8).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from reservoir.iam.models import User
from reservoir.sales.models import Order
from reservoir.sales.selectors import NON_REVENUE_STATUSES
from reservoir.support.enums import CaseType, RecoveryStatus, SlaEventKind, SurveyKind
from reservoir.support.models import Case, RecoveryAction, SlaEvent, Survey
from reservoir.support.selectors import for_user


@dataclass(frozen=True)
class Period:
    start: dt.datetime
    end: dt.datetime

    @classmethod
    def last_days(cls, days: int = 30, now: dt.datetime | None = None) -> Period:
        end = now or timezone.now()
        return cls(end - dt.timedelta(days=days), end)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _cases(actor: User, period: Period) -> QuerySet[Case]:
    return for_user(actor).filter(
        merged_into__isnull=True, opened_at__gte=period.start, opened_at__lt=period.end
    )


@dataclass(frozen=True)
class BreachReport:
    cases: int
    breached_cases: int
    breach_rate: float | None
    by_target: dict[str, int]
    by_policy: list[tuple[str, int]]
    recent: list[SlaEvent] = field(default_factory=list)


def breach_report(*, actor: User, period: Period, recent: int = 20) -> BreachReport:
    """Breaches of cases opened in `period` (3 queries + the recent list)."""
    cases = _cases(actor, period)
    flags = (
        Q(first_response_breached=True)
        | Q(next_response_breached=True)
        | Q(resolution_breached=True)
    )
    agg = cases.aggregate(n=Count("pk"), breached=Count("pk", filter=flags))
    events = SlaEvent.objects.filter(kind=SlaEventKind.BREACH, case__in=cases)
    by_target = {
        r["target"]: r["n"] for r in events.values("target").annotate(n=Count("pk")).order_by()
    }
    by_policy = [
        (r["policy_name"], r["n"])
        for r in events.values("policy_name").annotate(n=Count("pk")).order_by("-n", "policy_name")
    ]
    latest = list(events.select_related("case", "case__party").order_by("-occurred_at")[:recent])
    return BreachReport(
        cases=agg["n"],
        breached_cases=agg["breached"],
        breach_rate=_rate(agg["breached"], agg["n"]),
        by_target=by_target,
        by_policy=by_policy,
        recent=latest,
    )


@dataclass(frozen=True)
class RecoveryRate:
    days: int
    complainants: int
    still_buying: int
    rate: float | None
    recovered_complainants: int
    recovered_still_buying: int
    recovered_rate: float | None


def recovery_rate(
    *, actor: User, period: Period, days: int = 90, now: dt.datetime | None = None
) -> RecoveryRate:
    """Complainants (complaints opened in `period`, at least `days` ago) who ordered again at
    least `days` after their complaint, split by whether a recovery action was completed."""
    now = now or timezone.now()
    mature_before = min(period.end, now - dt.timedelta(days=days))
    complaints = _cases(actor, Period(period.start, mature_before)).filter(type=CaseType.COMPLAINT)
    later_order = Order.objects.filter(
        party_id=OuterRef("party_id"),
        ordered_at__gt=OuterRef("opened_at"),
    ).exclude(status__in=NON_REVENUE_STATUSES)
    recovered = RecoveryAction.objects.filter(case_id=OuterRef("pk"), status=RecoveryStatus.DONE)
    rows = complaints.annotate(bought=Exists(later_order), recovered=Exists(recovered)).values(
        "party_id", "opened_at", "bought", "recovered"
    )
    # One row per complainant: the first complaint of the period decides.
    first: dict[int, dict[str, object]] = {}
    for row in rows.order_by("opened_at"):
        first.setdefault(row["party_id"], dict(row))
    still = _still_buying(first, days)
    rec = [pid for pid, r in first.items() if r["recovered"]]
    rec_still = [pid for pid in rec if pid in still]
    return RecoveryRate(
        days=days,
        complainants=len(first),
        still_buying=len(still),
        rate=_rate(len(still), len(first)),
        recovered_complainants=len(rec),
        recovered_still_buying=len(rec_still),
        recovered_rate=_rate(len(rec_still), len(rec)),
    )


def _still_buying(first: dict[int, dict[str, object]], days: int) -> set[int]:
    """Complainants with an order placed `days` or more after their complaint (one query)."""
    candidates = [pid for pid, r in first.items() if r["bought"]]
    if not candidates:
        return set()
    orders = (
        Order.objects.filter(party_id__in=candidates)
        .exclude(status__in=NON_REVENUE_STATUSES)
        .values_list("party_id", "ordered_at")
    )
    still: set[int] = set()
    for pid, ordered_at in orders:
        opened = first[pid]["opened_at"]
        if isinstance(opened, dt.datetime) and ordered_at >= opened + dt.timedelta(days=days):
            still.add(pid)
    return still


@dataclass(frozen=True)
class AgentRow:
    user_id: int
    name: str
    resolved: int
    without_escalation: int
    share: float | None
    first_contact: int


def empowerment(*, actor: User, period: Period) -> list[AgentRow]:
    """Per assignee: cases resolved in `period`, and how many without any escalation (1 query)."""
    rows = (
        for_user(actor)
        .filter(
            assignee__isnull=False,
            resolved_at__gte=period.start,
            resolved_at__lt=period.end,
            merged_into__isnull=True,
        )
        .values("assignee_id", "assignee__first_name", "assignee__last_name", "assignee__username")
        .annotate(
            resolved=Count("pk"),
            unescalated=Count("pk", filter=Q(escalation_level=0)),
            fcr=Count("pk", filter=Q(first_contact_resolution=True)),
        )
        .order_by("-resolved", "assignee_id")
    )
    out = []
    for r in rows:
        name = User(
            first_name=r["assignee__first_name"], last_name=r["assignee__last_name"]
        ).get_full_name()
        out.append(
            AgentRow(
                user_id=r["assignee_id"],
                name=name or r["assignee__username"],
                resolved=r["resolved"],
                without_escalation=r["unescalated"],
                share=_rate(r["unescalated"], r["resolved"]),
                first_contact=r["fcr"],
            )
        )
    return out


@dataclass(frozen=True)
class FcrReport:
    resolved: int
    first_contact: int
    rate: float | None
    by_channel: list[tuple[str, int, int, float | None]]  # channel, resolved, fcr, rate


def first_contact_resolution(*, actor: User, period: Period) -> FcrReport:
    """First-contact resolution of cases resolved in `period`, overall and per channel."""
    rows = list(
        for_user(actor)
        .filter(resolved_at__gte=period.start, resolved_at__lt=period.end, merged_into__isnull=True)
        .values("channel")
        .annotate(n=Count("pk"), fcr=Count("pk", filter=Q(first_contact_resolution=True)))
        .order_by("channel")
    )
    total = sum(r["n"] for r in rows)
    fcr = sum(r["fcr"] for r in rows)
    return FcrReport(
        resolved=total,
        first_contact=fcr,
        rate=_rate(fcr, total),
        by_channel=[(r["channel"], r["n"], r["fcr"], _rate(r["fcr"], r["n"])) for r in rows],
    )


@dataclass(frozen=True)
class SurveySummary:
    sent: int
    answered: int
    response_rate: float | None
    csat_average: float | None
    csat_satisfied_share: float | None  # 4 or 5 out of 5
    nps: float | None  # % promoters (9-10) minus % detractors (0-6)
    nps_answers: int


def survey_summary(*, period: Period, party_id: int | None = None) -> SurveySummary:
    """Survey results of surveys sent in `period` (one aggregate query)."""
    qs = Survey.objects.filter(sent_at__gte=period.start, sent_at__lt=period.end)
    if party_id:
        qs = qs.filter(party_id=party_id)
    answered = Q(answered_at__isnull=False)
    csat = answered & Q(kind=SurveyKind.CSAT)
    nps = answered & Q(kind=SurveyKind.NPS)
    agg = qs.aggregate(
        sent=Count("pk"),
        answered=Count("pk", filter=answered),
        csat_n=Count("pk", filter=csat),
        csat_avg=Avg("score", filter=csat),
        csat_ok=Count("pk", filter=csat & Q(score__gte=4)),
        nps_n=Count("pk", filter=nps),
        promoters=Count("pk", filter=nps & Q(score__gte=9)),
        detractors=Count("pk", filter=nps & Q(score__lte=6)),
    )
    nps_n = agg["nps_n"]
    return SurveySummary(
        sent=agg["sent"],
        answered=agg["answered"],
        response_rate=_rate(agg["answered"], agg["sent"]),
        csat_average=round(float(agg["csat_avg"]), 2) if agg["csat_avg"] is not None else None,
        csat_satisfied_share=_rate(agg["csat_ok"], agg["csat_n"]),
        nps=round(100 * (agg["promoters"] - agg["detractors"]) / nps_n, 1) if nps_n else None,
        nps_answers=nps_n,
    )
