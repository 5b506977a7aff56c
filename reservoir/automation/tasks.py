"""Automation background work (thin: each task calls the engine, which is idempotent)."""

from __future__ import annotations

from django_tasks import task

from reservoir.automation import engine, timers


@task()
def execute_run(run_id: int) -> str:
    """Execute one automation run (a finished run is left alone)."""
    return engine.execute(run_id)


@task()
def fire_due_runs() -> int:
    """Turn due time-trigger rows into runs (each exactly once)."""
    return timers.fire_due()


@task()
def run_schedules() -> int:
    """Start the scheduled rules' runs for the current slot."""
    return timers.run_schedules()
