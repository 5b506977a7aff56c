"""A ledger of rows moved between owners by an undoable operation, so undo is exact.

An app that reacts to, say, `PartiesMerged` moves its own rows and writes here, in one
transaction: `begin` (idempotency and a watermark), then `record` for each moved row.
On undo it reads `pending`, moves exactly those rows back and calls `finish`. Events are
delivered after commit, possibly twice; the ledger makes both directions idempotent.
The core knows nothing of parties: owners are plain ids, tables are "app_label.model".
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, models, transaction
from django.utils import timezone

from reservoir.core.models import MoveMark, RowMove


def table_name(model: type[models.Model]) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def begin(operation: str, model: type[models.Model]) -> int | None:
    """Open `operation` for `model`'s table; return its watermark, or None if already done.

    The watermark is the table's highest primary key now: rows above it arrived later.
    Call inside the transaction that moves the rows.
    """
    top = model._default_manager.aggregate(top=models.Max("pk"))["top"] or 0
    try:
        with transaction.atomic():
            MoveMark.objects.create(operation=operation, table=table_name(model), watermark=top)
    except IntegrityError:
        return None
    return int(top)


def record(operation: str, model: type[models.Model], moves: Iterable[tuple[int, int, int]]) -> int:
    """Remember rows moved as (row_pk, from_id, to_id); return how many."""
    rows = [
        RowMove(operation=operation, table=table_name(model), row_pk=pk, from_id=a, to_id=b)
        for pk, a, b in moves
    ]
    RowMove.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def pending(operation: str, model: type[models.Model]) -> tuple[MoveMark | None, list[RowMove]]:
    """Lock and return the open mark of `operation` on `model` with its moves.

    (None, []) when the operation never ran on this table or was already undone.
    """
    mark = (
        MoveMark.objects.select_for_update()
        .filter(operation=operation, table=table_name(model), reverted_at__isnull=True)
        .first()
    )
    if mark is None:
        return None, []
    moves = list(RowMove.objects.filter(operation=operation, table=mark.table).order_by("row_pk"))
    return mark, moves


def finish(mark: MoveMark) -> None:
    """Mark an operation undone on one table (its moves stay, as history)."""
    MoveMark.objects.filter(pk=mark.pk).update(reverted_at=timezone.now())


def counts(operations: Iterable[str]) -> dict[str, dict[str, int]]:
    """Return {operation: {table: rows moved}} in one query."""
    out: dict[str, dict[str, int]] = {op: {} for op in operations}
    rows = (
        RowMove.objects.filter(operation__in=list(out))
        .values("operation", "table")
        .annotate(n=models.Count("id"))
        .order_by()
    )
    for row in rows:
        out[row["operation"]][row["table"]] = row["n"]
    return out
