"""SLA policies, the once-only ledger of SLA warnings and breaches, and agent profiles."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from reservoir.support.enums import CasePriority, CaseType, SlaEventKind, SlaTarget


class SlaPolicy(models.Model):
    """Targets in business hours for the cases it matches (lowest `position` first wins).

    Blank `priority` / `case_type` and a null `min_customer_value` match any case; customer
    value is the party's lifetime value (trait "clv.value", else "clv").
    """

    name = models.CharField(_("name"), max_length=120, unique=True)
    position = models.PositiveIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    priority = models.CharField(
        _("priority"), max_length=10, choices=CasePriority.choices, blank=True
    )
    case_type = models.CharField(_("type"), max_length=12, choices=CaseType.choices, blank=True)
    min_customer_value = models.DecimalField(
        _("minimum customer value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    first_response_hours = models.DecimalField(
        _("first response (business hours)"), max_digits=7, decimal_places=2
    )
    next_response_hours = models.DecimalField(
        _("next response (business hours)"), max_digits=7, decimal_places=2
    )
    resolution_hours = models.DecimalField(
        _("resolution (business hours)"), max_digits=7, decimal_places=2
    )
    calendar = models.ForeignKey(
        "calendars.BusinessCalendar",
        verbose_name=_("calendar"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty: the default calendar."),
    )
    warn_before_minutes = models.PositiveIntegerField(_("warn before (minutes)"), default=60)
    pause_on_pending_customer = models.BooleanField(
        _("pause while waiting for the customer"),
        default=True,
        help_text=_(
            "Resolution and next-response clocks stop while a case waits for the customer."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")

    def __str__(self) -> str:
        return self.name


class SlaEvent(models.Model):
    """A warning or breach of one target of one case, for one due time: written once.

    The unique key makes `check_sla` idempotent (a second run, or a second scheduler, finds
    the row and does nothing); the rows are also what the breach report reads.
    """

    case = models.ForeignKey("support.Case", on_delete=models.CASCADE, related_name="sla_events")
    target = models.CharField(max_length=16, choices=SlaTarget.choices)
    kind = models.CharField(max_length=8, choices=SlaEventKind.choices)
    due_at = models.DateTimeField()
    occurred_at = models.DateTimeField(db_index=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    policy_name = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "target", "kind", "due_at"], name="support_sla_event_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.target} {self.kind}"


class AgentProfile(models.Model):
    """What an agent can take: skills (case types, categories, product SKUs), regions, load."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    skills = models.JSONField(_("skills"), default=list, blank=True)
    regions = models.JSONField(_("regions"), default=list, blank=True)
    capacity = models.PositiveSmallIntegerField(_("open cases at most"), default=20)
    available = models.BooleanField(_("available"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("agent profile")
        verbose_name_plural = _("agent profiles")

    def __str__(self) -> str:
        return str(self.user)
