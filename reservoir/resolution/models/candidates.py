"""The match index (blocking keys per party) and the duplicate candidates awaiting review."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from reservoir.core.models import TimeStampedModel

__all__ = ["CandidateStatus", "DuplicateCandidate", "DuplicateScan", "MatchKey"]


class MatchKey(models.Model):
    """One blocking key of one active or provisional party (merged parties have none).

    Rebuilt per party whenever its names, contact points or addresses change; the
    (key, party) index answers "who shares a key with this record" in one range scan.
    """

    party = models.ForeignKey("parties.Party", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)

    class Meta:
        indexes = [models.Index(fields=["key", "party"], name="resolution_matchkey_key")]

    def __str__(self) -> str:
        return f"{self.key} → {self.party_id}"


class CandidateStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MERGED = "merged", _("Merged")
    NOT_DUPLICATE = "not_duplicate", _("Not a duplicate")
    AUTO_MERGED = "auto_merged", _("Merged automatically")


class DuplicateCandidate(TimeStampedModel):
    """A pair of parties that may be the same customer (party_a.id < party_b.id).

    The pair is unique: once decided ("not a duplicate", merged), detection never suggests
    it again. `evidence` holds the field-by-field comparison the score came from.
    """

    party_a = models.ForeignKey("parties.Party", on_delete=models.CASCADE, related_name="+")
    party_b = models.ForeignKey("parties.Party", on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField(_("probability"))
    evidence = models.JSONField(_("evidence"), default=list, blank=True)
    cluster_key = models.CharField(max_length=32, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=16, choices=CandidateStatus.choices, default=CandidateStatus.OPEN
    )
    source = models.CharField(max_length=16, default="batch")  # "batch" | "ingestion"
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("duplicate candidate")
        verbose_name_plural = _("duplicate candidates")
        constraints = [
            models.UniqueConstraint(fields=["party_a", "party_b"], name="resolution_pair_unique"),
            models.CheckConstraint(
                condition=models.Q(party_a__lt=models.F("party_b")),
                name="resolution_pair_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-probability"], name="resolution_dup_queue"),
            models.Index(fields=["party_b"], name="resolution_dup_party_b"),
        ]

    def __str__(self) -> str:
        return f"{self.party_a_id} ~ {self.party_b_id} ({self.probability:.2f})"


class DuplicateScan(models.Model):
    """One run of the batch duplicate detection (the queue shows the last one)."""

    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    parties = models.PositiveIntegerField(default=0)
    pairs = models.PositiveIntegerField(default=0)
    new_pairs = models.PositiveIntegerField(default=0)
    auto_merged = models.PositiveIntegerField(default=0)

    class Meta:
        get_latest_by = "started_at"

    def __str__(self) -> str:
        return f"scan {self.started_at:%Y-%m-%d %H:%M}"
