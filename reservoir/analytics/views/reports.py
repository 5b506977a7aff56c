"""The reports home (cards, warehouse freshness, refresh) and the fixed report pages.

Reads only: every figure comes from the warehouse query API with the signed-in user as the
actor, so each report covers the customers that user may see. The one write is "Refresh
now", which queues a warehouse refresh (analytics.services.request_refresh).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reservoir.analytics import services
from reservoir.analytics.exports import Column, Row, Table
from reservoir.analytics.forms import COMPARES
from reservoir.analytics.models import RunStatus, WarehouseRun
from reservoir.analytics.views import charts
from reservoir.analytics.views.catalog import BY_SLUG, REPORTS, FixedReport
from reservoir.analytics.views.common import can_explore, require_explorer, require_reports
from reservoir.analytics.views.downloads import download
from reservoir.analytics.views.running import (
    Shown,
    chips,
    display_rows,
    display_totals,
    hidden_fields,
    member_url,
    period_presets,
    run,
    up_url,
)

ACTIVE = (RunStatus.QUEUED, RunStatus.RUNNING)
PARETO_BARS = 50
PARETO_ROWS = 100


def _runs() -> tuple[WarehouseRun | None, WarehouseRun | None]:
    """(the last finished refresh, the refresh in progress) — either may be None."""
    done = services.last_done_run()
    active = WarehouseRun.objects.filter(status__in=ACTIVE).order_by("-created_at", "-pk").first()
    return done, active


def _refresh_context(request: HttpRequest) -> dict[str, object]:
    done, active = _runs()
    failed = services.latest_run()
    return {
        "last_done": done,
        "active": active,
        "last_failed": failed if failed and failed.status == RunStatus.FAILED else None,
        "can_refresh": can_explore(request.user),  # type: ignore[arg-type]
    }


@login_required
def report_home(request: HttpRequest) -> HttpResponse:
    """Cards linking each report, and the warehouse's last refresh with "Refresh now"."""
    user = require_reports(request)
    context = {
        "reports": REPORTS,
        "can_explore": can_explore(user),
        **_refresh_context(request),
    }
    return render(request, "analytics/report_home.html", context)


@login_required
@require_POST
def refresh(request: HttpRequest) -> HttpResponse:
    """Queue a refresh (full when asked); the card then polls its progress every second."""
    user = require_explorer(request)
    _done, active = _runs()
    if active is None:
        services.request_refresh(by=user, full=request.POST.get("full") == "1")
    if request.headers.get("HX-Request"):
        return render(request, "analytics/report_home.html#refresh", _refresh_context(request))
    return redirect("analytics:home")


@login_required
def refresh_status(request: HttpRequest) -> HttpResponse:
    """The refresh card alone (polled by htmx while a refresh runs)."""
    require_reports(request)
    return render(request, "analytics/report_home.html#refresh", _refresh_context(request))


def _spec(slug: str) -> FixedReport:
    spec = BY_SLUG.get(slug)
    if spec is None:
        raise Http404(_("No such report."))
    return spec


def _ranked(table: Table, measure: str) -> Table:
    """Rows sorted by `measure`, largest first (the Pareto order), with the cumulative share
    of the total each rank reaches (as a fraction; shown as %)."""
    i = table.column_index(measure)
    rows = sorted(table.rows, key=lambda r: r.cells[i] or 0, reverse=True)
    total = sum(float(r.cells[i] or 0) for r in rows) or 1.0
    running, ranked = 0.0, []
    for row in rows:
        running += float(row.cells[i] or 0)
        ranked.append(Row([*row.cells, round(running / total, 4)], row.member))
    columns = [*table.columns, Column("cumulative_share", _("Cumulative share"), "share")]
    totals = [*table.totals, 1.0] if table.totals else None
    return Table(table.title, columns, ranked, totals, table.notes)


def _top(table: Table, n: int) -> Table:
    """The first `n` rows, with a note saying how many were left to the export."""
    if len(table.rows) <= n:
        return table
    note = _("The %(n)s largest of %(total)s are shown; the export has them all.") % {
        "n": n,
        "total": len(table.rows),
    }
    return Table(table.title, table.columns, table.rows[:n], table.totals, [*table.notes, note])


def _shown(request: HttpRequest, spec: FixedReport) -> Shown:
    user = require_reports(request)
    shown = run(request, spec.defaults, str(spec.title), actor=user)
    if shown.table is not None and spec.chart == "pareto":
        shown.table = _ranked(shown.table, shown.state.query.measures[0])
    return shown


def _chart(spec: FixedReport, shown: Shown) -> dict[str, object] | None:
    table, state = shown.table, shown.state
    if table is None or not table.rows:
        return None
    measures = state.query.measures
    if spec.chart == "pareto":
        top = Table(table.title, table.columns, table.rows[:PARETO_BARS], table.totals)
        total = shown.result.totals.get(measures[0]) if shown.result else None
        return charts.pareto_chart(top, measures[0], total)
    if spec.chart == "stacked":
        return charts.stacked_chart(table, measures[:2])
    link = (lambda m: member_url(state, m)) if spec.drillable else None
    return charts.series_chart(
        table,
        measures,
        "line" if spec.chart == "line" else "bar",
        member_url=link,
        compare=bool(state.query.compare),
    )


@login_required
def report(request: HttpRequest, slug: str) -> HttpResponse:
    """A fixed report: period and comparison pickers, a chart, the table and its exports."""
    spec = _spec(slug)
    if spec.kind == "cohorts":
        from reservoir.analytics.views.cohorts import cohort_report

        return cohort_report(request, spec)
    shown = _shown(request, spec)
    state = shown.state
    chart = _chart(spec, shown)
    if shown.table is not None and spec.chart == "pareto":
        shown.table = _top(shown.table, PARETO_ROWS)
    rows, totals = [], []
    if shown.table is not None:
        links = [
            member_url(state, r.member) if spec.drillable and r.member else ""
            for r in shown.table.rows
        ]
        rows, totals = display_rows(shown.table, links), display_totals(shown.table)
    context = {
        "spec": spec,
        "shown": shown,
        "state": state,
        "rows": rows,
        "totals": totals,
        "chart": chart,
        "chips": chips(state, actor=shown.actor) if spec.drillable else [],
        "up_url": up_url(state) if spec.drillable else "",
        "presets": period_presets(state, timezone.localdate()),
        "hidden": hidden_fields(state, skip=("start", "end", "compare")),
        "compares": COMPARES if spec.chart != "pareto" else (),
        "query": request.GET.urlencode(),
        "explore_url": _explore_url(spec, shown) if can_explore(request.user) else "",  # type: ignore[arg-type]
        "self_url": reverse("analytics:report", args=[spec.slug]),
    }
    return render(request, "analytics/report_page.html", context, status=shown.status)


def _explore_url(spec: FixedReport, shown: Shown) -> str:
    """The same question in the explorer; the monthly report opens it by year, ready to drill."""
    from dataclasses import replace

    from reservoir.analytics.warehouse.query import Level

    state = shown.state
    if spec.slug == "monthly-revenue" and not state.query.slices:
        state = state.with_query(replace(state.query, rows=(Level("date", "year"),)))
    return f"{reverse('analytics:explorer')}?{state.url()}"


@login_required
def report_export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The report's table as CSV or XLSX, for the same query string as the page."""
    spec = _spec(slug)
    if spec.kind == "cohorts":
        from reservoir.analytics.views.cohorts import cohort_export

        return cohort_export(request, spec, fmt)
    shown = _shown(request, spec)
    return download(shown, fmt)
