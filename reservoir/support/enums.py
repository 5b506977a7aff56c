"""Case types, priorities, statuses (with the allowed transitions), channels and the kinds of
messages, recovery actions and surveys."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseType(models.TextChoices):
    QUESTION = "question", _("Question")
    PROBLEM = "problem", _("Problem")
    COMPLAINT = "complaint", _("Complaint")
    REPAIR = "repair", _("Repair / field visit")
    REQUEST = "request", _("Request")


class CasePriority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


PRIORITY_RANK: dict[str, int] = {
    CasePriority.LOW: 0,
    CasePriority.NORMAL: 1,
    CasePriority.HIGH: 2,
    CasePriority.URGENT: 3,
}


class CaseStatus(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    PENDING_CUSTOMER = "pending_customer", _("Waiting for the customer")
    PENDING_INTERNAL = "pending_internal", _("Waiting on us")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


# Statuses a case may move to from each status (closed is final; resolved may reopen).
TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.NEW: frozenset(
        {
            CaseStatus.OPEN,
            CaseStatus.PENDING_CUSTOMER,
            CaseStatus.PENDING_INTERNAL,
            CaseStatus.RESOLVED,
            CaseStatus.CLOSED,
        }
    ),
    CaseStatus.OPEN: frozenset(
        {
            CaseStatus.PENDING_CUSTOMER,
            CaseStatus.PENDING_INTERNAL,
            CaseStatus.RESOLVED,
            CaseStatus.CLOSED,
        }
    ),
    CaseStatus.PENDING_CUSTOMER: frozenset(
        {CaseStatus.OPEN, CaseStatus.PENDING_INTERNAL, CaseStatus.RESOLVED, CaseStatus.CLOSED}
    ),
    CaseStatus.PENDING_INTERNAL: frozenset(
        {CaseStatus.OPEN, CaseStatus.PENDING_CUSTOMER, CaseStatus.RESOLVED, CaseStatus.CLOSED}
    ),
    CaseStatus.RESOLVED: frozenset({CaseStatus.OPEN, CaseStatus.CLOSED}),
    CaseStatus.CLOSED: frozenset(),
}

ACTIVE_STATUSES = (
    CaseStatus.NEW,
    CaseStatus.OPEN,
    CaseStatus.PENDING_CUSTOMER,
    CaseStatus.PENDING_INTERNAL,
)
DONE_STATUSES = (CaseStatus.RESOLVED, CaseStatus.CLOSED)


class CaseChannel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    CHAT = "chat", _("Chat")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    API = "api", _("API")
    STAFF = "staff", _("Entered by staff")


# The timeline channel an interaction of each case channel is recorded under.
TIMELINE_CHANNEL: dict[str, str] = {
    CaseChannel.PORTAL: "portal",
    CaseChannel.CHAT: "chat",
    CaseChannel.EMAIL: "email",
    CaseChannel.PHONE: "phone",
    CaseChannel.API: "web",
    CaseChannel.STAFF: "phone",
}


class MessageVisibility(models.TextChoices):
    PUBLIC = "public", _("Customer-visible reply")
    INTERNAL = "internal", _("Internal note")


class MessageAuthor(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    AGENT = "agent", _("Agent")
    SYSTEM = "system", _("System")
    BOT = "bot", _("Bot")


class SlaTarget(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First response")
    NEXT_RESPONSE = "next_response", _("Next response")
    RESOLUTION = "resolution", _("Resolution")


class SlaEventKind(models.TextChoices):
    WARNING = "warning", _("Warning")
    BREACH = "breach", _("Breach")


class RecoveryKind(models.TextChoices):
    APOLOGY = "apology", _("Apology")
    CREDIT = "credit", _("Credit")
    DISCOUNT = "discount", _("Discount")
    REPLACEMENT = "replacement", _("Replacement")
    CALLBACK = "callback", _("Call-back")


class RecoveryStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class SurveyKind(models.TextChoices):
    CSAT = "csat", _("Satisfaction (CSAT, 1–5)")
    NPS = "nps", _("Net promoter (NPS, 0–10)")


SURVEY_SCALE: dict[str, tuple[int, int]] = {SurveyKind.CSAT: (1, 5), SurveyKind.NPS: (0, 10)}
