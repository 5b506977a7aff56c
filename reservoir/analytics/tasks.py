"""Background work of the analytics warehouse (thin; the services keep the bookkeeping)."""

from __future__ import annotations

from django_tasks import task

from reservoir.analytics import services


@task(queue_name="analytics")  # long: the demo and deployments give it a worker of its own
def refresh_warehouse(run_id: int) -> str:
    """Run warehouse refresh `run_id`; return its final status. Safe to retry."""
    return str(services.run_refresh(run_id).status)


@task()
def scheduled_refresh() -> int:
    """The 15-minute incremental refresh; skipped while another run is queued or running."""
    return services.scheduled_refresh()


@task()
def nightly_full_refresh() -> int:
    """A daily full rebuild: picks up what incremental refreshes cannot see (edited
    interactions, rows moved between parties by a merge, deleted parties)."""
    run = services.request_refresh(by=None, full=True)
    return run.pk
