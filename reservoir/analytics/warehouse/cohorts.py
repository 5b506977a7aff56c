"""Cohort retention and new-vs-returning customers by month (visibility-filtered).

Plain ANSI SQL over `fact_sales` and `dim_customer` (month arithmetic on EXTRACT(YEAR/MONTH),
no engine-specific date functions), so it moves to a larger engine through sqlglot/Ibis.
"""

# ruff: noqa: S608 - SQL here is assembled from model table names and fixed column
# lists only; every value is a bound parameter.

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from reservoir.analytics.warehouse import store
from reservoir.analytics.warehouse.access import customer_predicate
from reservoir.analytics.warehouse.measures import money
from reservoir.analytics.warehouse.periods import period_conditions

if TYPE_CHECKING:
    from reservoir.iam.models import User

HORIZON = 12
_MONTH_NO = "(EXTRACT(YEAR FROM {d}) * 12 + EXTRACT(MONTH FROM {d}) - 1)"


def _label(month_no: int) -> str:
    y, m = divmod(int(month_no), 12)
    return f"{y:04d}-{m + 1:02d}"


def cohort_retention(
    *, actor: User, start: dt.date | None = None, end: dt.date | None = None
) -> list[dict[str, Any]]:
    """See `query.cohort_retention`."""
    vis_sql, params = customer_predicate(actor)
    dates, date_params = period_conditions("c.first_order_date", start, end)
    where = ["c.first_order_date IS NOT NULL", *([vis_sql] if vis_sql else []), *dates]
    params += date_params
    cohort = _MONTH_NO.format(d="c.first_order_date")
    active = _MONTH_NO.format(d="f.date_key")
    sql = f"""
        SELECT {cohort} AS cohort, {active} - {cohort} AS offset_no,
               COUNT(DISTINCT f.customer_id) AS n
        FROM dim_customer c JOIN fact_sales f ON f.customer_id = c.customer_id AND f.counted
        WHERE {" AND ".join(where)}
        GROUP BY {cohort}, {active} - {cohort}
    """
    con = store.read_connection()
    try:
        rows = con.execute(sql, params).fetchall()
        last = con.execute(
            f"SELECT MAX({_MONTH_NO.format(d='date_key')}) FROM fact_sales"
        ).fetchall()[0]
    finally:
        con.close()
    last_month = int(last[0]) if last and last[0] is not None else None
    sizes: dict[int, int] = {}
    active_n: dict[tuple[int, int], int] = {}
    for c, k, n in rows:
        if int(k) == 0:
            sizes[int(c)] = int(n)
        active_n[(int(c), int(k))] = int(n)
    out = []
    for c in sorted(sizes):
        size = sizes[c]
        shares: list[float | None] = []
        for k in range(1, HORIZON + 1):
            if last_month is None or c + k > last_month:
                shares.append(None)
            else:
                shares.append(active_n.get((c, k), 0) / size)
        out.append({"cohort": _label(c), "size": size, "retention": shares})
    return out


def new_vs_returning(*, actor: User, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """See `query.new_vs_returning`."""
    vis_sql, vis_params = customer_predicate(actor)
    month = _MONTH_NO.format(d="f.date_key")
    first = _MONTH_NO.format(d="c.first_order_date")
    sql = f"""
        SELECT {month} AS month_no,
               COUNT(DISTINCT CASE WHEN {first} = {month} THEN f.customer_id END),
               COUNT(DISTINCT CASE WHEN {first} < {month} THEN f.customer_id END),
               SUM(CASE WHEN {first} = {month} THEN f.amount_cents ELSE 0 END),
               SUM(CASE WHEN {first} < {month} THEN f.amount_cents ELSE 0 END)
        FROM fact_sales f JOIN dim_customer c ON c.customer_id = f.customer_id
        WHERE f.counted AND f.date_key >= ? AND f.date_key <= ?
        {"AND " + vis_sql if vis_sql else ""}
        GROUP BY {month} ORDER BY {month}
    """
    con = store.read_connection()
    try:
        rows = con.execute(sql, [start, end, *vis_params]).fetchall()
    finally:
        con.close()
    return [
        {
            "month": _label(m),
            "new": int(new),
            "returning": int(ret),
            "new_revenue": money(new_cents),
            "returning_revenue": money(ret_cents),
        }
        for m, new, ret, new_cents, ret_cents in rows
    ]
