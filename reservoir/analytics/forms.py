"""The reports' state in the URL: parse a query string into an OLAP query, and back.

Every report page and the explorer keep their whole state in the query string, so links,
the back button and exports reproduce exactly what was shown:

    m=revenue&m=orders          measures (repeatable)
    rows=date.month             row dimension.level
    cols=channel.channel        optional column (pivot) dimension.level
    f=date.year:2025            slices (repeatable), "dimension.level:value"
    start=2025-01-01&end=…      period (ISO dates, inclusive)
    compare=previous_year       "", "previous_period" or "previous_year"
    chart=line                  "line", "bar" or "heatmap" (explorer only)
    drill=product               what a click on a row member drills into ("" = next level)

`ExplorerForm` validates each parameter with a message a person can act on; the warehouse's
own `validate()` then checks the combination (its InvalidInput becomes a form error).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reservoir.analytics.warehouse.query import (
    DIMENSIONS,
    MEASURES,
    Level,
    OlapQuery,
    Slice,
    level_label,
    levels_of,
    validate,
)
from reservoir.core.errors import InvalidInput

COMPARES = (
    ("", gettext_lazy("No comparison")),
    ("previous_period", gettext_lazy("Previous period")),
    ("previous_year", gettext_lazy("Previous year")),
)
CHARTS = (
    ("line", gettext_lazy("Line")),
    ("bar", gettext_lazy("Bar")),
    ("heatmap", gettext_lazy("Heat map")),
)
MAX_SLICES = 12
MAX_VALUE_LENGTH = 200


def dimension_label(dimension: str) -> str:
    return str(DIMENSIONS[dimension].label)


def level_choices() -> list[tuple[str, str]]:
    """("dimension.level", "Dimension › Level") of every level, for the pickers."""
    out = []
    for dim in DIMENSIONS:
        levels = levels_of(dim)
        for level in levels:
            label = dimension_label(dim)
            if len(levels) > 1:
                label = f"{label} › {level_label(dim, level)}"
            out.append((f"{dim}.{level}", label))
    return out


@dataclass(frozen=True)
class ReportState:
    """An OLAP query plus the page's own choices (chart type, what a click drills into)."""

    query: OlapQuery
    chart: str = "bar"
    drill: str = ""

    def params(self, **changes: Any) -> QueryDict:
        """The query string of this state (or of this state with `changes` applied)."""
        state = replace(self, **changes) if changes else self
        return encode(state)

    def url(self, **changes: Any) -> str:
        return self.params(**changes).urlencode()

    def with_query(self, query: OlapQuery) -> ReportState:
        return replace(self, query=query)


def encode(state: ReportState) -> QueryDict:
    """The canonical query string of `state` (stable order, empty parts left out)."""
    q = state.query
    out = QueryDict(mutable=True)
    out.setlist("m", list(q.measures))
    if q.rows:
        out["rows"] = f"{q.rows[0].dimension}.{q.rows[0].level}"
    if q.columns:
        out["cols"] = f"{q.columns[0].dimension}.{q.columns[0].level}"
    if q.slices:
        out.setlist("f", [f"{s.dimension}.{s.level}:{s.value}" for s in q.slices])
    if q.start:
        out["start"] = q.start.isoformat()
    if q.end:
        out["end"] = q.end.isoformat()
    if q.compare:
        out["compare"] = q.compare
    if state.chart:
        out["chart"] = state.chart
    if state.drill:
        out["drill"] = state.drill
    return out


def _level(raw: str, field: str) -> Level:
    dim, _sep, level = raw.partition(".")
    if dim not in DIMENSIONS:
        raise forms.ValidationError(
            _("“%(value)s” is not a dimension. Choose one of: %(choices)s.")
            % {"value": dim, "choices": ", ".join(DIMENSIONS)},
            code=field,
        )
    levels = levels_of(dim)
    if not level and len(levels) == 1:
        level = levels[0]
    if level not in levels:
        raise forms.ValidationError(
            _("“%(value)s” is not a level of %(dim)s. Choose one of: %(choices)s.")
            % {"value": level, "dim": dim, "choices": ", ".join(levels)},
            code=field,
        )
    return Level(dim, level)


class ExplorerForm(forms.Form):
    """Validates a report's query string; `state(defaults)` turns it into a ReportState."""

    m = forms.MultipleChoiceField(label=gettext_lazy("Measures"), required=False)
    rows = forms.CharField(label=gettext_lazy("Rows"), required=False, max_length=60)
    cols = forms.CharField(label=gettext_lazy("Columns"), required=False, max_length=60)
    f = forms.CharField(required=False)  # repeatable; parsed in clean()
    start = forms.DateField(label=gettext_lazy("From"), required=False)
    end = forms.DateField(label=gettext_lazy("To"), required=False)
    compare = forms.ChoiceField(
        label=gettext_lazy("Compare with"), choices=COMPARES, required=False
    )
    chart = forms.ChoiceField(label=gettext_lazy("Chart"), choices=CHARTS, required=False)
    drill = forms.CharField(label=gettext_lazy("Click drills into"), required=False, max_length=30)

    def __init__(self, data: QueryDict, *, defaults: ReportState) -> None:
        super().__init__(data)
        self.defaults = defaults
        measures = self.fields["m"]
        measures.choices = [(k, str(m.label)) for k, m in MEASURES.items()]  # type: ignore[attr-defined]
        self._raw_slices = data.getlist("f")

    def clean_rows(self) -> Level | None:
        raw = self.cleaned_data.get("rows") or ""
        return _level(raw, "rows") if raw else None

    def clean_cols(self) -> Level | None:
        raw = self.cleaned_data.get("cols") or ""
        return _level(raw, "cols") if raw else None

    def clean_drill(self) -> str:
        raw = self.cleaned_data.get("drill") or ""
        if raw and raw not in DIMENSIONS:
            raise forms.ValidationError(_("“%(value)s” is not a dimension.") % {"value": raw})
        return str(raw)

    def clean_f(self) -> tuple[Slice, ...]:
        if len(self._raw_slices) > MAX_SLICES:
            raise forms.ValidationError(_("At most %(n)s filters at a time.") % {"n": MAX_SLICES})
        out = []
        for raw in self._raw_slices:
            key, sep, value = raw.partition(":")
            if not sep or not value:
                raise forms.ValidationError(
                    _("The filter “%(value)s” must look like dimension.level:value.")
                    % {"value": raw[:60]}
                )
            if len(value) > MAX_VALUE_LENGTH:
                raise forms.ValidationError(_("A filter value is too long."))
            level = _level(key, "f")
            out.append(Slice(level.dimension, level.level, value))
        return tuple(out)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end of the period comes before its start."))
        rows, cols = data.get("rows"), data.get("cols")
        if rows and cols and rows.dimension == cols.dimension:
            self.add_error("cols", _("Rows and columns must use different dimensions."))
        if not self.errors:
            try:
                validate(self._query(data))
            except InvalidInput as exc:
                field = exc.field if exc.field in self.fields else None
                self.add_error(field, exc.message)
        return data

    def _query(self, data: dict[str, Any]) -> OlapQuery:
        d = self.defaults.query
        given = self.data
        measures = tuple(data.get("m") or ()) or d.measures
        rows = data.get("rows") if "rows" in given else (d.rows[0] if d.rows else None)
        cols = data.get("cols") if "cols" in given else (d.columns[0] if d.columns else None)
        start: dt.date | None = data.get("start") if "start" in given else d.start
        end: dt.date | None = data.get("end") if "end" in given else d.end
        return replace(
            d,
            measures=measures,
            rows=(rows,) if rows else (),
            columns=(cols,) if cols else (),
            slices=data.get("f", ()) if "f" in given else d.slices,
            start=start,
            end=end,
            compare=data.get("compare", "") if "compare" in given else d.compare,
        )

    def state(self) -> ReportState:
        """The validated state; the defaults when the form is invalid (the page shows why)."""
        if not self.is_valid():
            return self.defaults
        data = self.cleaned_data
        return ReportState(
            query=self._query(data),
            chart=data.get("chart") or self.defaults.chart,
            drill=data.get("drill") or "",
        )

    def messages(self) -> list[str]:
        """Every error as one readable line ("Rows: … ")."""
        out = []
        for name, errors in self.errors.items():
            label = self.fields[name].label if name in self.fields else None
            for error in errors:
                out.append(f"{label}: {error}" if label else str(error))
        return out


def parse(data: QueryDict, defaults: ReportState) -> ExplorerForm:
    """A bound form over `data` (a request's GET) with a report's defaults."""
    return ExplorerForm(data, defaults=defaults)
