"""The OLAP explorer: measures, rows, an optional pivot, slices, comparison, drill up/down.

The whole state lives in the query string (see analytics.forms), so a link, the back button
and an export reproduce what is shown. Controls and results are one htmx-swapped block.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from reservoir.analytics.forms import (
    CHARTS,
    COMPARES,
    ReportState,
    dimension_label,
    level_choices,
    level_label,
    levels_of,
)
from reservoir.analytics.views import charts
from reservoir.analytics.views.common import require_explorer
from reservoir.analytics.views.downloads import download
from reservoir.analytics.views.running import (
    Shown,
    chips,
    display_rows,
    display_totals,
    member_url,
    period_presets,
    run,
    up_url,
)
from reservoir.analytics.warehouse.query import DIMENSIONS, MEASURES, Level, OlapQuery

DEFAULTS = ReportState(
    OlapQuery(measures=("revenue", "orders"), rows=(Level("date", "year"),)), chart="bar"
)


def _shown(request: HttpRequest) -> Shown:
    user = require_explorer(request)
    return run(request, DEFAULTS, str(_("Explorer")), actor=user)


def _chart(shown: Shown) -> dict[str, object] | None:
    table, state = shown.table, shown.state
    if table is None or not table.rows:
        return None
    query = state.query

    def link(member: object) -> str:
        return member_url(state, member)  # type: ignore[arg-type]

    if query.columns:
        return charts.pivot_chart(table, query.measures[0], state.chart, link)
    kind = "bar" if state.chart == "heatmap" else state.chart
    return charts.series_chart(
        table, query.measures, kind, member_url=link, compare=bool(query.compare)
    )


def _drill_choices(state: ReportState) -> list[tuple[str, str]]:
    """What a click on a row drills into: the next level, or another dimension."""
    query = state.query
    rows = query.rows[0] if query.rows else None
    out: list[tuple[str, str]] = []
    if rows is not None:
        levels = levels_of(rows.dimension)
        i = levels.index(rows.level)
        if i + 1 < len(levels):
            nxt = level_label(rows.dimension, levels[i + 1])
            out.append(("", _("Next level (%(level)s)") % {"level": nxt}))
        else:
            out.append(("", _("Nothing (bottom level)")))
    used = {rows.dimension} if rows else set()
    out += [(dim, dimension_label(dim)) for dim in DIMENSIONS if dim not in used]
    return out


@login_required
def explorer(request: HttpRequest) -> HttpResponse:
    """Render the explorer for the request's query string (400 with the reasons when bad)."""
    shown = _shown(request)
    state = shown.state
    query = state.query
    rows, totals = [], []
    if shown.table is not None:
        links = [member_url(state, r.member) if r.member else "" for r in shown.table.rows]
        rows, totals = display_rows(shown.table, links), display_totals(shown.table)
    base = reverse("analytics:explorer")
    context = {
        "shown": shown,
        "state": state,
        "rows": rows,
        "totals": totals,
        "chart": _chart(shown),
        "chips": chips(state, actor=shown.actor),
        "up_url": up_url(state),
        "measures": [(k, str(m.label), k in query.measures) for k, m in MEASURES.items()],
        "levels": level_choices(),
        "rows_value": f"{query.rows[0].dimension}.{query.rows[0].level}" if query.rows else "",
        "cols_value": (
            f"{query.columns[0].dimension}.{query.columns[0].level}" if query.columns else ""
        ),
        "compares": COMPARES,
        "charts": CHARTS,
        "drills": _drill_choices(state),
        "presets": period_presets(state, timezone.localdate()),
        "query": request.GET.urlencode() or state.url(),
        "base": base,
        "reset_url": base,
    }
    return render(request, "analytics/explorer.html", context, status=shown.status)


@login_required
def explorer_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """Exactly the explorer's table for this query string, as CSV or XLSX."""
    return download(_shown(request), fmt)
