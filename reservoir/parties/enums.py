"""Party kinds, roles, contact-point kinds and relationship kinds."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PartyKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANIZATION = "organization", _("Organization")


class PartyStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PROVISIONAL = "provisional", _("Provisional")
    INACTIVE = "inactive", _("Inactive")
    # Absorbed by another party (see Party.merged_into); hidden from lists, search and
    # identification, kept so that the merge can be undone.
    MERGED = "merged", _("Merged")


class PartyRoleKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    PROSPECT = "prospect", _("Prospect")
    DISTRIBUTOR = "distributor", _("Distributor")
    PARTNER = "partner", _("Partner")
    SUPPLIER = "supplier", _("Supplier")


class ContactKind(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    WECHAT = "wechat", _("WeChat")
    WHATSAPP = "whatsapp", _("WhatsApp")
    LINE = "line", _("LINE")
    QQ = "qq", _("QQ")
    WEIBO = "weibo", _("Weibo")
    TELEGRAM = "telegram", _("Telegram")
    LINKEDIN = "linkedin", _("LinkedIn")
    WEB_LOGIN = "web_login", _("Web login")
    COOKIE = "cookie", _("Web cookie")
    CARD = "card", _("Customer card")


class RelationshipKind(models.TextChoices):
    EMPLOYEE_OF = "employee_of", _("Employee of")
    DISTRIBUTOR_FOR = "distributor_for", _("Distributor for")
    PARTNER_OF = "partner_of", _("Partner of")
    HOUSEHOLD_MEMBER = "household_member", _("Household member of")


class AddressFormat(models.TextChoices):
    CHINESE = "zh", _("Chinese (province → street)")
    WESTERN = "western", _("Western (street → country)")


class TraitSource(models.TextChoices):
    MANUAL = "manual", _("Typed by hand")
    CONTACT = "contact", _("Learned at a contact")
    COMPUTED = "computed", _("Computed")
    IMPORT = "import", _("Imported")
