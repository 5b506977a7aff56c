"""Report tables as chart specifications for static/analytics/reports.js.

The specs carry data, labels, formats and links only; the script owns the look (taken from
the design system's CSS variables, like static/js/charts.js). Two shapes:

    {"type": "series", "categories": [...], "series": [{name, values, kind, axis, stack}],
     "axes": [{format, max?}, ...], "links": [...]}
    {"type": "heatmap", "x": [...], "y": [...], "data": [[x, y, value], ...], "format"}
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from reservoir.analytics.exports import Table
from reservoir.analytics.warehouse.query import MEASURES, Slice

MAX_POINTS = 400
MemberUrl = Callable[[Slice], str]


def _num(value: Any) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return round(float(value), 2)
    if isinstance(value, int | float):
        return round(float(value), 4)
    return None


def _categories(table: Table) -> list[str]:
    headers = [i for i, c in enumerate(table.columns) if c.header]
    return [" · ".join(str(r.cells[i]) for i in headers) for r in table.rows[:MAX_POINTS]]


def _links(table: Table, member_url: MemberUrl | None) -> list[str]:
    if member_url is None:
        return []
    return [member_url(r.member) if r.member else "" for r in table.rows[:MAX_POINTS]]


def _measure_series(
    table: Table, key: str, kind: str, *, axis: int = 0, stack: str = ""
) -> dict[str, Any]:
    column = table.columns[table.column_index(key)]
    return {
        "name": column.label,
        "values": [_num(v) for v in table.values(key)[:MAX_POINTS]],
        "kind": kind,
        "axis": axis,
        "stack": stack,
    }


def _format(key: str) -> str:
    measure = MEASURES.get(key.split("__", maxsplit=1)[0])
    return measure.format if measure else "float"


def _keys(table: Table) -> set[str]:
    return {c.key for c in table.columns}


def series_chart(
    table: Table,
    measures: tuple[str, ...],
    kind: str,
    *,
    member_url: MemberUrl | None = None,
    compare: bool = False,
) -> dict[str, Any]:
    """One series for the first measure (plus its comparison); else the second measure as a
    line on a right-hand axis of its own (revenue and revenue per customer differ in scale)."""
    keys = _keys(table)
    first = measures[0]
    series = [_measure_series(table, first, kind)]
    axes = [{"format": _format(first)}]
    if compare and f"{first}__compare" in keys:
        previous = _measure_series(table, f"{first}__compare", kind)
        previous["muted"] = True
        series.append(previous)
    elif len(measures) > 1 and measures[1] in keys:
        second = measures[1]
        series.append(_measure_series(table, second, "line", axis=1))
        axes.append({"format": _format(second)})
    return {
        "type": "series",
        "categories": _categories(table),
        "series": series,
        "axes": axes,
        "links": _links(table, member_url),
    }


def stacked_chart(table: Table, measures: tuple[str, ...]) -> dict[str, Any]:
    series = [_measure_series(table, m, "bar", stack="total") for m in measures]
    return {
        "type": "series",
        "categories": _categories(table),
        "series": series,
        "axes": [{"format": _format(measures[0])}],
        "links": [],
    }


def pareto_chart(table: Table, measure: str, total: Any) -> dict[str, Any]:
    """Bars of `measure` (rows already ranked, largest first) and the cumulative share line."""
    values = [_num(v) or 0.0 for v in table.values(measure)[:MAX_POINTS]]
    grand = _num(total) or sum(values) or 1.0
    running, shares = 0.0, []
    for v in values:
        running += v
        shares.append(round(100 * running / grand, 1))
    bars = _measure_series(table, measure, "bar")
    line = {"name": _("Cumulative share"), "values": shares, "kind": "line", "axis": 1}
    return {
        "type": "series",
        "categories": _categories(table),
        "series": [bars, line],
        "axes": [{"format": _format(measure)}, {"format": "percent", "max": 100}],
        "links": [],
        "markline": 80,
    }


def pivot_chart(
    table: Table, measure: str, kind: str, member_url: MemberUrl | None = None
) -> dict[str, Any]:
    """A pivot: a series (or heat-map column) per column member, for the first measure."""
    columns = [c for c in table.columns if not c.header and c.key.startswith(f"{measure}|")]
    if kind == "heatmap":
        y = _categories(table)
        data = []
        for x, column in enumerate(columns):
            for yi, value in enumerate(table.values(column.key)[:MAX_POINTS]):
                number = _num(value)
                if number is not None:
                    data.append([x, yi, number])
        return {
            "type": "heatmap",
            "x": [c.label.split(" · ", 1)[-1] for c in columns],
            "y": y,
            "data": data,
            "format": _format(measure),
        }
    series = [_measure_series(table, c.key, kind) for c in columns]
    for s, c in zip(series, columns, strict=True):
        s["name"] = c.label.split(" · ", 1)[-1]
    return {
        "type": "series",
        "categories": _categories(table),
        "series": series,
        "axes": [{"format": _format(measure)}],
        "links": _links(table, member_url),
    }
