"""The fixed reports: what each one asks the warehouse and how it draws it.

Most fixed reports are presets of the OLAP query (their URL takes the same parameters as the
explorer: period, comparison, drill slices); the cohort table and the new-versus-returning
split have their own warehouse functions.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from reservoir.analytics.forms import ReportState
from reservoir.analytics.warehouse.query import MAX_LIMIT, Level, OlapQuery


@dataclass(frozen=True)
class FixedReport:
    slug: str
    title: Promise
    description: Promise
    icon: str
    chart: str  # "line" | "bar" | "stacked" | "heatmap" | "pareto"
    defaults: ReportState
    drillable: bool = False  # a click on a row (or bar) drills down the hierarchy
    kind: str = "olap"  # "olap" | "cohorts"
    pickers: bool = True  # period and comparison pickers

    @property
    def url_name(self) -> str:
        return "analytics:report"


def _state(measures: tuple[str, ...], dim: str, level: str, *, limit: int = 500) -> ReportState:
    query = OlapQuery(measures=measures, rows=(Level(dim, level),), limit=limit)
    return ReportState(query, chart="bar")


REPORTS: tuple[FixedReport, ...] = (
    FixedReport(
        "monthly-revenue",
        _("Monthly revenue"),
        _("Revenue per month, with the average revenue per customer who bought that month."),
        "chart",
        "line",
        _state(("revenue", "arpu", "customers", "orders"), "date", "month"),
    ),
    FixedReport(
        "products",
        _("Revenue by product"),
        _("Revenue per category; click a category to see its products."),
        "tag",
        "bar",
        _state(("revenue", "quantity", "orders"), "product", "category"),
        drillable=True,
    ),
    FixedReport(
        "channels",
        _("Revenue by channel"),
        _("Where orders come from: shop, web, phone, partners."),
        "globe",
        "bar",
        _state(("revenue", "orders", "customers"), "channel", "channel"),
    ),
    FixedReport(
        "regions",
        _("Revenue by region"),
        _("Revenue per province; click through to cities and customers."),
        "building",
        "bar",
        _state(("revenue", "customers", "arpu"), "region", "province"),
        drillable=True,
    ),
    FixedReport(
        "new-vs-returning",
        _("New versus returning customers"),
        _("Per month, customers buying for the first time and those coming back."),
        "users",
        "stacked",
        _state(("new_customers", "returning_customers", "customers"), "date", "month"),
    ),
    FixedReport(
        "cohorts",
        _("Cohort retention"),
        _("Customers grouped by the month of their first order: who bought again, and when."),
        "clock",
        "heatmap",
        _state(("customers",), "date", "month"),
        kind="cohorts",
    ),
    FixedReport(
        "pareto",
        _("Revenue concentration (Pareto)"),
        _("Customers ranked by revenue, with the cumulative share they bring."),
        "star",
        "pareto",
        # every customer: the engine orders by name, so a cut-off would rank a sample
        _state(("revenue", "orders"), "region", "customer", limit=MAX_LIMIT),
    ),
)
BY_SLUG: dict[str, FixedReport] = {r.slug: r for r in REPORTS}
