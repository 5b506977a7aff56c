"""Automation background work (thin: each task calls the engine, which is idempotent)."""

from __future__ import annotations

from django_tasks import task

from reservoir.automation import engine, imports, timers


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


@task()
def start_import_runs(job_id: int, party_ids: list[int], source: str) -> int:
    """Start the customer-created rules' runs for one imported chunk (idempotent per party)."""
    return imports.start_runs(job_id, party_ids, source)
