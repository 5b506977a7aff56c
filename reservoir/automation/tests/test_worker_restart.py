"""Time triggers against real worker and scheduler processes (acceptance item 5)."""

import datetime as dt
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from reservoir.automation import timers
from reservoir.automation.enums import RunStatus, TriggerKind
from reservoir.automation.models import DueRun, Run
from reservoir.automation.tests.factories import RuleFactory
from reservoir.iam.tests.factories import UserFactory
from reservoir.parties.tests.factories import PartyFactory
from reservoir.todos.models import Todo

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def _db_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER'] or 'postgres'}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _start(tmp_path: Path, *args: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _db_url(),
        "RESERVOIR_DATA_DIR": str(tmp_path),
        "TASK_WORKER_HEARTBEAT_SECONDS": "0.3",
        "TASK_WORKER_STALE_SECONDS": "2",
    }
    return subprocess.Popen(
        [sys.executable, "-m", "reservoir.cli", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _stop(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def _arrange(seconds_ahead: float):
    user = UserFactory()
    rule = RuleFactory(
        trigger=TriggerKind.DELAY,
        trigger_options={"event": "interaction.recorded", "hours": 1, "unless": ""},
        actions=[
            {
                "type": "create_todo",
                "options": {
                    "title": "Call back",
                    "due_in": 0,
                    "due_unit": "days",
                    "assign_to": "user",
                    "user": user.pk,
                },
            }
        ],
    )
    party = PartyFactory()
    due_at = timezone.now() + dt.timedelta(seconds=seconds_ahead)
    timers.schedule(rule, key="interaction:1", party_id=party.pk, event={}, due_at=due_at)
    return rule, due_at


def _succeeded() -> bool:
    return Run.objects.filter(status=RunStatus.SUCCEEDED).exists()


def test_time_trigger_fires_within_60s_of_due_time_when_worker_runs(tmp_path):
    rule, due_at = _arrange(5)
    worker = _start(tmp_path, "worker", "--interval", "0.2")
    scheduler = _start(tmp_path, "scheduler")
    try:
        fired = _wait_for(_succeeded, timeout=75)
    finally:
        _stop(scheduler)
        _stop(worker)

    run = Run.objects.get(rule=rule)
    assert fired
    assert run.finished_at - due_at < dt.timedelta(seconds=60)
    assert run.finished_at >= due_at
    assert Todo.objects.count() == 1


def test_time_trigger_fires_once_when_worker_is_stopped_and_killed_around_due_time(tmp_path):
    rule, due_at = _arrange(6)
    scheduler = _start(tmp_path, "scheduler")
    first = _start(tmp_path, "worker", "--interval", "0.2")
    second = third = None
    try:
        time.sleep(3)
        _stop(first)  # a clean stop before the due time
        time.sleep(max((due_at - timezone.now()).total_seconds(), 0) + 2)
        second = _start(tmp_path, "worker", "--interval", "0.2")
        assert _wait_for(lambda: DueRun.objects.filter(fired_at__isnull=False).exists(), 60)
        _stop(second, signal.SIGKILL)  # killed right after the due row fired
        third = _start(tmp_path, "worker", "--interval", "0.2")
        done = _wait_for(_succeeded, timeout=60)
        time.sleep(2)  # a late duplicate would show up now
    finally:
        for process in (third, second, first, scheduler):
            if process is not None:
                _stop(process)

    run = Run.objects.get(rule=rule)
    assert done
    assert Run.objects.count() == 1
    assert Todo.objects.count() == 1
    assert run.finished_at - due_at < dt.timedelta(seconds=60)
