"""Data completeness (ID6): configurable field weights and the record of each recompute.

The catalogue of fields (and their default weights) lives in code, in
`reservoir.resolution.completeness.fields`; a `CompletenessWeight` row exists only for a
field whose weight or kinds somebody changed, so the defaults need no data migration.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__ = ["AppliesTo", "CompletenessRun", "CompletenessWeight"]


class AppliesTo(models.TextChoices):
    PERSON = "person", _("Persons")
    ORGANIZATION = "organization", _("Organizations")
    BOTH = "both", _("Both")


class CompletenessWeight(models.Model):
    """How much one catalogue field counts towards a party's completeness score."""

    field_key = models.CharField(_("field"), max_length=50, unique=True)
    weight = models.PositiveSmallIntegerField(_("weight"))
    applies_to = models.CharField(_("applies to"), max_length=16, choices=AppliesTo.choices)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("completeness weight")
        verbose_name_plural = _("completeness weights")

    def __str__(self) -> str:
        return f"{self.field_key}: {self.weight} ({self.applies_to})"


class CompletenessRun(models.Model):
    """One recompute of the completeness trait over the whole base (or a set of parties)."""

    trigger = models.CharField(_("trigger"), max_length=20)  # nightly | weights | manual | parties
    weights_version = models.CharField(max_length=20)
    started_at = models.DateTimeField(_("started"))
    finished_at = models.DateTimeField(_("finished"))
    parties = models.PositiveIntegerField(_("parties"), default=0)
    changed = models.PositiveIntegerField(_("changed"), default=0)
    average = models.FloatField(_("average score"), null=True, blank=True)

    class Meta:
        verbose_name = _("completeness recompute")
        verbose_name_plural = _("completeness recomputes")
        indexes = [models.Index(fields=["-finished_at"], name="resolution_crun_finished")]

    def __str__(self) -> str:
        return f"completeness {self.trigger} {self.finished_at:%Y-%m-%d %H:%M}"
