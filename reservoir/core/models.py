"""Base models and the infrastructure tables every app shares.

- `TimeStampedModel`: created/updated stamps.
- `IdempotencyRecord`: the stored answer to a create that a channel may retry.
- `WorkerHeartbeat`: liveness of task workers, so a task claimed by a killed worker is
  given back (django-tasks-db leaves it RUNNING forever otherwise).
- `TaskEffect`: the once-only ledger a task writes in the same transaction as its effect.
- `ScheduledRun`: one row per (schedule, time slot), so two schedulers never double-enqueue.
- `MoveMark`, `RowMove`: the ledger of rows an undoable operation (a merge) moved
  between owners, written by the apps that own the rows (see `core.moves`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class IdempotencyRecord(models.Model):
    key = models.CharField(max_length=200)
    scope = models.CharField(max_length=200)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    request_digest = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["actor", "scope", "key"], name="core_idempotency_unique"
            )
        ]


class WorkerHeartbeat(models.Model):
    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=200)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField(auto_now_add=True)
    seen_at = models.DateTimeField(db_index=True)


class TaskEffect(models.Model):
    key = models.CharField(max_length=200, unique=True)
    task_name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)


class ScheduledRun(models.Model):
    name = models.CharField(max_length=100)
    slot = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "slot"], name="core_scheduled_run_unique")
        ]


class MoveMark(models.Model):
    """One app's part of an undoable operation (e.g. "merge:12" on "timeline.interaction").

    Written first, in the same transaction as the moves: its unique key makes the mover
    idempotent, and `watermark` (the highest primary key of the table when the operation
    ran) tells rows that arrived later from the ones that were there.
    """

    operation = models.CharField(max_length=100)
    table = models.CharField(max_length=100)
    watermark = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    reverted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["operation", "table"], name="core_move_mark_unique")
        ]


class RowMove(models.Model):
    """One row an operation moved from one owner to another, so it can be moved back."""

    operation = models.CharField(max_length=100)
    table = models.CharField(max_length=100)
    row_pk = models.BigIntegerField()
    from_id = models.BigIntegerField()
    to_id = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["operation", "table", "row_pk"], name="core_row_move_unique"
            )
        ]
