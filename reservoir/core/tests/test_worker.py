import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from reservoir.audit.models import AuditEntry
from reservoir.core.tests.sample_tasks import effect_then_linger
from reservoir.core.worker import requeue_orphans

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _db_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER'] or 'postgres'}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _start_worker(tmp_path: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _db_url(),
        "RESERVOIR_DATA_DIR": str(tmp_path),
        "TASK_WORKER_HEARTBEAT_SECONDS": "0.3",
        "TASK_WORKER_STALE_SECONDS": "2",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "reservoir.cli", "worker", "--interval", "0.1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_for(predicate, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def _effects(key: str) -> int:
    return AuditEntry.objects.filter(action="test.effect.done", object_pk=key).count()


def test_task_completes_once_when_worker_is_killed_mid_task(tmp_path):
    flag = tmp_path / "linger"
    flag.touch()
    result = effect_then_linger.enqueue(key="k-1", linger_flag=str(flag))
    first = _start_worker(tmp_path)
    try:
        assert _wait_for(lambda: _effects("k-1") == 1)
        assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.RUNNING

        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        flag.unlink()
        second = _start_worker(tmp_path)
        try:
            done = _wait_for(
                lambda: DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.SUCCESSFUL
            )
        finally:
            second.terminate()
            second.wait(timeout=15)
    finally:
        if first.poll() is None:
            first.kill()

    task = DBTaskResult.objects.get(pk=result.id)
    assert done
    assert len(task.worker_ids) == 2
    assert _effects("k-1") == 1


def test_running_task_of_live_worker_is_left_alone_when_reaping(tmp_path):
    flag = tmp_path / "linger"
    flag.touch()
    result = effect_then_linger.enqueue(key="k-2", linger_flag=str(flag))
    worker = _start_worker(tmp_path)
    try:
        assert _wait_for(lambda: _effects("k-2") == 1)

        requeued = requeue_orphans(stale_after=2)

        assert requeued == 0
        assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.RUNNING
    finally:
        flag.unlink()
        worker.terminate()
        worker.wait(timeout=15)
