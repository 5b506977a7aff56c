"""To-dos: a piece of work for one person, due at a time, linked to any record."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from reservoir.core.models import TimeStampedModel


class TodoStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class TodoPriority(models.TextChoices):
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")


class Todo(TimeStampedModel):
    title = models.CharField(_("title"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=TodoStatus.choices, default=TodoStatus.OPEN
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=TodoPriority.choices, default=TodoPriority.NORMAL
    )
    due_at = models.DateTimeField(_("due"), null=True, blank=True, db_index=True)
    remind_at = models.DateTimeField(_("reminder"), null=True, blank=True, db_index=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The assignee's team when the to-do was assigned: decides who else may see it.
    team = models.ForeignKey(
        "iam.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    party = models.ForeignKey(
        "parties.Party",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    # Any other record, like timeline's links: (app_label, model, pk).
    link_app_label = models.CharField(max_length=50, blank=True)
    link_model = models.CharField(max_length=50, blank=True)
    link_pk = models.CharField(max_length=64, blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [
            models.Index(fields=["assignee", "status", "due_at"]),
            models.Index(fields=["party", "status"]),
        ]

    def __str__(self) -> str:
        return self.title
