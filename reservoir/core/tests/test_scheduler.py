import datetime as dt

import pytest
from django_tasks_db.models import DBTaskResult

from reservoir.core import scheduler
from reservoir.core.models import ScheduledRun

pytestmark = pytest.mark.django_db


def test_tick_enqueues_each_slot_once_when_run_twice():
    now = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)

    first = scheduler.tick(now)
    second = scheduler.tick(now + dt.timedelta(minutes=5))

    assert "core.prune_housekeeping" in first
    assert "core.prune_housekeeping" not in second
    assert ScheduledRun.objects.filter(name="core.prune_housekeeping").count() == 1
    assert DBTaskResult.objects.filter(task_path__endswith="prune_housekeeping").count() == 1


def test_next_slot_fires_again():
    now = dt.datetime(2026, 11, 24, 10, 0, tzinfo=dt.UTC)
    scheduler.tick(now)

    fired = scheduler.tick(now + dt.timedelta(days=1))

    assert "core.prune_housekeeping" in fired
