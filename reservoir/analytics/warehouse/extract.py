"""Read the operational database into Arrow through the Django connection's DB-API cursor.

Why not DuckDB's sqlite/postgres scanners: they are extensions DuckDB downloads on first use,
which fails offline. Instead each source query runs on the Django connection (sqlite3 or
psycopg underneath), pages by primary key (keyset pagination: bounded memory on both
engines, no server-side cursor needed) and turns each page into a `pyarrow.Table` that
DuckDB reads without copying. Times travel as integer epoch seconds and money as integer
cents, so no per-value datetime/Decimal objects are built on the Python side.

The only engine-specific SQL is the two expressions in `_epoch` and `_cents`.
"""

# ruff: noqa: S608 - SQL here is assembled from model table names and fixed column
# lists only; every value is a bound parameter.

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import pyarrow as pa
from django.db import connection

PAGE = 100_000
ID_CHUNK = 500


def _epoch(col: str) -> str:
    if connection.vendor == "postgresql":
        return f"CAST(EXTRACT(EPOCH FROM {col}) AS BIGINT)"
    return f"CAST(strftime('%%s', {col}) AS INTEGER)"


def _cents(col: str) -> str:
    return f"CAST(ROUND({col} * 100) AS BIGINT)"


def table(name: str) -> str:
    """The quoted table name of a model given as "app_label.Model"."""
    from django.apps import apps

    return connection.ops.quote_name(apps.get_model(name)._meta.db_table)


def to_arrow(rows: Sequence[Sequence[Any]], schema: pa.Schema) -> pa.Table:
    """Build an Arrow table from row tuples (column by column)."""
    cols = list(zip(*rows, strict=True)) if rows else [() for _ in schema]
    return pa.table(
        [pa.array(c, type=f.type) for c, f in zip(cols, schema, strict=True)], schema=schema
    )


def fetch(sql: str, params: Sequence[Any], schema: pa.Schema) -> pa.Table:
    """Run one query and return all its rows as an Arrow table (for small results)."""
    with connection.cursor() as cur:
        cur.execute(sql, list(params))
        return to_arrow(cur.fetchall(), schema)


def scalar(sql: str, params: Sequence[Any] = ()) -> Any:
    with connection.cursor() as cur:
        cur.execute(sql, list(params))
        row = cur.fetchone()
    return row[0] if row else None


def pages(
    select: str, id_col: str, schema: pa.Schema, *, after: int, upto: int, where: str = ""
) -> Iterator[pa.Table]:
    """Yield Arrow pages of `select` for ids in (after, upto], by keyset on `id_col` (the
    first selected column)."""
    extra = f" AND ({where})" if where else ""
    sql = f"{select} WHERE {id_col} > %s AND {id_col} <= %s{extra} ORDER BY {id_col} LIMIT {PAGE}"
    last = after
    while last < upto:
        with connection.cursor() as cur:
            cur.execute(sql, [last, upto])
            rows = cur.fetchall()
        if not rows:
            return
        last = int(rows[-1][0])
        yield to_arrow(rows, schema)


def by_ids(select: str, id_col: str, ids: Sequence[int], schema: pa.Schema) -> Iterator[pa.Table]:
    """Yield Arrow pages of `select` restricted to `id_col IN ids` (chunked)."""
    for i in range(0, len(ids), ID_CHUNK):
        chunk = list(ids[i : i + ID_CHUNK])
        marks = ", ".join(["%s"] * len(chunk))
        with connection.cursor() as cur:
            cur.execute(f"{select} WHERE {id_col} IN ({marks})", chunk)
            yield to_arrow(cur.fetchall(), schema)


# ---------------------------------------------------------------- source queries


def sales_select() -> str:
    line, order = table("sales.OrderLine"), table("sales.Order")
    return (
        f"SELECT l.id, l.order_id, {_epoch('o.ordered_at')}, o.party_id, l.product_id, "
        f"o.channel, o.owner_id, o.status, l.quantity, {_cents('l.amount')} "
        f"FROM {line} l JOIN {order} o ON o.id = l.order_id"
    )


SALES = pa.schema(
    [
        ("line_id", pa.int64()),
        ("order_id", pa.int64()),
        ("epoch", pa.int64()),
        ("party_id", pa.int64()),
        ("product_id", pa.int64()),
        ("channel", pa.string()),
        ("staff_id", pa.int64()),
        ("status", pa.string()),
        ("quantity", pa.int64()),
        ("amount_cents", pa.int64()),
    ]
)

ORDERS = pa.schema(
    [
        ("order_id", pa.int64()),
        ("status", pa.string()),
        ("party_id", pa.int64()),
        ("staff_id", pa.int64()),
        ("channel", pa.string()),
    ]
)


def orders_state() -> pa.Table:
    """(id, status, party, owner, channel) of every order: how changed orders are found
    (orders carry no updated_at). Two narrow columns per order; fast on both engines."""
    return fetch(
        f"SELECT id, status, party_id, owner_id, channel FROM {table('sales.Order')}", [], ORDERS
    )


def interactions_select() -> str:
    return (
        f"SELECT id, {_epoch('occurred_at')}, party_id, channel, kind, direction, staff_id, "
        f"link_app, {_cents('cost')}, duration_seconds FROM {table('timeline.Interaction')}"
    )


INTERACTIONS = pa.schema(
    [
        ("interaction_id", pa.int64()),
        ("epoch", pa.int64()),
        ("party_id", pa.int64()),
        ("channel", pa.string()),
        ("kind", pa.string()),
        ("direction", pa.string()),
        ("staff_id", pa.int64()),
        ("link_app", pa.string()),
        ("cost_cents", pa.int64()),
        ("duration_seconds", pa.int64()),
    ]
)


def parties_select() -> str:
    return (
        f"SELECT id, display_name, kind, status, owner_id, team_id, merged_into_id, "
        f"{_epoch('created_at')} FROM {table('parties.Party')}"
    )


PARTIES = pa.schema(
    [
        ("id", pa.int64()),
        ("name", pa.string()),
        ("kind", pa.string()),
        ("status", pa.string()),
        ("owner_id", pa.int64()),
        ("team_id", pa.int64()),
        ("merged_into_id", pa.int64()),
        ("created_epoch", pa.int64()),
    ]
)


def addresses_select() -> str:
    return f"SELECT id, party_id, is_primary, region, city FROM {table('parties.PostalAddress')}"


ADDRESSES = pa.schema(
    [
        ("id", pa.int64()),
        ("party_id", pa.int64()),
        ("is_primary", pa.bool_()),
        ("region", pa.string()),
        ("city", pa.string()),
    ]
)

SEGMENTS = pa.schema([("party_id", pa.int64()), ("segment", pa.string())])
SEGMENT_HISTORY = pa.schema(
    [("party_id", pa.int64()), ("segment", pa.string()), ("epoch", pa.int64())]
)


def segment_text(value: Any) -> str:
    """A segment trait's value as text: a JSON string, or a dict's segment/label/name."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return value[:100]
    if isinstance(value, dict):
        value = value.get("segment") or value.get("label") or value.get("name") or ""
    return "" if value is None else str(value)[:100]


def segments(key: str, party_ids: Sequence[int] | None) -> pa.Table:
    """The current segment trait of the given parties (all when None)."""
    sql = f"SELECT party_id, value FROM {table('parties.Trait')} WHERE key = %s"
    rows: list[tuple[int, str]] = []
    chunks = [None] if party_ids is None else _chunks(party_ids)
    for chunk in chunks:
        extra, params = _in("party_id", chunk)
        with connection.cursor() as cur:
            cur.execute(sql + extra, [key, *params])
            rows += [(pid, segment_text(v)) for pid, v in cur.fetchall()]
    return to_arrow(rows, SEGMENTS)


def segment_history(key: str, party_ids: Sequence[int] | None) -> pa.Table:
    """Every recorded segment of the given parties (all when None), with its time."""
    sql = (
        f"SELECT party_id, value, {_epoch('computed_at')} FROM "
        f"{table('parties.TraitHistory')} WHERE key = %s"
    )
    rows: list[tuple[int, str, int]] = []
    chunks = [None] if party_ids is None else _chunks(party_ids)
    for chunk in chunks:
        extra, params = _in("party_id", chunk)
        with connection.cursor() as cur:
            cur.execute(sql + extra, [key, *params])
            rows += [(pid, segment_text(v), e) for pid, v, e in cur.fetchall()]
    return to_arrow(rows, SEGMENT_HISTORY)


def _chunks(ids: Sequence[int]) -> list[list[int] | None]:
    return [list(ids[i : i + ID_CHUNK]) for i in range(0, len(ids), ID_CHUNK)]


def _in(col: str, ids: list[int] | None) -> tuple[str, list[int]]:
    if ids is None:
        return "", []
    return f" AND {col} IN ({', '.join(['%s'] * len(ids))})", ids


def changed_party_ids(since: int, segment_key: str) -> list[int]:
    """Parties whose row, addresses or segment trait changed at or after epoch `since`."""
    import datetime as dt

    when = connection.ops.adapt_datetimefield_value(dt.datetime.fromtimestamp(since, tz=dt.UTC))
    ids: set[int] = set()
    queries = (
        (f"SELECT id FROM {table('parties.Party')} WHERE updated_at >= %s", [when]),
        (f"SELECT party_id FROM {table('parties.PostalAddress')} WHERE updated_at >= %s", [when]),
        (
            f"SELECT party_id FROM {table('parties.Trait')} WHERE key = %s AND computed_at >= %s",
            [segment_key, when],
        ),
        (
            f"SELECT party_id FROM {table('parties.TraitHistory')} "
            "WHERE key = %s AND computed_at >= %s",
            [segment_key, when],
        ),
    )
    for sql, params in queries:
        with connection.cursor() as cur:
            cur.execute(sql, params)
            ids.update(r[0] for r in cur.fetchall())
    return sorted(ids)


def source_now() -> int:
    """The source database's clock as epoch seconds (watermarks use the source's clock)."""
    if connection.vendor == "postgresql":
        return int(scalar("SELECT CAST(EXTRACT(EPOCH FROM now()) AS BIGINT)"))
    return int(scalar("SELECT CAST(strftime('%%s', 'now') AS INTEGER)"))
