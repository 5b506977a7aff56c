"""The record of a merge: who absorbed whom, by whom, how, and a snapshot to undo it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

__all__: list[str] = ["Merge", "MergeRule"]


class MergeRule(models.TextChoices):
    MOST_RECENT = "most_recent", _("Most recent")
    MOST_COMPLETE = "most_complete", _("Most complete")
    MOST_TRUSTED = "most_trusted", _("Most trusted source")


class Merge(models.Model):
    """`merged` was absorbed by `survivor`; `snapshot` holds both parties' rows as they were.

    `applied` holds the survivor's field values the merge set (to tell later edits apart on
    unmerge); `counts` the parties rows moved. Rows of other apps are in the core ledger
    under the operation "merge:<id>".
    """

    survivor = models.ForeignKey(
        "parties.Party", verbose_name=_("survivor"), on_delete=models.CASCADE, related_name="+"
    )
    merged = models.ForeignKey(
        "parties.Party", verbose_name=_("merged"), on_delete=models.CASCADE, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("merged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    auto = models.BooleanField(_("automatic"), default=False)
    probability = models.FloatField(_("match probability"), null=True, blank=True)
    rule = models.CharField(
        _("survivorship rule"), max_length=20, choices=MergeRule.choices, default="most_recent"
    )
    choices = models.JSONField(default=dict, blank=True)
    snapshot = models.JSONField(default=dict)
    applied = models.JSONField(default=dict)
    counts = models.JSONField(default=dict)
    created_at = models.DateTimeField(_("merged at"), auto_now_add=True, db_index=True)
    unmerged_at = models.DateTimeField(_("unmerged at"), null=True, blank=True)
    unmerged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("unmerged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("merge")
        verbose_name_plural = _("merges")
        indexes = [
            models.Index(fields=["survivor", "-created_at"], name="resolution_merge_survivor"),
            models.Index(fields=["merged"], name="resolution_merge_merged"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.unmerged_at is None
