"""Hit policies, version states, offer kinds, suppressions and the channels that ask."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class HitPolicy(models.TextChoices):
    FIRST = "first", _("First match")
    PRIORITY = "priority", _("Highest routing priority")
    COLLECT = "collect", _("Collect all matches")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class OfferKind(models.TextChoices):
    SALES = "sales", _("Sales (cross-sell, up-sell)")
    MARKETING = "marketing", _("Marketing")
    SERVICE = "service", _("Service / retention")


class Suppress(models.TextChoices):
    NONE = "", _("—")
    SALES = "sales", _("Sales offers")
    MARKETING = "marketing", _("Marketing offers")
    ALL = "all", _("All offers")


class DecisionChannel(models.TextChoices):
    PHONE = "phone", _("Phone")
    CHAT = "chat", _("Web chat")
    PORTAL = "portal", _("Portal")
    EMAIL = "email", _("Email")
    CAMPAIGN = "campaign", _("Campaign")
    QUOTE = "quote", _("Quote")
    IVR = "ivr", _("IVR")
    SMS = "sms", _("SMS")
    MESSAGING = "messaging", _("Messaging app")
    WEB = "web", _("Web")
    VISIT = "visit", _("Visit")


SIMULATED_CHANNELS = ("phone", "chat", "portal", "email", "campaign", "quote")
