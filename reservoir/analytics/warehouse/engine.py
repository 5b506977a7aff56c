"""Runs a validated OLAP query (see `query.run_query`'s module docstring for the result).

The cells come from `aggregate` (one SQL statement per fact); here they are laid out as
result rows, pivot columns (one per column member and measure), grand totals and, with a
comparison, the same cells of the period `periods` moves back to. Opens (and closes) one
read-only warehouse connection per query.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import duckdb
from django.utils.translation import gettext

from reservoir.analytics.warehouse import store
from reservoir.analytics.warehouse.access import customer_predicate
from reservoir.analytics.warehouse.aggregate import Cell, Filter, Keys, cells
from reservoir.analytics.warehouse.measures import (
    ADDITIVE,
    base_names,
    change,
    measure_values,
)
from reservoir.analytics.warehouse.periods import shift_for, shift_member, shifted_period
from reservoir.analytics.warehouse.query import (
    MEASURES,
    Level,
    OlapQuery,
    OlapResult,
    level_label,
)
from reservoir.core.errors import InvalidInput

if TYPE_CHECKING:
    from reservoir.iam.models import User

PIVOT_MEMBERS = 200


def run(query: OlapQuery, actor: User) -> OlapResult:
    """Run a validated query (see `query.run_query`)."""
    con = store.read_connection()
    try:
        return _run(con, query, customer_predicate(actor))
    finally:
        con.close()


def _run(
    con: duckdb.DuckDBPyConnection, query: OlapQuery, vis: tuple[str, list[Any]]
) -> OlapResult:
    measures, rows_lv, cols_lv = query.measures, query.rows, query.columns
    period = (query.start, query.end)
    pivot = bool(cols_lv)
    limit = None if pivot else query.limit + 1
    flt = Filter(query.slices, period, vis)
    current = cells(con, measures, (*rows_lv, *cols_lv), flt, limit)
    total_cells = _totals(con, measures, flt, current, exact=pivot or len(current) <= query.limit)
    labels: dict[str, str] = {}
    for lv in (*rows_lv, *cols_lv):
        labels[f"{lv.dimension}.{lv.level}"] = level_label(lv.dimension, lv.level)
    for m in measures:
        labels[m] = str(MEASURES[m].label)
    totals = measure_values(next(iter(total_cells.values())).base if total_cells else {}, measures)
    extra: dict[str, Any] = {"truncated": False}
    if pivot:
        rows, columns = _pivot(con, query, current, flt, (labels, totals, extra))
    else:
        extra["truncated"] = len(current) > query.limit
        rows = [_row(rows_lv, keys, cell, measures) for keys, cell in current.items()]
        rows = rows[: query.limit]
        columns = list(measures)
        if query.compare:
            _compare(con, query, rows, vis, (totals, columns, labels))
    return OlapResult(
        query=query,
        row_headers=[f"{lv.dimension}.{lv.level}" for lv in rows_lv],
        columns=columns,
        column_labels=labels,
        rows=rows,
        totals=totals,
        refreshed_at=refreshed_at(con),
        extra=extra,
    )


def _totals(
    con: duckdb.DuckDBPyConnection,
    measures: Sequence[str],
    flt: Filter,
    current: dict[Keys, Cell],
    *,
    exact: bool,
) -> dict[Keys, Cell]:
    """The grand total: summed from the cells when every measure is additive and the cells
    are complete (saves a scan), else its own aggregate."""
    bases = set(base_names(measures))
    if not (exact and current and bases <= ADDITIVE):
        return cells(con, measures, (), flt)
    summed = {b: sum(int(c.base.get(b) or 0) for c in current.values()) for b in bases}
    return {(): Cell([], summed)}


def member_label(dimension: str, key: str, label: str) -> str:
    """What to show for a member: a translated channel, else its label, key or "(none)"."""
    if dimension == "channel":
        from reservoir.timeline.enums import Channel

        return str(dict(Channel.choices).get(key, key)) if key else gettext("(none)")
    return label or key or gettext("(none)")


def refreshed_at(con: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    """When the warehouse was last refreshed; None before the first refresh."""
    rows = con.execute("SELECT value FROM meta WHERE key = 'refreshed_at'").fetchall()
    return dt.datetime.fromisoformat(rows[0][0]) if rows else None


def _row(
    levels: Sequence[Level], keys: Keys, cell: Cell, measures: Sequence[str]
) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for lv, key, label in zip(levels, keys, cell.labels, strict=False):
        name = f"{lv.dimension}.{lv.level}"
        row[name] = key
        row[f"{name}__label"] = member_label(lv.dimension, key, label)
    row.update(measure_values(cell.base, measures))
    return row


def _pivot(
    con: duckdb.DuckDBPyConnection,
    query: OlapQuery,
    current: dict[Keys, Cell],
    flt: Filter,
    out: tuple[dict[str, str], dict[str, Any], dict[str, Any]],
) -> tuple[list[dict[str, Any]], list[str]]:
    """Lay the cells out as one row per row-level member, one column per member and measure
    of the column levels; fill `out` (labels, totals, extra)."""
    labels, totals, extra = out
    n = len(query.rows)
    members: dict[str, str] = {}
    col_cells = cells(con, query.measures, query.columns, flt)
    for keys, cell in col_cells.items():
        member = " / ".join(keys)
        members[member] = " / ".join(
            member_label(lv.dimension, k, lab)
            for lv, k, lab in zip(query.columns, keys, cell.labels, strict=True)
        )
        for m, v in measure_values(cell.base, query.measures).items():
            totals[f"{m}|{member}"] = v
    if len(members) > PIVOT_MEMBERS:
        raise InvalidInput(
            gettext("Too many columns (%(n)s); filter or choose a coarser level.")
            % {"n": len(members)}
        )
    columns = [f"{m}|{member}" for member in members for m in query.measures]
    for member, mlabel in members.items():
        for m in query.measures:
            labels[f"{m}|{member}"] = f"{MEASURES[m].label} · {mlabel}"
    empty = measure_values({}, query.measures)
    by_row: dict[Keys, dict[str, Any]] = {}
    for keys, cell in current.items():
        row = by_row.get(keys[:n])
        if row is None:
            if len(by_row) >= query.limit:
                extra["truncated"] = True
                continue
            row = _row(query.rows, keys[:n], Cell(cell.labels[:n], {}), ())
            for member in members:
                row.update({f"{m}|{member}": v for m, v in empty.items()})
            by_row[keys[:n]] = row
        member = " / ".join(keys[n:])
        for m, v in measure_values(cell.base, query.measures).items():
            row[f"{m}|{member}"] = v
    return list(by_row.values()), columns


def _compare(
    con: duckdb.DuckDBPyConnection,
    query: OlapQuery,
    rows: list[dict[str, Any]],
    vis: tuple[str, list[Any]],
    out: tuple[dict[str, Any], list[str], dict[str, str]],
) -> None:
    """Add `<m>__compare` and `<m>__change` to rows and totals; fill `out` (totals,
    columns, labels)."""
    totals, columns, labels = out
    shift = shift_for(query)
    period, slices = shifted_period(query, shift)
    prev_flt = Filter(slices, period, vis)
    previous = cells(con, query.measures, query.rows, prev_flt)
    by_keys: dict[Keys, dict[str, Any]] = {}
    for keys, cell in previous.items():
        moved = []
        for lv, key in zip(query.rows, keys, strict=True):
            moved.append(shift_member(lv.level, key, shift, 1) if lv.dimension == "date" else key)
        if None not in moved:
            by_keys[tuple(str(k) for k in moved)] = measure_values(cell.base, query.measures)
    prev_totals = measure_values(
        next(iter(cells(con, query.measures, (), prev_flt).values())).base,
        query.measures,
    )
    empty = measure_values({}, query.measures)
    which = (
        gettext("previous year") if query.compare == "previous_year" else gettext("previous period")
    )
    columns.clear()
    for m in query.measures:
        columns += [m, f"{m}__compare", f"{m}__change"]
        labels[f"{m}__compare"] = f"{MEASURES[m].label} ({which})"
        labels[f"{m}__change"] = f"{MEASURES[m].label} ({gettext('change')})"
    header = [f"{lv.dimension}.{lv.level}" for lv in query.rows]
    for row in rows:
        prev = by_keys.get(tuple(row[h] for h in header), empty)
        for m in query.measures:
            row[f"{m}__compare"] = prev[m]
            row[f"{m}__change"] = change(row[m], prev[m])
    for m in query.measures:
        totals[f"{m}__compare"] = prev_totals[m]
        totals[f"{m}__change"] = change(totals[m], prev_totals[m])
