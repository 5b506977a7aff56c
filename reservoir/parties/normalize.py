"""Normalizing contact points so one customer is recognized in every channel.

Phones become E.164 (phonenumbers, default region from settings); emails are trimmed and
lower-cased (the local part is case-insensitive at every provider that matters); chat and
social ids are trimmed, and lower-cased where the network treats them case-insensitively.
"""

from __future__ import annotations

import re

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from reservoir.core.errors import InvalidInput
from reservoir.parties.enums import ContactKind

_CASE_INSENSITIVE = {
    ContactKind.WHATSAPP,
    ContactKind.LINE,
    ContactKind.TELEGRAM,
    ContactKind.WEIBO,
}
_KINDS = frozenset(ContactKind.values)
_PHONE_CHARS = re.compile(r"^[\d\s()+\-./]{5,}$")


def normalize_phone(raw: str, region: str | None = None) -> str:
    """Return `raw` as E.164, or raise InvalidInput naming the problem."""
    text = (raw or "").strip()
    if not text:
        raise InvalidInput(_("The phone number is empty."), field="phone")
    try:
        number = phonenumbers.parse(text, region or settings.DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException as exc:
        raise InvalidInput(
            _("“%(raw)s” is not a phone number.") % {"raw": text}, field="phone"
        ) from exc
    if not phonenumbers.is_possible_number(number) or not phonenumbers.is_valid_number(number):
        raise InvalidInput(
            _("“%(raw)s” is not a valid phone number.") % {"raw": text}, field="phone"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def try_normalize_phone(raw: str) -> str | None:
    """Return the E.164 form of `raw` if it looks like and is a phone number, else None."""
    if not raw or not _PHONE_CHARS.match(raw.strip()):
        return None
    try:
        return normalize_phone(raw)
    except InvalidInput:
        return None


def normalize_email(raw: str) -> str:
    """Return `raw` trimmed and lower-cased, or raise InvalidInput if it is not an address."""
    text = (raw or "").strip().lower()
    try:
        validate_email(text)
    except ValidationError as exc:
        raise InvalidInput(
            _("“%(raw)s” is not an email address.") % {"raw": raw}, field="email"
        ) from exc
    return text


def normalize(kind: str, raw: str) -> str:
    """Return the normalized value of a contact point of `kind`."""
    if kind not in _KINDS:
        raise InvalidInput(_("Unknown contact kind “%(kind)s”.") % {"kind": kind}, field="kind")
    if kind == ContactKind.PHONE:
        return normalize_phone(raw)
    if kind == ContactKind.EMAIL:
        return normalize_email(raw)
    text = (raw or "").strip()
    if not text or len(text) > 255:
        raise InvalidInput(
            _("The %(kind)s id is empty or too long.") % {"kind": kind}, field="value"
        )
    return text.lower() if kind in _CASE_INSENSITIVE else text


def format_phone(e164: str) -> str:
    """Return an E.164 number formatted for display (national format for the home region)."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    region = phonenumbers.region_code_for_number(number)
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if region == settings.DEFAULT_PHONE_REGION
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)
