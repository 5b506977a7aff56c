"""Bulk import jobs, their per-row outcomes, the row keys that make re-runs idempotent, and
the territory rules that assign imported parties to owners."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from reservoir.core.models import TimeStampedModel

__all__ = [
    "DuplicatePolicy",
    "ImportFormat",
    "ImportJob",
    "ImportRowKey",
    "ImportRowResult",
    "ImportStatus",
    "OwnerMode",
    "RowOutcome",
    "TerritoryRule",
]


class ImportFormat(models.TextChoices):
    CSV = "csv", _("CSV")
    XLSX = "xlsx", _("Excel (.xlsx)")
    VCF = "vcf", _("vCard (.vcf)")


class ImportStatus(models.TextChoices):
    MAPPING = "mapping", _("Needs column mapping")
    ANALYZING = "analyzing", _("Dry run in progress")
    READY = "ready", _("Ready to import")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Importing")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    FAILED = "failed", _("Failed")
    REJECTED = "rejected", _("Rejected")


class OwnerMode(models.TextChoices):
    ME = "me", _("Me")
    USER = "user", _("A chosen user")
    ROUND_ROBIN = "round_robin", _("Round robin among a team")
    TERRITORY = "territory", _("By territory (region / city)")


class DuplicatePolicy(models.TextChoices):
    UPDATE = "update", _("Update the existing customer")
    SKIP = "skip", _("Skip the row")
    CREATE = "create", _("Create anyway and flag as a possible duplicate")


class RowOutcome(models.TextChoices):
    CREATE = "create", _("Create")
    UPDATE = "update", _("Update existing")
    UNCHANGED = "unchanged", _("Already up to date")
    SKIP = "skip", _("Skip (exists)")
    FLAG = "flag", _("Create, flagged as possible duplicate")
    DUPLICATE = "duplicate", _("Duplicate of an earlier row")
    ERROR = "error", _("Error")


class ImportJob(TimeStampedModel):
    """One uploaded file and its way through mapping, dry run and import.

    Visible like a customer record: to its creator, the creator's team and above
    (iam.visibility with owner=created_by).
    """

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    team = models.ForeignKey(
        "iam.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_name = models.CharField(_("file"), max_length=255)
    file = models.FileField(upload_to="imports/%Y/%m/", max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(default=0)
    format = models.CharField(_("format"), max_length=8, choices=ImportFormat.choices)
    encoding = models.CharField(_("encoding"), max_length=32, blank=True)
    delimiter = models.CharField(max_length=1, blank=True)
    source_tag = models.CharField(_("source"), max_length=100)
    owner_mode = models.CharField(
        _("owner"), max_length=16, choices=OwnerMode.choices, default=OwnerMode.ME
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner_team = models.ForeignKey(
        "iam.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    duplicate_policy = models.CharField(
        _("duplicates"),
        max_length=8,
        choices=DuplicatePolicy.choices,
        default=DuplicatePolicy.UPDATE,
    )
    columns = models.JSONField(default=list, blank=True)
    sample = models.JSONField(default=list, blank=True)
    mapping = models.JSONField(default=list, blank=True)  # one field name per column ("" = skip)
    status = models.CharField(
        _("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.MAPPING
    )
    error = models.TextField(_("error"), blank=True)
    dry_run_totals = models.JSONField(default=dict, blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    skipped_count = models.PositiveIntegerField(_("skipped"), default=0)
    flagged_count = models.PositiveIntegerField(_("flagged"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    round_robin_cursor = models.PositiveIntegerField(default=0)
    cancel_requested = models.BooleanField(default=False)
    analyzed_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["team", "created_by"], name="resolution_import_owner")]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.source_tag})"

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status == ImportStatus.COMPLETED else 0
        return min(100, round(100 * self.processed_rows / self.total_rows))

    @property
    def is_active(self) -> bool:
        return self.status in (ImportStatus.ANALYZING, ImportStatus.QUEUED, ImportStatus.RUNNING)


class ImportRowResult(models.Model):
    """What the dry run ("dry") or the import ("run") did with one data row of the file."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="results")
    phase = models.CharField(max_length=4)  # "dry" | "run"
    row = models.PositiveIntegerField()  # the row's line in the file (header = 1)
    outcome = models.CharField(max_length=12, choices=RowOutcome.choices)
    party_id = models.BigIntegerField(null=True, blank=True)  # created, updated or skipped
    matched_party_id = models.BigIntegerField(null=True, blank=True)  # the existing look-alike
    matched_by = models.CharField(max_length=16, blank=True)  # email|phone|wechat|key|probable
    probability = models.FloatField(null=True, blank=True)
    duplicate_of = models.PositiveIntegerField(null=True, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["job", "phase", "row"], name="resolution_importrow"),
            models.Index(fields=["job", "phase", "outcome"], name="resolution_importrow_out"),
        ]


class ImportRowKey(models.Model):
    """A hash of one imported row's identifying fields and source, and the party it made.

    Importing the same row again finds its key and never creates a second party.
    """

    key = models.CharField(max_length=64, unique=True)
    party = models.ForeignKey("parties.Party", on_delete=models.CASCADE, related_name="+")
    job = models.ForeignKey(ImportJob, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)


class TerritoryRule(models.Model):
    """Imported parties whose address is in `region`/`city` go to `owner` (city first)."""

    region = models.CharField(_("province / state"), max_length=100, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("territory rule")
        verbose_name_plural = _("territory rules")

    def __str__(self) -> str:
        return f"{self.region}/{self.city} → {self.owner_id}"
