"""Complaint recovery actions and satisfaction surveys."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from reservoir.support.enums import RecoveryKind, RecoveryStatus, SurveyKind


class RecoveryAction(models.Model):
    case = models.ForeignKey(
        "support.Case", on_delete=models.CASCADE, related_name="recovery_actions"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=RecoveryKind.choices)
    amount = models.DecimalField(
        _("amount"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    discount_pct = models.DecimalField(
        _("discount %"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    # What the decision service offered (offer code, or "discount:<pct>") and its digest.
    offer_code = models.CharField(_("offer"), max_length=100, blank=True)
    decision_ref = models.CharField(max_length=64, blank=True)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=RecoveryStatus.choices, default=RecoveryStatus.PLANNED
    )
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # The follow-up to-do created when the last action of the case was done.
    follow_up_todo_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("recovery action")
        verbose_name_plural = _("recovery actions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.case_id})"


class Survey(models.Model):
    case = models.ForeignKey(
        "support.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="surveys"
    )
    # A chat (contact_center sits above support): "app_label.model:pk".
    chat_ref = models.CharField(max_length=100, blank=True)
    party = models.ForeignKey("parties.Party", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=4, choices=SurveyKind.choices)
    token = models.CharField(max_length=64, unique=True)
    channel = models.CharField(max_length=10, default="email")
    score = models.SmallIntegerField(_("score"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    sent_at = models.DateTimeField(_("sent"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True, db_index=True)
    interaction_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        indexes = [models.Index(fields=["party", "kind"], name="support_survey_party")]

    def __str__(self) -> str:
        return f"{self.kind} {self.party_id}"
