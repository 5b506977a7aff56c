"""Consent channels, purposes, statuses and sources (a leaf module: no imports from apps)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ConsentChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    PHONE = "phone", _("Phone calls")
    WECHAT = "wechat", _("WeChat")
    WHATSAPP = "whatsapp", _("WhatsApp")
    POST = "post", _("Post")


class ConsentPurpose(models.TextChoices):
    MARKETING = "marketing", _("Offers and news")
    SERVICE = "service", _("Service messages")
    SURVEYS = "surveys", _("Surveys")


class ConsentStatus(models.TextChoices):
    GRANTED = "granted", _("Granted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ConsentSource(models.TextChoices):
    PORTAL = "portal", _("Customer portal")
    STAFF = "staff", _("Staff")
    IMPORT = "import", _("Import")
    API = "api", _("API")


# Purposes a customer must opt in to; the others are allowed until withdrawn.
OPT_IN_PURPOSES = frozenset({ConsentPurpose.MARKETING})
