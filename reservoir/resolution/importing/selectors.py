"""Reads for import jobs: visible like customer records (creator, creator's team, above)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from reservoir.core.errors import NotFound
from reservoir.iam.models import User
from reservoir.iam.visibility import visible_q
from reservoir.resolution.importing import readers
from reservoir.resolution.importing.engine import Decision, parse_all
from reservoir.resolution.importing.rows import ImportRow
from reservoir.resolution.models import ImportJob, ImportRowResult, RowOutcome

PREVIEW_ROWS = 10


def jobs_for(user: User) -> QuerySet[ImportJob]:
    """Return the import jobs `user` may see."""
    return ImportJob.objects.filter(visible_q(user, owner="created_by", team="team"))


def list_jobs(*, actor: User) -> QuerySet[ImportJob]:
    return jobs_for(actor).select_related("created_by").order_by("-created_at", "-id")


def get_job(*, actor: User, job_id: int) -> ImportJob:
    """Return one visible job or raise NotFound (invisible and missing look the same)."""
    job = (
        jobs_for(actor)
        .select_related("created_by", "owner_user", "owner_team")
        .filter(pk=job_id)
        .first()
    )
    if job is None:
        raise NotFound(_("No import with id %(id)s.") % {"id": job_id})
    return job


def latest_phase(job: ImportJob) -> str:
    return "run" if job.started_at else "dry"


def list_results(
    job: ImportJob, *, outcome: str = "", phase: str = ""
) -> QuerySet[ImportRowResult]:
    qs = ImportRowResult.objects.filter(job=job, phase=phase or latest_phase(job))
    if outcome:
        qs = qs.filter(outcome=outcome)
    return qs.order_by("row")


def read_table(job: ImportJob) -> readers.Table:
    job.file.open("rb")
    try:
        data = job.file.read()
    finally:
        job.file.close()
    return readers.read_file(job.format, data, job.encoding)


def preview(job: ImportJob) -> list[ImportRow | Decision]:
    """The first rows of the file as they would be imported (or why they cannot be)."""
    table = read_table(job)
    table.rows = table.rows[:PREVIEW_ROWS]
    return parse_all(job, table)


def error_rows(job: ImportJob) -> Iterator[list[str]]:
    """The header + an error column, then each failing row's cells and its message."""
    errors = dict(list_results(job, outcome=RowOutcome.ERROR).values_list("row", "message"))
    table = read_table(job)
    yield [*table.columns, str(_("Error"))]
    for index, cells in enumerate(table.rows):
        line = table.first_row + index
        if line in errors:
            yield [*cells[: len(table.columns)], errors[line]]
