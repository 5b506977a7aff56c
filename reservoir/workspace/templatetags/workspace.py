"""Display helpers for the staff workspace: phones, contact links, durations, badges, traits."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django import template
from django.utils import translation
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from reservoir.core.html import html_to_text
from reservoir.parties.enums import ContactKind
from reservoir.parties.normalize import format_phone
from reservoir.parties.traits import format_trait
from reservoir.parties.traits import trait_label as catalogue_label
from reservoir.timeline.enums import Channel, Outcome

register = template.Library()

ROLE_TONES = {
    "customer": "success",
    "prospect": "info",
    "distributor": "purple",
    "partner": "brand",
    "supplier": "neutral",
}
STATUS_TONES = {"active": "success", "provisional": "warning", "inactive": "neutral"}
OUTCOME_TONES = {
    "resolved": "success",
    "purchased": "success",
    "interested": "brand",
    "follow_up": "info",
    "left_message": "neutral",
    "no_answer": "neutral",
    "not_interested": "warning",
    "complained": "danger",
    "escalated": "danger",
}
PHONE_KINDS = {ContactKind.PHONE, ContactKind.WHATSAPP}


@register.filter
def phone(value: str) -> str:
    """An E.164 number formatted for reading (national format at home)."""
    return format_phone(value) if value else ""


@register.filter
def contact_display(cp: Any) -> str:
    """A contact point's value as staff read it."""
    return format_phone(cp.value) if cp.kind == ContactKind.PHONE else cp.value


@register.filter
def contact_href(cp: Any) -> str:
    """A click-to-call or mailto link for a contact point, or "" when there is none."""
    if cp.kind == ContactKind.PHONE:
        return f"tel:{cp.value}"
    if cp.kind == ContactKind.EMAIL:
        return f"mailto:{cp.value}"
    return ""


@register.filter
def first_of_kind(contact_points: list[Any], kind: str) -> Any:
    """The first (primary-first ordered) contact point of `kind`, or None."""
    return next((cp for cp in contact_points or () if cp.kind == kind), None)


@register.filter
def role_tone(role: str) -> str:
    return ROLE_TONES.get(role, "neutral")


@register.filter
def status_tone(status: str) -> str:
    return STATUS_TONES.get(status, "neutral")


@register.filter
def outcome_tone(outcome: str) -> str:
    return OUTCOME_TONES.get(outcome, "neutral")


@register.filter
def duration(seconds: int | None) -> str:
    """Seconds as "1 h 05 min", "4 min 12 s" or "45 s"."""
    if seconds is None:
        return ""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return _("%(h)d h %(m)02d min") % {"h": hours, "m": minutes}
    if minutes:
        return (
            _("%(m)d min %(s)d s") % {"m": minutes, "s": secs}
            if secs
            else _("%(m)d min") % {"m": minutes}
        )
    return _("%(s)d s") % {"s": secs}


@register.filter
def preview(body: str, words: int = 40) -> str:
    """The text of a cleaned HTML body, cut to a preview."""
    return Truncator(html_to_text(body)).words(words, truncate=" …")


@register.filter
def is_long(body: str) -> bool:
    """Whether a body is worth an expandable preview rather than shown whole."""
    text = html_to_text(body)
    return len(text) > 280 or text.count("\n") > 3


@register.filter
def initials(name: str) -> str:
    """One or two letters for an avatar ("Mei-Ling Chen" → "MC", "陈美玲" → "陈")."""
    words = [w for w in (name or "").split() if w]
    if not words:
        return "?"
    if any("\u3400" <= ch <= "\u9fff" for ch in words[0]):
        return words[0][0]
    return (words[0][0] + (words[-1][0] if len(words) > 1 else "")).upper()


@register.filter
def avatar_tone(pk: int | None) -> str:
    """A stable avatar colour per record."""
    return f"tone-{(pk or 0) % 5 + 1}" if pk and pk % 5 else ""


@register.filter
def plain_value(value: Any) -> str:
    """A JSON value (trait, profile entry) as a short readable string."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float | Decimal | str):
        return str(value)
    if isinstance(value, list):
        return ", ".join(plain_value(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {plain_value(v)}" for k, v in value.items())
    return json.dumps(value, ensure_ascii=False, default=str)


@register.filter
def humanize_key(key: str) -> str:
    """ "income_band" → "Income band"."""
    text = str(key).replace("_", " ").replace(".", " · ").strip()
    return text[:1].upper() + text[1:]


@register.filter
def trait_label(key: str) -> str:
    """A trait key as its label in the current language ("clv.churn_risk" → "Churn risk")."""
    return catalogue_label(str(key))


@register.filter
def trait_value(value: Any, key: str) -> str:
    """A trait's value formatted by its key's kind: `{{ t.value|trait_value:t.key }}`."""
    return format_trait(str(key), value)


@register.filter
def money(amount: Any, currency: str = "") -> str:
    """An amount with thousands separators and its currency code."""
    if amount is None:
        return "—"
    value = Decimal(amount)
    text = f"{value:,.2f}"
    symbol = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}.get(currency)
    if symbol:
        return f"{symbol}{text}"
    return f"{text} {currency}".strip()


@register.simple_tag
def channel_badge(channel: str, label: str) -> SafeString:
    return format_html('<span class="badge ch-{}">{}</span>', channel, label)


INVERSE_RELATIONSHIPS = {
    "employee_of": gettext_lazy("Employs"),
    "distributor_for": gettext_lazy("Served by distributor"),
    "partner_of": gettext_lazy("Partner of"),
    "household_member": gettext_lazy("Household member of"),
}
AUDIT_ACTIONS = {
    "parties.party.created": pgettext_lazy("audit action", "Created"),
    "parties.party.updated": gettext_lazy("Updated"),
    "parties.party.roles_changed": gettext_lazy("Changed roles"),
    "parties.contact_point.added": gettext_lazy("Added a contact point"),
    "parties.contact_point.removed": gettext_lazy("Removed a contact point"),
    "parties.address.added": gettext_lazy("Added an address"),
    "parties.relationship.added": gettext_lazy("Added a relationship"),
    "parties.profile.updated": gettext_lazy("Updated the profile"),
    "parties.trait.changed": gettext_lazy("Changed a trait"),
    "resolution.parties.merged": gettext_lazy("Merged with a duplicate"),
    "resolution.parties.unmerged": gettext_lazy("Unmerged"),
    "timeline.rows.reassigned": gettext_lazy("Moved interactions to the surviving record"),
    "timeline.rows.restored": gettext_lazy("Moved interactions back after an unmerge"),
    "sales.orders.reassigned": gettext_lazy("Moved orders to the surviving record"),
    "sales.orders.restored": gettext_lazy("Moved orders back after an unmerge"),
    "automation.email.sent": gettext_lazy("Sent an automated email"),
    "automation.email.withheld": gettext_lazy("Withheld an automated email (no consent)"),
    "consent.consent.granted": gettext_lazy("Consent granted"),
    "consent.consent.withdrawn": gettext_lazy("Consent withdrawn"),
    "portal.account.created": gettext_lazy("Portal account created"),
    "portal.account.invited": gettext_lazy("Invited to the portal"),
    "portal.account.password_set": gettext_lazy("Set a portal password"),
    "portal.account.otp_enabled": gettext_lazy("Turned on two-step sign-in"),
    "portal.account.otp_disabled": gettext_lazy("Turned off two-step sign-in"),
    "portal.account.signed_in": gettext_lazy("Signed in to the portal"),
    "portal.account.restored": gettext_lazy("Portal account restored after an unmerge"),
    "portal.account.deactivated_by_merge": gettext_lazy("Portal account closed by a merge"),
    "portal.account.moved_by_merge": gettext_lazy("Portal account moved by a merge"),
}
AUDIT_FIELDS = {
    "display_name": gettext_lazy("Name"),
    "given_name": gettext_lazy("Given name"),
    "family_name": gettext_lazy("Family name"),
    "owner_id": gettext_lazy("Owner"),
    "team_id": gettext_lazy("Team"),
    "status": gettext_lazy("Status"),
    "roles": gettext_lazy("Roles"),
}


@register.filter
def inverse_relationship(kind: str) -> str:
    """How a relationship reads from its other end ("Employee of" → "Employs")."""
    return str(INVERSE_RELATIONSHIPS.get(kind, kind))


GENDERS = {
    "male": gettext_lazy("Male"),
    "female": gettext_lazy("Female"),
    "other": gettext_lazy("Other"),
}


@register.filter
def gender_label(value: str) -> str:
    """ "female" → "Female" in the current language; free text is shown as typed."""
    return str(GENDERS.get(value, value))


@register.filter
def language_label(code: str) -> str:
    """A language code ("zh-hans") as its name in the current language (简体中文)."""
    try:
        return str(translation.get_language_info(code)["name_translated"])
    except KeyError:
        return code


@register.filter
def channel_label(channel: str) -> str:
    """A channel code ("messaging") as its label; unknown codes are shown as stored."""
    return str(dict(Channel.choices).get(channel, channel))


@register.filter
def audit_action(action: str) -> str:
    label = AUDIT_ACTIONS.get(action)
    if label is not None:
        return str(label)
    return humanize_key(action.rsplit(".", 2)[-2] + " " + action.rsplit(".", 1)[-1])


@register.filter
def audit_field(name: str) -> str:
    label = AUDIT_FIELDS.get(name)
    if label is not None:
        return str(label)
    if name.startswith("trait:"):
        return catalogue_label(name.removeprefix("trait:"))
    return humanize_key(name)


@register.filter
def outcome_label(outcome: str) -> str:
    labels = dict(Outcome.choices)
    return str(labels.get(outcome, humanize_key(outcome)))


AUDIT_FACTS = {
    "probability": gettext_lazy("Match probability"),
    "rule": gettext_lazy("Rule"),
    "auto": gettext_lazy("Automatic"),
    "to": gettext_lazy("Recipient"),
    "purpose": gettext_lazy("Purpose"),
    "channel": gettext_lazy("Channel"),
    "source": gettext_lazy("Source"),
    "kind": gettext_lazy("Kind"),
    "value": gettext_lazy("Value"),
    "address": gettext_lazy("Address"),
    "roles": gettext_lazy("Roles"),
    "method": gettext_lazy("Method"),
    "score": gettext_lazy("Score"),
    "total": gettext_lazy("Total"),
    "reason": gettext_lazy("Reason"),
}


@register.filter
def audit_facts(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The readable facts of an audit entry's data (ids of other records left out); a
    probability reads as a percentage and other fractions are rounded."""
    facts = []
    for key, value in (data or {}).items():
        if isinstance(value, int) and not isinstance(value, bool):
            continue
        if isinstance(value, float) and key == "probability":
            text = f"{number_format(round(value * 100, 1), 1)}%"
        elif isinstance(value, float):
            text = number_format(round(value, 2), 2)
        else:
            text = plain_value(value)
        if isinstance(value, str) and "_" in value and " " not in value:
            text = humanize_key(value)
        facts.append((str(AUDIT_FACTS.get(key, humanize_key(key))), text))
    return facts


@register.filter
def has_value(value: Any) -> bool:
    """False for None and empty strings, lists and dicts (a field set for the first time)."""
    return value not in (None, "", [], {})
