"""Background rescoring of data completeness: nightly, and after the weights change."""

from __future__ import annotations

from django_tasks import task

from reservoir.resolution.completeness import services


@task()
def recompute_completeness(trigger: str = "nightly") -> dict[str, int]:
    """Rescore every party (idempotent: unchanged scores are not written again)."""
    run = services.recompute(trigger=trigger)
    return {"parties": run.parties, "changed": run.changed}
