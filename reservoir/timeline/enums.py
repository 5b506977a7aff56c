"""Channels, directions and kinds of interactions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    IVR = "ivr", _("IVR")
    EMAIL = "email", _("Email")
    CHAT = "chat", _("Web chat")
    WEB = "web", _("Web visit")
    PORTAL = "portal", _("Portal")
    SMS = "sms", _("SMS")
    MESSAGING = "messaging", _("Messaging app")
    MEETING = "meeting", _("Meeting")
    VISIT = "visit", _("Visit")
    LETTER = "letter", _("Letter")
    FAX = "fax", _("Fax")
    CAMPAIGN = "campaign", _("Campaign message")


class Direction(models.TextChoices):
    INBOUND = "inbound", _("Inbound")
    OUTBOUND = "outbound", _("Outbound")
    INTERNAL = "internal", _("Internal")


class Kind(models.TextChoices):
    NOTE = "note", _("Note")
    CALL = "call", _("Call")
    MEETING = "meeting", _("Meeting")
    MESSAGE = "message", _("Message")
    VISIT = "visit", _("Visit")
    PAGE_VIEW = "page_view", _("Page view")
    TRANSACTION = "transaction", _("Transaction")
    SURVEY = "survey", _("Survey answer")
    TASK = "task", _("Task")


class Outcome(models.TextChoices):
    NONE = "", _("—")
    RESOLVED = "resolved", _("Resolved")
    FOLLOW_UP = "follow_up", _("Follow-up needed")
    NO_ANSWER = "no_answer", _("No answer")
    LEFT_MESSAGE = "left_message", _("Left a message")
    INTERESTED = "interested", _("Interested")
    NOT_INTERESTED = "not_interested", _("Not interested")
    PURCHASED = "purchased", _("Purchased")
    COMPLAINED = "complained", _("Complained")
    ESCALATED = "escalated", _("Escalated")


# Which contact-point kind identifies the customer in a channel, when only an address is given.
CHANNEL_IDENTITY: dict[str, str] = {
    Channel.PHONE: "phone",
    Channel.IVR: "phone",
    Channel.SMS: "phone",
    Channel.FAX: "phone",
    Channel.EMAIL: "email",
    Channel.CAMPAIGN: "email",
}
