"""Analytics API: run an OLAP query against the warehouse, and export it as CSV or XLSX.

Both answer only analysts, managers and administrators (others get 403), and both filter by
the caller's visibility (the warehouse query takes the caller as its actor).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from reservoir.analytics.exports import table_from_result
from reservoir.analytics.forms import ExplorerForm
from reservoir.analytics.views.common import require_explorer
from reservoir.analytics.views.downloads import file_response
from reservoir.analytics.views.explorer import DEFAULTS
from reservoir.analytics.warehouse.query import (
    Level,
    OlapQuery,
    OlapResult,
    Slice,
    run_query,
    validate,
)
from reservoir.core.errors import InvalidInput

router = Router()

Name = Field(..., min_length=1, max_length=40)


class LevelIn(Schema):
    dimension: str = Name
    level: str = Name


class SliceIn(Schema):
    dimension: str = Name
    level: str = Name
    value: str = Field(..., min_length=1, max_length=200)


class QueryIn(Schema):
    measures: list[str] = Field(..., min_length=1, max_length=12)
    rows: list[LevelIn] = Field(default_factory=list, max_length=3)
    columns: list[LevelIn] = Field(default_factory=list, max_length=2)
    slices: list[SliceIn] = Field(default_factory=list, max_length=12)
    start: dt.date | None = None
    end: dt.date | None = None
    compare: Literal["", "previous_period", "previous_year"] = ""
    limit: int = Field(500, ge=1, le=5000)


class ResultOut(Schema):
    query: dict[str, Any]
    row_headers: list[str]
    columns: list[str]
    column_labels: dict[str, str]
    rows: list[dict[str, Any]]
    totals: dict[str, Any]
    refreshed_at: dt.datetime | None


def _olap(payload: QueryIn) -> OlapQuery:
    return OlapQuery(
        measures=tuple(payload.measures),
        rows=tuple(Level(r.dimension, r.level) for r in payload.rows),
        columns=tuple(Level(c.dimension, c.level) for c in payload.columns),
        slices=tuple(Slice(s.dimension, s.level, s.value) for s in payload.slices),
        start=payload.start,
        end=payload.end,
        compare=payload.compare,
        limit=payload.limit,
    )


def _plain(value: Any) -> Any:
    """JSON-ready: decimals as numbers, dates as ISO text."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _result(result: OlapResult, payload: QueryIn) -> dict[str, Any]:
    return {
        "query": payload.model_dump(mode="json"),
        "row_headers": list(result.row_headers),
        "columns": list(result.columns),
        "column_labels": {k: str(v) for k, v in result.column_labels.items()},
        "rows": [{k: _plain(v) for k, v in row.items()} for row in result.rows],
        "totals": {k: _plain(v) for k, v in result.totals.items()},
        "refreshed_at": result.refreshed_at,
    }


@router.post(
    "/reports/query",
    response=ResultOut,
    summary="Run an OLAP query",
    description=(
        "Measures by row (and optional column) levels, sliced and optionally compared with "
        "the previous period or year. Covers only the customers the caller may see."
    ),
)
def query(request: HttpRequest, payload: QueryIn) -> dict[str, Any]:
    actor = require_explorer(request)
    olap = _olap(payload)
    validate(olap)
    return _result(run_query(olap, actor=actor), payload)


def _export(request: HttpRequest, fmt: str) -> HttpResponse:
    actor = require_explorer(request)
    form = ExplorerForm(request.GET, defaults=DEFAULTS)
    if not form.is_valid():
        raise InvalidInput("; ".join(form.messages()), field="query")
    result = run_query(form.state().query, actor=actor)
    return file_response(table_from_result(result, _("Explorer")), fmt)


EXPORT_DOC = (
    "The explorer's table for the same query string as /reports/explorer/ (m, rows, cols, "
    "f=dimension.level:value, start, end, compare)."
)


@router.get(
    "/reports/query.csv",
    summary="Export an OLAP query as CSV",
    description=EXPORT_DOC,
    openapi_extra={"responses": {"200": {"description": "text/csv"}}},
)
def export_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, "csv")


@router.get(
    "/reports/query.xlsx",
    summary="Export an OLAP query as XLSX",
    description=EXPORT_DOC,
    openapi_extra={"responses": {"200": {"description": "XLSX workbook"}}},
)
def export_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(request, "xlsx")
