"""A small interval scheduler that enqueues tasks; safe to run more than once.

Why not django-crontask: it needs Python ≥ 3.12 and Reservoir supports 3.11. Each schedule
has a fixed interval; the current time slot is claimed with a unique (name, slot) row in the
same transaction as the enqueue, so two schedulers never enqueue the same run twice. It also
gives orphaned tasks back to the queue when no worker is alive to do it.
"""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone

from reservoir.core.models import ScheduledRun
from reservoir.core.worker import requeue_orphans

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Schedule:
    name: str
    every: dt.timedelta
    task: Any  # a django_tasks Task
    kwargs: tuple[tuple[str, Any], ...] = ()


_schedules: dict[str, Schedule] = {}


def register(name: str, every: dt.timedelta, task: Any, **kwargs: Any) -> None:
    """Register a periodic task (call from AppConfig.ready)."""
    _schedules[name] = Schedule(name, every, task, tuple(sorted(kwargs.items())))


def schedules() -> list[Schedule]:
    return sorted(_schedules.values(), key=lambda s: s.name)


def slot_for(now: dt.datetime, every: dt.timedelta) -> dt.datetime:
    """Return the start of the interval `now` falls in (aligned to the Unix epoch)."""
    step = int(every.total_seconds())
    return dt.datetime.fromtimestamp(int(now.timestamp()) // step * step, tz=dt.UTC)


def tick(now: dt.datetime | None = None) -> list[str]:
    """Enqueue every schedule whose current slot has not run yet; return their names."""
    now = now or timezone.now()
    fired = []
    for sched in schedules():
        try:
            with transaction.atomic():
                ScheduledRun.objects.create(name=sched.name, slot=slot_for(now, sched.every))
                sched.task.enqueue(**dict(sched.kwargs))
        except IntegrityError:
            continue
        fired.append(sched.name)
    return fired


def run_scheduler(*, poll_seconds: float = 15.0) -> None:
    """Tick until SIGINT/SIGTERM."""
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    while not stop.is_set():
        try:
            fired = tick()
            if fired:
                logger.info("scheduled: %s", ", ".join(fired))
            requeue_orphans()
        except Exception:
            logger.exception("scheduler tick failed")
        finally:
            close_old_connections()
        stop.wait(poll_seconds)
