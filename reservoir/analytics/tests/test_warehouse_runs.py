"""Refresh runs: requesting, running with progress, failure, schedule, event."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from reservoir.analytics import services
from reservoir.analytics.events import WarehouseRefreshed
from reservoir.analytics.models import RunStatus, WarehouseRun
from reservoir.analytics.tests.factories import (
    build_world,
    warehouse,  # noqa: F401 - fixture
)
from reservoir.analytics.warehouse import build
from reservoir.audit.models import AuditEntry
from reservoir.core import events, scheduler

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("warehouse")]


def test_request_refresh_queues_one_run_after_commit(django_capture_on_commit_callbacks):
    w = build_world()
    with django_capture_on_commit_callbacks() as callbacks:
        run = services.request_refresh(by=w.admin, full=True)
    assert (run.status, run.full, run.requested_by) == (RunStatus.QUEUED, True, w.admin)
    assert len(callbacks) == 1
    assert AuditEntry.objects.filter(action="analytics.warehouse.refresh_requested").count() == 1
    # A queued full run covers an incremental request: no second run.
    assert services.request_refresh(by=w.admin, full=False) == run
    assert WarehouseRun.objects.count() == 1


def test_run_refresh_records_progress_rows_and_publishes(django_capture_on_commit_callbacks):
    w = build_world()
    run = services.request_refresh(by=w.admin, full=False)
    seen: list[WarehouseRefreshed] = []
    events.subscribe(WarehouseRefreshed, seen.append)
    with django_capture_on_commit_callbacks(execute=True):
        done = services.run_refresh(run.pk)
    assert (done.status, done.progress, done.full) == (RunStatus.DONE, 100, True)
    assert done.rows["fact_sales"] == 8
    assert done.watermark["line_id"] > 0
    assert done.started_at is not None and done.finished_at is not None
    assert seen == [WarehouseRefreshed(run_id=run.pk, full=True)]
    # A retried task finds the run done and does not refresh again.
    again = services.run_refresh(run.pk)
    assert again.finished_at == done.finished_at


def test_a_failed_refresh_is_recorded(monkeypatch):
    build_world()
    run = services.request_refresh(by=None, full=True)

    def boom(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(build, "refresh", boom)
    failed = services.run_refresh(run.pk)
    assert (failed.status, failed.error) == (RunStatus.FAILED, "disk full")


def test_progress_is_written_while_running(monkeypatch):
    build_world()
    run = services.request_refresh(by=None, full=True)
    steps: list[tuple[int, str]] = []
    real = build.refresh

    def spy(*, full, progress):
        def record(pct, step):
            progress(pct, step)
            current = WarehouseRun.objects.get(pk=run.pk)
            steps.append((current.progress, current.step))

        return real(full=full, progress=record)

    monkeypatch.setattr(build, "refresh", spy)
    services.run_refresh(run.pk)
    assert steps[0] == (2, "staff and products")
    assert [s for _p, s in steps][-1] == "saving"
    assert [p for p, _s in steps] == sorted(p for p, _s in steps)


def test_scheduled_refresh_runs_incrementally_unless_busy():
    build_world()
    first = services.scheduled_refresh()
    assert WarehouseRun.objects.get(pk=first).status == RunStatus.DONE
    WarehouseRun.objects.create(status=RunStatus.RUNNING)
    assert services.scheduled_refresh() == 0


def test_lost_runs_are_failed_so_they_do_not_block_refreshes():
    build_world()
    lost = WarehouseRun.objects.create(status=RunStatus.RUNNING)
    WarehouseRun.objects.filter(pk=lost.pk).update(
        started_at=timezone.now() - services.STALE - dt.timedelta(minutes=1)
    )
    assert services.scheduled_refresh() > 0
    lost.refresh_from_db()
    assert (lost.status, lost.error) == (RunStatus.FAILED, "interrupted")


def test_refreshes_are_scheduled():
    names = {s.name: s.every.total_seconds() for s in scheduler.schedules()}
    assert names["analytics.warehouse_refresh"] == 15 * 60
    assert names["analytics.warehouse_full"] == 24 * 3600
