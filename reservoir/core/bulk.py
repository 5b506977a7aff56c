"""Hand-written SQL for the hot write paths: bulk inserts, one-row inserts, long IN lists.

Why not `bulk_create`: it compiles every value through the field machinery, about 0.3 ms a
row here, far more than the database's own work, and SQLite caps it at 999 parameters per
statement. `insert_rows` takes values already in database form (see `db_datetime`,
`db_decimal`); PostgreSQL gets COPY, other databases one `executemany`; no primary keys come
back. `insert_instance` inserts one model instance (pk returned) with a statement compiled
once; `in_list` writes an IN condition of any length as one parameter.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from typing import Any, cast

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.utils import timezone


def db_now() -> Any:
    """Return the current time in the form the database driver takes."""
    return connection.ops.adapt_datetimefield_value(timezone.now())


def db_datetime(value: Any) -> Any:
    """Return an aware datetime in the form the database driver takes."""
    return connection.ops.adapt_datetimefield_value(value)


def db_decimal(value: Any) -> Any:
    """Return a Decimal (or None) in the form the database driver takes."""
    if value is None or connection.vendor == "postgresql":
        return value
    return str(value)


def insert_rows(model: Any, fields: Sequence[str], rows: Sequence[Sequence[Any]]) -> int:
    """Insert `rows` (values in database form) into `model`'s table; return the count."""
    if not rows:
        return 0
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY streams the rows in one round trip; executemany pays one per row.
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return len(rows)
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608
        for start in range(0, len(rows), 10_000):
            cursor.executemany(sql, rows[start : start + 10_000])
    return len(rows)


def in_list(column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
    """Return an SQL condition `column IN values` and its one parameter.

    One parameter whatever the list's length: PostgreSQL takes an array (`= ANY`), SQLite a
    JSON array read by `json_each`. Long lists then need no chunking under SQLite's
    parameter cap, and the statement text does not change with the length, which spares
    compiling one per batch (the ORM's IN lists cost more to build than to run here).
    `column` is SQL, already quoted; values are ints or strings.
    """
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(values)]
    return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(list(values))]  # noqa: S608


def insert_instance(obj: Any, *, using: str = DEFAULT_DB_ALIAS) -> None:
    """INSERT the new instance `obj` in one statement compiled once per model and database.

    For rows written on every contact (interactions, audit entries): compiling the ORM's
    INSERT cost more than running it. Values still go through each field's own conversion
    (auto_now_add included) and `obj` gets its primary key; `save()` and its signals are
    skipped, so use it only for models nothing listens to.
    """
    db = connections[using]
    sql, fields, returning = _insert_sql(cast(Any, type(obj)), using)
    params = [f.get_db_prep_save(f.pre_save(obj, True), db) for f in fields]
    with db.cursor() as cursor:
        cursor.execute(sql, params)
        obj.pk = cursor.fetchone()[0] if returning else cursor.lastrowid
    obj._state.adding = False
    obj._state.db = using


@functools.cache
def _insert_sql(model: Any, using: str) -> tuple[str, tuple[Any, ...], bool]:
    db = connections[using]
    quote = db.ops.quote_name
    fields = tuple(f for f in model._meta.concrete_fields if not f.primary_key)
    names = ", ".join(quote(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608
    returning = db.features.can_return_columns_from_insert
    if returning:
        sql += f" RETURNING {quote(model._meta.pk.column)}"
    return sql, fields, returning
