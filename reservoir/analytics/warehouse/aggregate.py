"""SQL generation and execution of the fact aggregates behind `query.run_query`.

Each fact a query needs is aggregated by one plain ANSI statement (SELECT ... JOIN ...
WHERE ... GROUP BY ... ORDER BY ... LIMIT), with bound parameters for every value and
identifiers taken from the whitelists below; `cells` merges the cells of both facts by
member keys. Reads only the DuckDB connection it is given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from reservoir.analytics.warehouse.measures import base_names
from reservoir.analytics.warehouse.periods import member_range, period_conditions
from reservoir.analytics.warehouse.query import Level, Slice

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

Keys = tuple[str, ...]


@dataclass(frozen=True)
class Filter:
    """What every aggregate of one query is limited to."""

    slices: tuple[Slice, ...]
    period: tuple[dt.date | None, dt.date | None]
    visibility: tuple[str, list[Any]]


@dataclass
class Cell:
    """One member combination: its labels (one per level) and base aggregate values."""

    labels: list[str]
    base: dict[str, Any]


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
    where, params = period_conditions("f.date_key", *flt.period)
    where.insert(0, base_filter)
    for sl in flt.slices:
        span = member_range(sl.level, sl.value) if sl.dimension == "date" else None
        if span is not None:
            # A date range on the fact's own column: no join, and DuckDB skips the row
            # groups outside it (facts are stored in date order).
            span_where, span_params = period_conditions("f.date_key", *span)
            where += span_where
            params += span_params
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
    wanted = base_names(measures)
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
