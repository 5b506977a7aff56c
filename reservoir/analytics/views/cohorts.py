"""The cohort retention report: customers grouped by the month of their first order, and
the share of each cohort that bought again one, two, … twelve months later."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from reservoir.analytics.exports import Column, Row, Table
from reservoir.analytics.forms import ExplorerForm
from reservoir.analytics.views.catalog import FixedReport
from reservoir.analytics.views.common import require_reports
from reservoir.analytics.views.downloads import file_response
from reservoir.analytics.views.running import hidden_fields, period_presets
from reservoir.analytics.warehouse.query import cohort_retention
from reservoir.core.errors import DomainError
from reservoir.iam.models import User

HORIZON = 12


def _table(title: str, cohorts: list[dict[str, Any]]) -> Table:
    """One row per cohort: its month, its size, then the share retained at +1 … +12."""
    horizon = max((len(c["retention"]) for c in cohorts), default=HORIZON)
    columns = [
        Column("cohort", _("First order in"), header=True),
        Column("size", _("Customers"), "int"),
    ]
    columns += [
        Column(f"m{k}", _("+%(n)s mo") % {"n": k}, "percent") for k in range(1, horizon + 1)
    ]
    rows = [
        Row([c["cohort"], c["size"], *c["retention"], *[None] * (horizon - len(c["retention"]))])
        for c in cohorts
    ]
    return Table(title=title, columns=columns, rows=rows)


def _cohorts(
    request: HttpRequest, spec: FixedReport, user: User
) -> tuple[ExplorerForm, Table | None, list[str]]:
    form = ExplorerForm(request.GET, defaults=spec.defaults)
    if not form.is_valid():
        return form, None, form.messages()
    query = form.state().query
    try:
        cohorts = cohort_retention(actor=user, start=query.start, end=query.end)
    except DomainError as exc:
        return form, None, [exc.message]
    return form, _table(str(spec.title), cohorts), []


def _cell(value: Any, fmt: str) -> tuple[str, bool, str, bool]:
    if value is None:
        return ("—", fmt != "text", "", False)
    if fmt == "percent":
        bucket = min(5, int(value * 10))  # 0 … 5: ≥ 50% is the darkest
        return (f"{round(value * 100)}%", True, f"an-heat an-heat-{bucket}", False)
    return (str(value), fmt != "text", "", fmt == "text")


def cohort_report(request: HttpRequest, spec: FixedReport) -> HttpResponse:
    """The cohort table as a heat map and a table; the period picks the cohorts shown."""
    user = require_reports(request)
    form, table, errors = _cohorts(request, spec, user)
    state = form.state()
    rows = []
    if table is not None:
        rows = [
            {
                "cells": [_cell(v, c.format) for v, c in zip(r.cells, table.columns, strict=True)],
                "link": "",
                "member": None,
            }
            for r in table.rows
        ]
    shown = {"table": table, "errors": errors, "result": None}
    context = {
        "spec": spec,
        "shown": shown,
        "state": state,
        "rows": rows,
        "totals": [],
        "chart": None,  # the table is the heat map: each share shaded by its size
        "chips": [],
        "up_url": "",
        "presets": period_presets(state, timezone.localdate()),
        "hidden": hidden_fields(state, skip=("start", "end", "compare", "m", "rows", "chart")),
        "compares": (),
        "query": request.GET.urlencode(),
        "explore_url": "",
        "self_url": reverse("analytics:report", args=[spec.slug]),
        "heat_table": True,
    }
    return render(request, "analytics/report_page.html", context, status=400 if errors else 200)


def cohort_export(request: HttpRequest, spec: FixedReport, fmt: str) -> HttpResponse:
    user = require_reports(request)
    _form, table, errors = _cohorts(request, spec, user)
    if table is None:
        return HttpResponse("\n".join(errors), status=400, content_type="text/plain; charset=utf-8")
    return file_response(table, fmt)
