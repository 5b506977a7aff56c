"""Service reports: SLA breaches, recovery rate, first-contact resolution, empowerment and
CSAT/NPS — each a chart (ECharts via static/js/charts.js) and a table, over a period.

The CSAT distribution and the per-agent scores are read here (reports.survey_summary gives
the headline figures only), through the cases the actor may see.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Avg, Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from reservoir.iam.models import User
from reservoir.support import reports, selectors
from reservoir.support.enums import CaseChannel, SlaTarget, SurveyKind
from reservoir.support.models import Survey
from reservoir.support.views.common import PERIODS, actor, desk_required, period_days

RECOVERY_DAYS = (30, 60, 90, 180)


def csat_distribution(*, actor: User, period: reports.Period) -> list[int]:
    """Answers per CSAT score 1..5 of surveys on visible cases sent in `period` (1 query)."""
    rows = (
        _surveys(actor, period)
        .filter(kind=SurveyKind.CSAT)
        .values("score")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {r["score"]: r["n"] for r in rows}
    return [counts.get(score, 0) for score in range(1, 6)]


def scores_by_agent(*, actor: User, period: reports.Period) -> list[dict[str, Any]]:
    """CSAT average and answers per case assignee (1 query)."""
    rows = (
        _surveys(actor, period)
        .filter(kind=SurveyKind.CSAT, case__assignee__isnull=False)
        .values(
            "case__assignee_id",
            "case__assignee__username",
            "case__assignee__first_name",
            "case__assignee__last_name",
        )
        .annotate(n=Count("pk"), avg=Avg("score"), happy=Count("pk", filter=Q(score__gte=4)))
        .order_by("-n", "case__assignee_id")
    )
    out = []
    for r in rows:
        name = f"{r['case__assignee__last_name']}{r['case__assignee__first_name']}".strip()
        out.append(
            {
                "name": name or r["case__assignee__username"],
                "answers": r["n"],
                "average": round(float(r["avg"]), 2) if r["avg"] is not None else None,
                "satisfied": r["happy"] / r["n"] if r["n"] else None,
            }
        )
    return out


def _surveys(actor: User, period: reports.Period) -> Any:
    return Survey.objects.filter(
        case__in=selectors.for_user(actor),
        answered_at__isnull=False,
        sent_at__gte=period.start,
        sent_at__lt=period.end,
    )


def _rate_pct(value: float | None) -> float | None:
    return None if value is None else round(value * 100, 1)


def _good_share(name: str, categories: list[str], rates: list[float | None]) -> dict[str, Any]:
    """A column chart of shares where more is better (green high, red low).

    Columns, not charts.js's "hbar": its bar colours read high values as bad.
    """
    values = [_rate_pct(r) for r in rates]
    tones = [
        "success" if (v or 0) >= 80 else "warning" if (v or 0) >= 50 else "danger" for v in values
    ]
    return {
        "type": "column",
        "name": name,
        "unit": "%",
        "categories": categories,
        "values": values,
        "tones": tones,
    }


@desk_required
def report_page(request: HttpRequest) -> HttpResponse:
    """All five service reports for the chosen period (and recovery horizon N days)."""
    user = actor(request)
    days = period_days(request, 90)
    try:
        horizon = int(request.GET.get("n", 90))
    except ValueError:
        horizon = 90
    if horizon not in RECOVERY_DAYS:
        horizon = 90
    now = timezone.now()
    period = reports.Period.last_days(days, now=now)
    breach = reports.breach_report(actor=user, period=period)
    # Complaints must be at least N days old to count: look back N days further.
    recovery = reports.recovery_rate(
        actor=user, period=reports.Period.last_days(days + horizon, now=now), days=horizon, now=now
    )
    fcr = reports.first_contact_resolution(actor=user, period=period)
    agents = reports.empowerment(actor=user, period=period)
    surveys = reports.survey_summary(period=period)
    distribution = csat_distribution(actor=user, period=period)
    by_agent = scores_by_agent(actor=user, period=period)
    labels = dict(SlaTarget.choices)
    channels = dict(CaseChannel.choices)
    charts = {
        "breach_targets": {
            "type": "column",
            "name": _("Breaches"),
            "categories": [str(labels[t]) for t in SlaTarget.values],
            "values": [breach.by_target.get(t, 0) for t in SlaTarget.values],
            "tones": ["danger", "warning", "danger"],
        },
        "breach_policies": {
            "type": "hbar",
            "name": _("Breaches"),
            "categories": [name or _("No policy") for name, _n in breach.by_policy],
            "values": [n for _name, n in breach.by_policy],
        },
        "recovery": {
            "type": "column",
            "name": _("Still buying"),
            "unit": "%",
            "categories": [_("All complainants"), _("After a completed recovery")],
            "values": [_rate_pct(recovery.rate), _rate_pct(recovery.recovered_rate)],
            "tones": ["brand", "success"],
        },
        "fcr": _good_share(
            _("First-contact resolution"),
            [str(channels.get(ch, ch)) for ch, _n, _f, _r in fcr.by_channel],
            [r for _ch, _n, _f, r in fcr.by_channel],
        ),
        "empowerment": _good_share(
            _("Resolved without escalation"), [a.name for a in agents], [a.share for a in agents]
        ),
        "csat": {
            "type": "column",
            "name": _("Answers"),
            "categories": ["1", "2", "3", "4", "5"],
            "values": distribution,
            "tones": ["danger", "warning", "warning", "success", "success"],
        },
    }
    context = {
        "days": days,
        "periods": PERIODS,
        "horizon": horizon,
        "horizons": RECOVERY_DAYS,
        "breach": breach,
        "recovery": recovery,
        "fcr": fcr,
        "agents": agents,
        "surveys": surveys,
        "distribution": list(zip(range(1, 6), distribution, strict=True)),
        "by_agent": by_agent,
        "charts": charts,
        "channels": channels,
        "target_labels": labels,
    }
    return render(request, "support/reports.html", context)
