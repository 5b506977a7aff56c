"""The gap report as chart specifications for static/js/charts.js (plain JSON, no options
beyond data, labels and links: the script owns the look)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from reservoir.resolution.completeness.report import Group, Report

# (field key, extra filters) → the list of parties missing that field
FieldUrl = Callable[[str, dict[str, str]], str]


def histogram(report: Report) -> dict[str, Any]:
    return {
        "type": "column",
        "categories": [b.label for b in report.histogram],
        "values": [b.count for b in report.histogram],
        "name": _("Parties"),
        "tones": ["danger", "danger", "warning", "warning", "success", "success"],
    }


def gaps(report: Report, field_url: FieldUrl) -> dict[str, Any]:
    rows = list(reversed(report.gaps))  # a horizontal bar chart draws bottom-up
    return {
        "type": "hbar",
        "categories": [g.label for g in rows],
        "values": [g.missing_pct for g in rows],
        "links": [field_url(g.key, {}) for g in rows],
        "name": _("Missing"),
        "unit": "%",
        "max": 100,
    }


def matrix(groups: list[Group], report: Report, field_url: FieldUrl) -> dict[str, Any]:
    """A heatmap: one row per group, one column per weighted field, % missing in the cells
    (empty where the field does not count for anybody in the group)."""
    fields = report.fields
    data = []
    for y, group in enumerate(reversed(groups)):
        for x, f in enumerate(fields):
            gap = group.gap(f.key)
            if gap is not None:
                url = field_url(f.key, group.query) if group.query else ""
                data.append({"value": [x, y, gap.missing_pct], "url": url})
    return {
        "type": "heatmap",
        "x": [f.label for f in fields],
        "y": [g.label for g in reversed(groups)],
        "data": data,
        "name": _("Missing"),
        "unit": "%",
        "max": 100,
    }
