"""Cases, their messages (customer-visible replies and internal notes) and attachments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reservoir.core.models import TimeStampedModel
from reservoir.support.enums import (
    CaseChannel,
    CasePriority,
    CaseStatus,
    CaseType,
    MessageAuthor,
    MessageVisibility,
)


class Case(TimeStampedModel):
    number = models.CharField(_("number"), max_length=20, unique=True, null=True, blank=True)
    party = models.ForeignKey(
        "parties.Party", verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+"
    )
    subject = models.CharField(_("subject"), max_length=255)
    type = models.CharField(
        _("type"), max_length=12, choices=CaseType.choices, default=CaseType.QUESTION
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=CasePriority.choices, default=CasePriority.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.NEW
    )
    category = models.CharField(_("category"), max_length=100, blank=True)
    product = models.ForeignKey(
        "sales.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=CaseChannel.choices)
    team = models.ForeignKey(
        "iam.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    region = models.CharField(_("region"), max_length=100, blank=True)
    opened_at = models.DateTimeField(_("opened"), db_index=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    last_customer_message_at = models.DateTimeField(null=True, blank=True)
    last_agent_reply_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    sla_policy = models.ForeignKey(
        "support.SlaPolicy",
        verbose_name=_("SLA policy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    first_response_due = models.DateTimeField(null=True, blank=True, db_index=True)
    next_response_due = models.DateTimeField(null=True, blank=True, db_index=True)
    resolution_due = models.DateTimeField(null=True, blank=True, db_index=True)
    first_response_breached = models.BooleanField(default=False)
    next_response_breached = models.BooleanField(default=False)
    resolution_breached = models.BooleanField(default=False)
    # The resolution and next-response clocks stop while the case waits for the customer
    # (support.sla.sync_pause): when the current pause began, and the business seconds the
    # resolution due time has been moved out by so far (re-applied when the policy changes).
    sla_paused_at = models.DateTimeField(_("SLA paused since"), null=True, blank=True)
    sla_paused_seconds = models.PositiveIntegerField(_("SLA paused (business seconds)"), default=0)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    # Resolved at the first contact: set when resolved (no customer follow-up, no reopen).
    first_contact_resolution = models.BooleanField(null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(default=0)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_cases",
    )
    # The timeline episode every message of the case is recorded in.
    conversation = models.ForeignKey(
        "timeline.Conversation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["party", "status"], name="support_case_party"),
            models.Index(fields=["assignee", "status"], name="support_case_assignee"),
            models.Index(fields=["team", "status"], name="support_case_team"),
            models.Index(fields=["status", "-opened_at"], name="support_case_status"),
        ]

    def __str__(self) -> str:
        return f"{self.number or self.pk} {self.subject}"

    @property
    def is_active(self) -> bool:
        return self.status not in (CaseStatus.RESOLVED, CaseStatus.CLOSED)


class CaseMessage(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    author_kind = models.CharField(max_length=10, choices=MessageAuthor.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("message"), blank=True)  # cleaned HTML (nh3)
    body_text = models.TextField(blank=True)
    visibility = models.CharField(
        max_length=10, choices=MessageVisibility.choices, default=MessageVisibility.PUBLIC
    )
    channel = models.CharField(max_length=10, choices=CaseChannel.choices)
    created_at = models.DateTimeField(db_index=True)
    interaction_id = models.BigIntegerField(null=True, blank=True)
    # Email threading (the mail helper fills these for inbound and outbound mail).
    message_id = models.CharField(max_length=255, blank=True)
    in_reply_to = models.CharField(max_length=255, blank=True)
    references = models.TextField(blank=True)
    email_from = models.CharField(max_length=255, blank=True)
    email_to = models.TextField(blank=True)
    # Inbound customer messages: when an agent answered (for next-response tracking).
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["message_id"],
                condition=~Q(message_id=""),
                name="support_message_id_unique",
            )
        ]
        indexes = [models.Index(fields=["case", "created_at"], name="support_msg_case")]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.pk}"


def _upload_to(instance: Attachment, filename: str) -> str:
    return f"support/{instance.sha256[:2]}/{instance.sha256}/{filename}"


class Attachment(models.Model):
    message = models.ForeignKey(CaseMessage, on_delete=models.CASCADE, related_name="attachments")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_upload_to, max_length=300)
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.filename
