"""Writing the audit log: `record(actor, action, obj, changes)` and change capture helpers."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, models, router
from django.utils import timezone

from reservoir.audit.models import AuditEntry
from reservoir.core.bulk import insert_instance


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """Return the concrete field values of `obj` (FKs as ids), for a before/after diff."""
    names = fields or [f.attname for f in obj._meta.concrete_fields]
    return {name: _plain(getattr(obj, name)) for name in names}


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Return {field: [before, after]} for every field whose value changed."""
    keys = before.keys() | after.keys()
    return {k: [before.get(k), after.get(k)] for k in sorted(keys) if before.get(k) != after.get(k)}


def record(
    actor: Any,
    action: str,
    obj: models.Model,
    changes: dict[str, list[Any]] | None = None,
    data: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append an audit entry for `action` on `obj` by `actor` (a user or None for the system).

    Side effects: one INSERT into the audit log, inside the caller's transaction.
    Every write records an entry, so the INSERT is compiled once (`core.bulk.insert_instance`);
    the log is append-only and nothing listens to its save signals.
    """
    meta = obj._meta
    entry = AuditEntry(
        actor_id=getattr(actor, "pk", None) or None,
        action=action,
        app_label=meta.app_label,
        model=meta.model_name or "",
        object_pk=str(obj.pk),
        object_repr=str(obj)[:200],
        changes=changes or {},
        data={k: _plain(v) for k, v in (data or {}).items()},
        created_at=timezone.now(),
    )
    insert_instance(entry, using=router.db_for_write(AuditEntry) or DEFAULT_DB_ALIAS)
    return entry


def record_many(actor: Any, action: str, objs: Iterable[models.Model]) -> int:
    """Append one creation entry per object in a single bulk INSERT (for batch ingestion)."""
    actor_obj = actor if getattr(actor, "pk", None) else None
    rows = [
        AuditEntry(
            actor=actor_obj,
            action=action,
            app_label=o._meta.app_label,
            model=o._meta.model_name or "",
            object_pk=str(o.pk),
            object_repr=str(o)[:200],
        )
        for o in objs
    ]
    AuditEntry.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def record_batch(
    actor: Any, action: str, model: type[models.Model], data: dict[str, Any]
) -> AuditEntry:
    """Append one entry for a batch of new rows of `model` (rows written without primary keys).

    Side effects: one INSERT into the audit log, inside the caller's transaction.
    """
    meta = model._meta
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        app_label=meta.app_label,
        model=meta.model_name or "",
        object_pk="batch",
        data={k: _plain(v) for k, v in data.items()},
    )
