"""Writes of the analytics app: warehouse refresh runs and their bookkeeping.

`request_refresh` queues a refresh (reused while one is already queued); the task
`tasks.refresh_warehouse` runs it through `run_refresh`, which records progress on the
`WarehouseRun` row as it goes (the reports page polls it for its progress bar).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from reservoir.analytics.events import WarehouseRefreshed
from reservoir.analytics.models import RunStatus, WarehouseRun
from reservoir.audit import services as audit
from reservoir.core import events

if TYPE_CHECKING:
    from reservoir.iam.models import User

logger = logging.getLogger(__name__)
STALE = dt.timedelta(hours=1)  # a run queued or running this long was lost (worker died)


def request_refresh(*, by: User | None, full: bool = False) -> WarehouseRun:
    """Queue a warehouse refresh and return its run; a queued run of the same kind (or a
    queued full run, which covers an incremental one) is returned instead of a new one.

    Side effects: a WarehouseRun row, an audit entry (when a user asked), the task enqueued
    after commit.
    """
    from reservoir.analytics.tasks import refresh_warehouse

    fail_stale_runs()
    with transaction.atomic():
        kinds = [True] if full else [True, False]
        queued = WarehouseRun.objects.filter(status=RunStatus.QUEUED, full__in=kinds).first()
        if queued is not None:
            return queued
        run = WarehouseRun.objects.create(full=full, requested_by=by if by else None)
        if by is not None:
            audit.record(by, "analytics.warehouse.refresh_requested", run, data={"full": full})
        transaction.on_commit(lambda: refresh_warehouse.enqueue(run.pk))
    return run


def fail_stale_runs() -> int:
    """Mark runs queued or running for longer than STALE as failed (their worker is gone,
    and a live one would otherwise block every later refresh); return how many."""
    from django.db.models import Q

    cutoff = timezone.now() - STALE
    stale = Q(status=RunStatus.QUEUED, created_at__lt=cutoff) | Q(
        status=RunStatus.RUNNING, started_at__lt=cutoff
    )
    return WarehouseRun.objects.filter(stale).update(
        status=RunStatus.FAILED, error="interrupted", finished_at=timezone.now()
    )


def latest_run() -> WarehouseRun | None:
    """The most recent refresh run (any status)."""
    return WarehouseRun.objects.order_by("-created_at", "-pk").first()


def last_done_run() -> WarehouseRun | None:
    return (
        WarehouseRun.objects.filter(status=RunStatus.DONE).order_by("-finished_at", "-pk").first()
    )


def _progress(run_id: int, pct: int, step: str) -> None:
    WarehouseRun.objects.filter(pk=run_id).update(progress=max(0, min(pct, 100)), step=step[:120])


def run_refresh(run_id: int) -> WarehouseRun:
    """Run the refresh of `run_id` (queued or failed runs only; a done or running run is
    returned as is, so a retried task does not refresh twice).

    Side effects: writes a new warehouse generation; updates the run's status, progress,
    row counts and watermark; WarehouseRefreshed after commit.
    """
    from reservoir.analytics.warehouse import build

    claimed = WarehouseRun.objects.filter(
        pk=run_id, status__in=(RunStatus.QUEUED, RunStatus.FAILED)
    ).update(status=RunStatus.RUNNING, started_at=timezone.now(), progress=0, error="")
    run = WarehouseRun.objects.get(pk=run_id)
    if not claimed:
        return run
    try:
        result = build.refresh(full=run.full, progress=lambda p, s: _progress(run_id, p, s))
    except Exception as exc:
        logger.exception("warehouse refresh %s failed", run_id)
        WarehouseRun.objects.filter(pk=run_id).update(
            status=RunStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        run.refresh_from_db()
        return run
    with transaction.atomic():
        WarehouseRun.objects.filter(pk=run_id).update(
            status=RunStatus.DONE,
            progress=100,
            step="",
            full=result.full,
            rows={**result.rows, **{f"changed_{k}": v for k, v in result.changed.items()}},
            watermark=result.watermark,
            finished_at=timezone.now(),
        )
        events.publish(WarehouseRefreshed(run_id=run_id, full=result.full))
    run.refresh_from_db()
    return run


def scheduled_refresh() -> int:
    """Run an incremental refresh now (from the schedule) unless one is queued or running;
    return the run id (0 when skipped)."""
    fail_stale_runs()
    busy = WarehouseRun.objects.filter(status__in=(RunStatus.QUEUED, RunStatus.RUNNING)).exists()
    if busy:
        return 0
    run = WarehouseRun.objects.create(full=False)
    return run_refresh(run.pk).pk
