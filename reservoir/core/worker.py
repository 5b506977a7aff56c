"""The task worker: django-tasks-db's worker loop plus liveness, so no task is stuck or lost.

django-tasks-db claims a task by setting it RUNNING; if the worker process is killed
(SIGKILL, OOM, power loss) the row stays RUNNING forever. Each worker here keeps a heartbeat
row fresh from a side thread; any worker (and the scheduler) gives tasks claimed by a worker
whose heartbeat went stale back to READY, so they run again. Tasks are written to be
idempotent (see `core.tasks.once`), so a re-run never doubles an effect. A task re-claimed
more than TASK_MAX_ATTEMPTS times is marked FAILED instead of looping forever.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import uuid

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.utils import timezone

from reservoir.core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = float(os.environ.get("TASK_WORKER_HEARTBEAT_SECONDS", "5"))


def new_worker_id() -> str:
    """Return a worker id that is unique across hosts and restarts."""
    return f"{socket.gethostname()[:30]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def beat(worker_id: str) -> None:
    """Record that `worker_id` is alive now. Side effects: upserts its heartbeat row."""
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:200],
            "pid": os.getpid(),
            "seen_at": timezone.now(),
        },
    )


def requeue_orphans(*, stale_after: float | None = None) -> int:
    """Give tasks claimed by dead workers back to the queue; return how many.

    A worker is dead when its heartbeat is older than `stale_after` seconds (or missing).
    Side effects: updates task rows (READY, or FAILED after too many attempts) and deletes
    stale heartbeat rows; runs in one transaction.
    """
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    stale = stale_after if stale_after is not None else settings.TASK_WORKER_STALE_SECONDS
    cutoff = timezone.now() - dt.timedelta(seconds=stale)
    alive = set(
        WorkerHeartbeat.objects.filter(seen_at__gte=cutoff).values_list("worker_id", flat=True)
    )
    requeued = 0
    with transaction.atomic():
        for task in DBTaskResult.objects.select_for_update(skip_locked=True).filter(
            status=TaskResultStatus.RUNNING
        ):
            if task.worker_ids and task.worker_ids[-1] in alive:
                continue
            if len(task.worker_ids) >= settings.TASK_MAX_ATTEMPTS:
                task.status = TaskResultStatus.FAILED
                task.finished_at = timezone.now()
                task.exception_class_path = "reservoir.core.worker.WorkerLost"
                task.traceback = f"worker lost {len(task.worker_ids)} times: {task.worker_ids}"
                task.save(
                    update_fields=["status", "finished_at", "exception_class_path", "traceback"]
                )
            else:
                task.status = TaskResultStatus.READY
                task.started_at = None
                task.save(update_fields=["status", "started_at"])
                requeued += 1
            logger.warning(
                "task %s of dead worker %s: %s", task.id, task.worker_ids[-1:], task.status
            )
        WorkerHeartbeat.objects.filter(seen_at__lt=cutoff).delete()
    return requeued


class _Heartbeat(threading.Thread):
    """Keeps the heartbeat fresh and reaps orphans every few beats, on its own connection."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(daemon=True, name="reservoir-heartbeat")
        self.worker_id = worker_id
        self.stopped = threading.Event()

    def run(self) -> None:
        beats = 0
        while not self.stopped.wait(HEARTBEAT_SECONDS):
            try:
                beat(self.worker_id)
                beats += 1
                if beats % 3 == 0:
                    requeue_orphans()
            except Exception:
                logger.exception("heartbeat failed")
            finally:
                close_old_connections()
        connection.close()


def run_worker(
    *, queues: list[str] | None = None, interval: float = 1.0, max_tasks: int | None = None
) -> None:
    """Run tasks until SIGINT/SIGTERM (finishing the current task first).

    Side effects: heartbeat row for this worker; requeues orphaned tasks on start.
    """
    from django_tasks_db.management.commands.db_worker import Worker

    worker_id = new_worker_id()
    beat(worker_id)
    requeue_orphans()
    heartbeat = _Heartbeat(worker_id)
    heartbeat.start()
    worker = Worker(
        queue_names=queues or ["*"],
        interval=interval,
        batch=False,
        backend_name="default",
        startup_delay=False,
        max_tasks=max_tasks,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    worker.configure_signals()
    try:
        worker.run()
    finally:
        heartbeat.stopped.set()
        WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()
