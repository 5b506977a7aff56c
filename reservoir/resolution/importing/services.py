"""The life of an import job: upload → mapping → dry run → run (or cancel).

`create_job` refuses a malformed file before anything is stored (FileRejected, a 4xx);
`analyze` (the dry run) and `run` execute in background tasks (`resolution.tasks_import`).
The run commits one transaction per chunk of rows, with the job's counters and the row
keys in the same transaction, so a killed worker resumes where the last commit ended and a
re-run of the same file adds nothing.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reservoir.audit import services as audit
from reservoir.core.errors import Conflict, InvalidInput
from reservoir.iam.enums import Role
from reservoir.iam.models import Team, User
from reservoir.resolution.importing import owners, readers
from reservoir.resolution.importing.engine import analyze_rows, run_rows
from reservoir.resolution.importing.fields import FIELD_KEYS, suggest_mapping
from reservoir.resolution.models import (
    DuplicatePolicy,
    ImportFormat,
    ImportJob,
    ImportStatus,
    OwnerMode,
    TerritoryRule,
)

logger = logging.getLogger(__name__)
SAMPLE_ROWS = 5
NAME_FIELDS = {"full_name", "family_name", "given_name", "company"}


@dataclass(frozen=True)
class ImportOptions:
    source_tag: str
    encoding: str = ""
    owner_mode: str = OwnerMode.ME
    owner_user: User | None = None
    owner_team: Team | None = None
    duplicate_policy: str = DuplicatePolicy.UPDATE


def _check_owner_scope(options: ImportOptions, by: User) -> None:
    """Below manager, new customers stay in the importer's team (else they could not see them)."""
    if by.has_role(Role.MANAGER):
        return
    user, team = options.owner_user, options.owner_team
    if (
        options.owner_mode == OwnerMode.USER
        and user is not None
        and user.pk != by.pk
        and user.team_id != by.team_id
    ):
        raise InvalidInput(_("Choose yourself or a member of your team."), field="owner_user")
    if options.owner_mode == OwnerMode.ROUND_ROBIN and team is not None and team.pk != by.team_id:
        raise InvalidInput(_("Only your own team can take turns."), field="owner_team")
    if options.owner_mode == OwnerMode.TERRITORY:
        raise InvalidInput(_("Only managers assign owners by territory."), field="owner_mode")


def _check_options(options: ImportOptions) -> None:
    if not options.source_tag.strip():
        raise InvalidInput(
            _("Give the import a source tag, e.g. “Trade show 2026”."), field="source_tag"
        )
    if len(options.source_tag) > 100:
        raise InvalidInput(
            _("The source tag is too long (100 characters at most)."), field="source_tag"
        )
    if options.encoding not in readers.ENCODINGS:
        raise InvalidInput(_("Unknown encoding."), field="encoding")
    if options.owner_mode not in OwnerMode.values:
        raise InvalidInput(_("Unknown owner assignment."), field="owner_mode")
    if options.duplicate_policy not in DuplicatePolicy.values:
        raise InvalidInput(_("Unknown duplicate policy."), field="duplicate_policy")
    if options.owner_mode == OwnerMode.USER and options.owner_user is None:
        raise InvalidInput(
            _("Choose the user who will own the imported customers."), field="owner_user"
        )
    if options.owner_mode == OwnerMode.ROUND_ROBIN:
        if options.owner_team is None:
            raise InvalidInput(_("Choose the team whose members take turns."), field="owner_team")
        if not options.owner_team.members.filter(is_active=True).exists():
            raise InvalidInput(_("That team has no active members."), field="owner_team")


def create_job(*, by: User, file_name: str, data: bytes, options: ImportOptions) -> ImportJob:
    """Check and store an uploaded file; return the job (waiting for mapping, or analyzing).

    Raises FileRejected (nothing stored) for a file that is too big, not CSV/XLSX/VCF,
    undecodable, damaged or with too many rows. Side effects: the file is saved under
    MEDIA_ROOT; audit entry; a vCard file's dry run is enqueued at once.
    """
    _check_options(options)
    _check_owner_scope(options, by)
    readers.check_size(len(data))
    fmt = readers.detect_format(file_name, data[:8])
    table = readers.read_file(fmt, data, options.encoding)
    mapping = table.fixed_mapping or suggest_mapping(table.columns)
    job = ImportJob(
        created_by=by,
        team_id=by.team_id,
        file_name=file_name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        format=fmt,
        encoding=table.encoding,
        delimiter=table.delimiter,
        source_tag=options.source_tag.strip(),
        owner_mode=options.owner_mode,
        owner_user=options.owner_user,
        owner_team=options.owner_team,
        duplicate_policy=options.duplicate_policy,
        columns=table.columns,
        sample=[row[: len(table.columns)] for row in table.rows[:SAMPLE_ROWS]],
        mapping=mapping,
        total_rows=len(table.rows),
    )
    with transaction.atomic():
        job.file.save(f"{job.sha256[:16]}.{fmt}", ContentFile(data), save=False)
        job.save()
        audit.record(
            by, "resolution.import.uploaded", job,
            data={"file": job.file_name, "rows": job.total_rows, "sha256": job.sha256},
        )  # fmt: skip
        if fmt == ImportFormat.VCF:
            _start_analysis(job)
    return job


def set_mapping(job: ImportJob, mapping: list[str], *, by: User) -> ImportJob:
    """Save the column mapping and start the dry run.

    Raises InvalidInput for an unknown field or no name column, Conflict once running.
    Side effects: audit entry; enqueues the dry run.
    """
    if job.status not in (ImportStatus.MAPPING, ImportStatus.READY, ImportStatus.ANALYZING):
        raise Conflict(_("This import has started; its mapping can no longer change."))
    if job.format == ImportFormat.VCF:
        raise Conflict(_("vCard files need no mapping."))
    if len(mapping) != len(job.columns) or set(mapping) - FIELD_KEYS - {""}:
        raise InvalidInput(_("Map every column to a known field or skip it."), field="mapping")
    if not NAME_FIELDS & set(mapping):
        raise InvalidInput(
            _("Map at least one column to a name (full, family or given name) or a company."),
            field="mapping",
        )
    with transaction.atomic():
        job.mapping = mapping
        audit.record(by, "resolution.import.mapped", job, data={"mapping": mapping})
        _start_analysis(job)
    return job


def _start_analysis(job: ImportJob) -> None:
    from reservoir.resolution.tasks_import import analyze_import

    job.status, job.processed_rows, job.dry_run_totals = ImportStatus.ANALYZING, 0, {}
    job.save()
    analyze_import.enqueue(job.pk)


def start_run(job: ImportJob, *, by: User) -> ImportJob:
    """Queue the import. Raises Conflict unless the dry run is done (or the run was
    cancelled or failed, which resumes it). Side effects: audit entry; enqueues the run."""
    from reservoir.resolution.tasks_import import run_import

    allowed = (ImportStatus.READY, ImportStatus.CANCELLED, ImportStatus.FAILED)
    if job.status not in allowed:
        raise Conflict(
            _("This import cannot be started now (%(s)s).") % {"s": job.get_status_display()}
        )
    with transaction.atomic():
        job.status, job.cancel_requested, job.error = ImportStatus.QUEUED, False, ""
        if job.started_at is None:
            job.processed_rows = 0  # the dry run's count; a resumed run keeps its own
        job.save(
            update_fields=["status", "cancel_requested", "error", "processed_rows", "updated_at"]
        )
        audit.record(by, "resolution.import.started", job)
        run_import.enqueue(job.pk)
    return job


def cancel(job: ImportJob, *, by: User) -> ImportJob:
    """Ask a queued or running import to stop after its current chunk. Side effects: audit."""
    if not job.is_active:
        raise Conflict(_("Only a queued or running import can be cancelled."))
    with transaction.atomic():
        ImportJob.objects.filter(pk=job.pk).update(cancel_requested=True)
        if job.status in (ImportStatus.QUEUED, ImportStatus.ANALYZING):
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportStatus.CANCELLED
                if job.status == ImportStatus.QUEUED
                else ImportStatus.MAPPING
            )
        audit.record(by, "resolution.import.cancelled", job)
    job.refresh_from_db()
    return job


def _table(job: ImportJob) -> readers.Table:
    job.file.open("rb")
    try:
        data = job.file.read()
    finally:
        job.file.close()
    return readers.read_file(job.format, data, job.encoding)


def analyze(job_id: int) -> dict[str, int]:
    """The dry run: every row's outcome without writing a party. Idempotent.

    Side effects: replaces the job's dry-run row results; sets its totals and READY.
    """
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.status != ImportStatus.ANALYZING:
        return {}
    try:
        totals = analyze_rows(job, _table(job))
    except readers.FileRejected as exc:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.REJECTED, error=exc.message)
        return {}
    except Exception as exc:
        logger.exception("dry run of import %s failed", job.pk)
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, error=_("The dry run failed: %(error)s") % {"error": exc}
        )
        return {}
    ImportJob.objects.filter(pk=job.pk, status=ImportStatus.ANALYZING).update(
        status=ImportStatus.READY, dry_run_totals=totals, analyzed_at=timezone.now(),
        processed_rows=job.total_rows,
    )  # fmt: skip
    return totals


def run(job_id: int) -> dict[str, int]:
    """Import the rows in chunks (resuming after the last committed chunk). Idempotent.

    Side effects: see `engine.run_rows`; the job ends COMPLETED, CANCELLED or FAILED with an
    audit entry carrying its counts.
    """
    job = ImportJob.objects.filter(pk=job_id).select_related("created_by").first()
    if job is None or job.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING):
        return {}
    if job.status == ImportStatus.QUEUED:
        job.status, job.started_at = ImportStatus.RUNNING, job.started_at or timezone.now()
        job.save(update_fields=["status", "started_at", "updated_at"])
    try:
        finished = run_rows(job, _table(job))
    except readers.FileRejected as exc:
        ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.FAILED, error=exc.message)
        return {}
    except Exception as exc:
        # Committed chunks stay (each is whole); "Resume" continues after the last one.
        logger.exception("import %s stopped", job.pk)
        done = ImportJob.objects.filter(pk=job.pk).values_list("processed_rows", flat=True).first()
        message = _("The import stopped after %(n)s rows (%(error)s). Resume it to continue.")
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportStatus.FAILED, error=message % {"n": done or 0, "error": exc}
        )
        return {}
    job.refresh_from_db()
    job.status = ImportStatus.COMPLETED if finished else ImportStatus.CANCELLED
    job.finished_at = timezone.now()
    with transaction.atomic():
        job.save(update_fields=["status", "finished_at", "updated_at"])
        counts = {
            "created": job.created_count,
            "updated": job.updated_count,
            "skipped": job.skipped_count,
            "flagged": job.flagged_count,
            "errors": job.error_count,
        }
        audit.record(job.created_by, f"resolution.import.{job.status}", job, data=counts)
    return counts


def save_territory_rules(text: str, *, by: User) -> int:
    """Replace the territory rules with the ones typed in `text`; return how many.

    Raises InvalidInput naming a bad line or an unknown user. Side effects: audit entry.
    """
    parsed = owners.parse_rules(text)
    users = {
        u.username: u
        for u in User.objects.filter(username__in=[r[2] for r in parsed], is_active=True)
    }
    for region, city, username in parsed:
        if username not in users:
            raise InvalidInput(
                _("No active user “%(u)s” (territory %(p)s).")
                % {"u": username, "p": region or city},
                field="territory_rules",
            )
    with transaction.atomic():
        TerritoryRule.objects.all().delete()
        TerritoryRule.objects.bulk_create(
            [
                TerritoryRule(
                    region=region[:100], city=city[:100], owner=users[username], position=i
                )
                for i, (region, city, username) in enumerate(parsed)
            ]
        )
        audit.record(by, "resolution.territory_rules.changed", by, data={"rules": text[:2000]})
    return len(parsed)
