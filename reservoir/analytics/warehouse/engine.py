"""SQL generation and execution behind `query.run_query` (see that module's docstring).

Each fact a query needs is aggregated by one plain ANSI statement (SELECT ... JOIN ...
WHERE ... GROUP BY ... ORDER BY ... LIMIT), with bound parameters for every value and
identifiers taken from the whitelists below; the cells of both facts are merged, derived
measures computed and pivot columns laid out in Python.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import duckdb
from django.utils.translation import gettext

from reservoir.analytics.warehouse import store
from reservoir.analytics.warehouse.access import customer_predicate
from reservoir.analytics.warehouse.query import (
    MEASURES,
    Level,
    OlapQuery,
    OlapResult,
    Slice,
    level_label,
    levels_of,
)
from reservoir.core.errors import InvalidInput

if TYPE_CHECKING:
    from reservoir.iam.models import User

JOINS = {
    "d": "JOIN dim_date d ON d.date_key = f.date_key",
    "p": "LEFT JOIN dim_product p ON p.product_id = f.product_id",
    "c": "LEFT JOIN dim_customer c ON c.customer_id = f.customer_id",
    "s": "LEFT JOIN dim_staff s ON s.staff_id = f.staff_id",
}
# (dimension, level) -> (member key, member label, join needed)
LEVEL_SQL: dict[tuple[str, str], tuple[str, str, str]] = {
    ("date", "year"): ("d.year_label", "d.year_label", "d"),
    ("date", "quarter"): ("d.quarter_label", "d.quarter_label", "d"),
    ("date", "month"): ("d.month_label", "d.month_label", "d"),
    ("date", "day"): ("d.day_label", "d.day_label", "d"),
    ("product", "category"): ("COALESCE(p.category_l1, '')", "p.category_l1", "p"),
    ("product", "subcategory"): ("COALESCE(p.category_l2, '')", "p.category_l2", "p"),
    ("product", "product"): ("CAST(f.product_id AS VARCHAR)", "p.name", "p"),
    ("region", "province"): ("COALESCE(c.province, '')", "c.province", "c"),
    ("region", "city"): ("COALESCE(c.city, '')", "c.city", "c"),
    ("region", "customer"): ("CAST(f.customer_id AS VARCHAR)", "c.name", "c"),
    ("channel", "channel"): ("COALESCE(f.channel, '')", "f.channel", ""),
    ("staff", "staff"): ("COALESCE(CAST(f.staff_id AS VARCHAR), '')", "s.name", "s"),
    ("segment", "segment"): ("COALESCE(c.segment, '')", "c.segment", "c"),
}
FACTS = {"sales": ("fact_sales", "f.counted"), "interactions": ("fact_interactions", "1 = 1")}
# base aggregate -> (fact, SQL, join needed)
BASES: dict[str, tuple[str, str, str]] = {
    "revenue": ("sales", "SUM(f.amount_cents)", ""),
    "orders": ("sales", "COUNT(DISTINCT f.order_id)", ""),
    "customers": ("sales", "COUNT(DISTINCT f.customer_id)", ""),
    "quantity": ("sales", "SUM(f.quantity)", ""),
    "new_customers": (
        "sales",
        "COUNT(DISTINCT CASE WHEN f.date_key = c.first_order_date THEN f.customer_id END)",
        "c",
    ),
    "interactions": ("interactions", "COUNT(*)", ""),
    "interaction_cost": ("interactions", "SUM(f.cost_cents)", ""),
}
NEEDS = {
    "arpu": ("revenue", "customers"),
    "returning_customers": ("customers", "new_customers"),
}
PIVOT_MEMBERS = 200
CENT = Decimal("0.01")

Keys = tuple[str, ...]


@dataclass(frozen=True)
class Filter:
    """What every aggregate of one query is limited to."""

    slices: tuple[Slice, ...]
    period: tuple[dt.date | None, dt.date | None]
    visibility: tuple[str, list[Any]]


@dataclass
class Cell:
    labels: list[str]
    base: dict[str, Any]


# ------------------------------------------------------------------------ SQL


def aggregate(
    con: duckdb.DuckDBPyConnection,
    fact: str,
    bases: Sequence[str],
    levels: Sequence[Level],
    flt: Filter,
    *,
    limit: int | None,
) -> dict[Keys, Cell]:
    """One GROUP BY over `fact`; returns {member keys: cell} in label order."""
    table, base_filter = FACTS[fact]
    dims = {lv.dimension for lv in levels} | {sl.dimension for sl in flt.slices}
    by_order = fact == "sales" and "product" not in dims
    if by_order:
        table = "fact_orders"  # the order-grain aggregate: fewer rows, no DISTINCT orders
    select, group, order, joins = [], [], [], set()
    for i, lv in enumerate(levels):
        key, label, alias = LEVEL_SQL[(lv.dimension, lv.level)]
        select += [f"{key} AS k{i}", f"MIN({label}) AS l{i}"]
        group.append(key)
        order += [f"l{i}", f"k{i}"]
        joins.add(alias)
    for j, name in enumerate(bases):
        _fact, sql, alias = BASES[name]
        if by_order and name == "orders":
            sql = "COUNT(*)"
        select.append(f"{sql} AS m{j}")
        joins.add(alias)
    where, params = [base_filter], list[Any]()
    start, end = flt.period
    if start:
        where.append("f.date_key >= ?")
        params.append(start)
    if end:
        where.append("f.date_key <= ?")
        params.append(end)
    for sl in flt.slices:
        span = member_range(sl.level, sl.value) if sl.dimension == "date" else None
        if span is not None:
            # A date range on the fact's own column: no join, and DuckDB skips the row
            # groups outside it (facts are stored in date order).
            where.append("f.date_key >= ? AND f.date_key <= ?")
            params += list(span)
            continue
        key, _label, alias = LEVEL_SQL[(sl.dimension, sl.level)]
        where.append(f"{key} = ?")
        params.append(sl.value)
        joins.add(alias)
    vis_sql, vis_params = flt.visibility
    if vis_sql:
        where.append(vis_sql)
        params += vis_params
        joins.add("c")
    sql = f"SELECT {', '.join(select)} FROM {table} f "  # noqa: S608 - whitelisted names
    sql += " ".join(JOINS[a] for a in ("d", "p", "c", "s") if a in joins)
    sql += " WHERE " + " AND ".join(where)
    if group:
        sql += f" GROUP BY {', '.join(group)} ORDER BY {', '.join(order)}"
    if limit is not None and group:
        sql += f" LIMIT {int(limit)}"
    out: dict[Keys, Cell] = {}
    n = len(levels)
    for row in con.execute(sql, params).fetchall():
        keys = tuple(str(row[2 * i]) for i in range(n))
        labels = [str(row[2 * i + 1] or "") for i in range(n)]
        out[keys] = Cell(labels, {name: row[2 * n + j] for j, name in enumerate(bases)})
    return out


def cells(
    con: duckdb.DuckDBPyConnection,
    measures: Sequence[str],
    levels: Sequence[Level],
    flt: Filter,
    limit: int | None = None,
) -> dict[Keys, Cell]:
    """The cells of every fact the measures need, merged by member keys, in label order."""
    wanted: list[str] = []
    for m in measures:
        for b in NEEDS.get(m, (m,)):
            if b not in wanted:
                wanted.append(b)
    merged: dict[Keys, Cell] = {}
    for fact in FACTS:
        bases = [b for b in wanted if BASES[b][0] == fact]
        if not bases:
            continue
        for keys, cell in aggregate(con, fact, bases, levels, flt, limit=limit).items():
            have = merged.setdefault(keys, Cell(cell.labels, {}))
            have.base.update(cell.base)
            have.labels = [a or b for a, b in zip(have.labels, cell.labels, strict=True)]
    ordered = sorted(merged.items(), key=lambda kv: (kv[1].labels, kv[0]))
    return dict(ordered[:limit] if limit is not None else ordered)


# ---------------------------------------------------------------- measures


def money(cents: Any) -> Decimal:
    return (Decimal(int(cents or 0)) / 100).quantize(CENT)


def measure_values(base: dict[str, Any], measures: Sequence[str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for m in measures:
        if m in ("revenue", "interaction_cost"):
            out[m] = money(base.get(m))
        elif m == "arpu":
            n = int(base.get("customers") or 0)
            out[m] = (money(base.get("revenue")) / n).quantize(CENT) if n else None
        elif m == "returning_customers":
            out[m] = int(base.get("customers") or 0) - int(base.get("new_customers") or 0)
        else:
            out[m] = int(base.get(m) or 0)
    return out


def change(cur: Any, prev: Any) -> float | None:
    if cur is None or prev in (None, 0):
        return None
    return float((Decimal(cur) - Decimal(prev)) / Decimal(prev))


# ------------------------------------------------------------------ shifts


@dataclass(frozen=True)
class Shift:
    months: int = 0
    days: int = 0


def add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(y, m + 1, min(day.day, calendar.monthrange(y, m + 1)[1]))


def shift_for(query: OlapQuery) -> Shift:
    if query.compare == "previous_year":
        return Shift(months=12)
    if query.start and query.end:
        s, e = query.start, query.end
        if s.day == 1 and (e + dt.timedelta(days=1)).day == 1:
            return Shift(months=(e.year - s.year) * 12 + e.month - s.month + 1)
        return Shift(days=(e - s).days + 1)
    names = levels_of("date")
    finest = max(
        (s for s in query.slices if s.dimension == "date"), key=lambda s: names.index(s.level)
    )
    return {"year": Shift(12), "quarter": Shift(3), "month": Shift(1)}.get(
        finest.level, Shift(days=1)
    )


def member_start(level: str, value: str) -> dt.date | None:
    """The first day of a date member ("2025", "2025-Q1", "2025-03", "2025-03-14")."""
    try:
        if level == "year":
            return dt.date(int(value), 1, 1)
        if level == "quarter":
            y, q = value.split("-Q")
            return dt.date(int(y), 3 * int(q) - 2, 1)
        if level == "month":
            return dt.date.fromisoformat(f"{value}-01")
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def member_range(level: str, value: str) -> tuple[dt.date, dt.date] | None:
    """The first and last day of a date member; None when malformed."""
    first = member_start(level, value)
    if first is None:
        return None
    months = {"year": 12, "quarter": 3, "month": 1}.get(level)
    if months is None:
        return first, first
    return first, add_months(first, months) - dt.timedelta(days=1)


def shift_member(level: str, value: str, shift: Shift, sign: int) -> str | None:
    """The date member `value` of `level` moved by `shift` (sign -1: back); None if it
    cannot be expressed at that level or is malformed."""
    day = member_start(level, value)
    if day is None:
        return None
    step = {"year": 12, "quarter": 3, "month": 1, "day": 1}[level]
    if shift.months:
        if level != "day" and shift.months % step:
            return None
        day = add_months(day, sign * shift.months)
    elif level == "day":
        day = day + dt.timedelta(days=sign * shift.days)
    else:
        return None
    if level == "year":
        return f"{day.year}"
    if level == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day:%Y-%m}" if level == "month" else day.isoformat()


def shifted_period(
    query: OlapQuery, shift: Shift
) -> tuple[tuple[dt.date | None, dt.date | None], tuple[Slice, ...]]:
    start, end = query.start, query.end
    if shift.months:
        month_end = end is not None and (end + dt.timedelta(days=1)).day == 1
        start = add_months(start, -shift.months) if start else None
        if end is not None:
            end = add_months(end, -shift.months)
            if month_end:
                end = end.replace(day=calendar.monthrange(end.year, end.month)[1])
    else:
        start = start - dt.timedelta(days=shift.days) if start else None
        end = end - dt.timedelta(days=shift.days) if end else None
    slices = []
    for sl in query.slices:
        if sl.dimension != "date":
            slices.append(sl)
            continue
        value = shift_member(sl.level, sl.value, shift, -1)
        if value is None:
            raise InvalidInput(gettext("This date filter cannot be compared with that period."))
        slices.append(Slice("date", sl.level, value))
    return (start, end), tuple(slices)


# ------------------------------------------------------------------- result

ADDITIVE = frozenset({"revenue", "quantity", "interactions", "interaction_cost"})


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
    bases = {b for m in measures for b in NEEDS.get(m, (m,))}
    if not (exact and current and bases <= ADDITIVE):
        return cells(con, measures, (), flt)
    summed = {b: sum(int(c.base.get(b) or 0) for c in current.values()) for b in bases}
    return {(): Cell([], summed)}


def member_label(dimension: str, key: str, label: str) -> str:
    if dimension == "channel":
        from reservoir.timeline.enums import Channel

        return str(dict(Channel.choices).get(key, key)) if key else gettext("(none)")
    return label or key or gettext("(none)")


def refreshed_at(con: duckdb.DuckDBPyConnection) -> dt.datetime | None:
    rows = con.execute("SELECT value FROM meta WHERE key = 'refreshed_at'").fetchall()
    return dt.datetime.fromisoformat(rows[0][0]) if rows else None


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
