"""Shared background tasks and the once-only helper every task uses for its effect."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks import task

from reservoir.core.models import IdempotencyRecord, ScheduledRun, TaskEffect


@contextmanager
def once(key: str, *, task_name: str = "") -> Iterator[bool]:
    """Run the body's writes at most once per `key`, in one transaction with the ledger row.

    Yields True when the effect should happen, False when it already did. Because the ledger
    row commits together with the effect, a worker killed before commit leaves neither, and
    a re-run after commit finds the row and skips: the effect happens exactly once.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                TaskEffect.objects.create(key=key[:200], task_name=task_name[:200])
        except IntegrityError:
            yield False
            return
        yield True


@task()
def prune_housekeeping(days: int = 30) -> dict[str, int]:
    """Delete idempotency records, schedule slots and finished task results older than `days`."""
    from django_tasks_db.models import DBTaskResult

    cutoff = timezone.now() - dt.timedelta(days=days)
    return {
        "idempotency": IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()[0],
        "schedule": ScheduledRun.objects.filter(created_at__lt=cutoff).delete()[0],
        "tasks": DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()[0],
    }
