"""Background work of bulk import: the dry run and the run of a job, by id.

Both are idempotent: the dry run replaces its results; the run resumes after the last
committed chunk and row keys keep a re-run from creating anything twice.
"""

from __future__ import annotations

from django_tasks import task

from reservoir.resolution.importing import services


@task()
def analyze_import(job_id: int) -> dict[str, int]:
    """Dry-run job `job_id`: the outcome of every row, nothing written to parties."""
    return services.analyze(job_id)


@task()
def run_import(job_id: int) -> dict[str, int]:
    """Import job `job_id` in chunks, with progress on the job."""
    return services.run(job_id)
