"""Survivorship: which of two duplicate records survives, and which value wins per field.

Three rules, as in the MDM literature: the most recently updated record, the most
complete record, or the record from the most trusted source is preferred; a blank never
wins over a value. Each field can be overridden ("survivor" or "merged"). Small and
explicit on purpose: the rules must be explainable on the merge page, field by field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reservoir.core.errors import InvalidInput
from reservoir.parties.enums import ContactKind, PartyStatus
from reservoir.parties.models import Party
from reservoir.resolution.models import MergeRule

SURVIVOR, MERGED = "survivor", "merged"


@dataclass(frozen=True)
class MergeField:
    key: str
    columns: tuple[str, ...]
    label: Promise


FIELDS: tuple[MergeField, ...] = (
    MergeField(
        "name",
        ("display_name", "family_name", "given_name", "name_order"),
        gettext_lazy("Name"),
    ),
    MergeField("legal_name", ("legal_name",), gettext_lazy("Legal name")),
    MergeField("birth_date", ("birth_date",), gettext_lazy("Birth date")),
    MergeField("gender", ("gender",), gettext_lazy("Gender")),
    MergeField("language", ("language",), gettext_lazy("Language")),
    MergeField("industry", ("industry",), gettext_lazy("Industry")),
    MergeField("website", ("website",), gettext_lazy("Website")),
    MergeField("source", ("source",), gettext_lazy("Source")),
    MergeField("owner", ("owner_id",), gettext_lazy("Owner")),
    MergeField("team", ("team_id",), gettext_lazy("Team")),
)
FIELD_KEYS = tuple(f.key for f in FIELDS)

# Higher is more trusted. Records typed by staff beat imported lists, which beat records
# created automatically by an inbound contact. Override with RESOLUTION_SOURCE_TRUST.
DEFAULT_SOURCE_TRUST: dict[str, int] = {
    "": 30,
    "manual": 30,
    "crm": 30,
    "import": 20,
    "ingest": 5,
}
_CHANNEL_TRUST = 10  # a party created by a phone call, chat, email... (source = channel)
_OTHER_TRUST = 20  # a named list, e.g. "Trade show 2026"


def source_trust(party: Party) -> int:
    """How much the record's source is trusted (settings.RESOLUTION_SOURCE_TRUST first)."""
    table = {**DEFAULT_SOURCE_TRUST, **getattr(settings, "RESOLUTION_SOURCE_TRUST", {})}
    source = (party.source or "").strip().lower()
    if source in table:
        return int(table[source])
    channels = {"phone", "email", "chat", "sms", "web", "portal", "ivr", *ContactKind.values}
    return _CHANNEL_TRUST if source in channels else _OTHER_TRUST


def _value(party: Party, field: MergeField) -> tuple[Any, ...]:
    return tuple(getattr(party, c) for c in field.columns)


def _blank(values: tuple[Any, ...]) -> bool:
    return all(v in (None, "") for v in values)


def completeness(party: Party, *, extra: int = 0) -> int:
    """Filled survivorship fields, plus `extra` (e.g. the number of contact points)."""
    return sum(not _blank(_value(party, f)) for f in FIELDS) + extra


def preferred_side(
    rule: str, survivor: Party, merged: Party, *, extras: tuple[int, int] = (0, 0)
) -> str:
    """Which record `rule` prefers as a whole ("survivor" on a tie)."""
    if rule == MergeRule.MOST_RECENT:
        return MERGED if merged.updated_at > survivor.updated_at else SURVIVOR
    if rule == MergeRule.MOST_COMPLETE:
        mine, theirs = (
            completeness(survivor, extra=extras[0]),
            completeness(merged, extra=extras[1]),
        )
        return MERGED if theirs > mine else SURVIVOR
    if rule == MergeRule.MOST_TRUSTED:
        return MERGED if source_trust(merged) > source_trust(survivor) else SURVIVOR
    raise InvalidInput(_("Unknown survivorship rule “%(r)s”.") % {"r": rule}, field="rule")


def pick(
    rule: str,
    survivor: Party,
    merged: Party,
    *,
    choices: dict[str, str] | None = None,
    extras: tuple[int, int] = (0, 0),
) -> dict[str, str]:
    """Return {field key: "survivor" | "merged"}: `choices` first, then the rule.

    Under the rule a blank never beats a value. Raises InvalidInput on unknown keys/sides.
    """
    choices = choices or {}
    for key, side in choices.items():
        if key not in FIELD_KEYS:
            raise InvalidInput(_("Unknown field “%(f)s”.") % {"f": key}, field="choices")
        if side not in (SURVIVOR, MERGED):
            raise InvalidInput(
                _("Choose “survivor” or “merged” for %(f)s.") % {"f": key}, field="choices"
            )
    side = preferred_side(rule, survivor, merged, extras=extras)
    other = MERGED if side == SURVIVOR else SURVIVOR
    parties = {SURVIVOR: survivor, MERGED: merged}
    out: dict[str, str] = {}
    for field in FIELDS:
        if field.key in choices:
            out[field.key] = choices[field.key]
        elif _blank(_value(parties[side], field)) and not _blank(_value(parties[other], field)):
            out[field.key] = other
        else:
            out[field.key] = side
    return out


def values_for(picks: dict[str, str], survivor: Party, merged: Party) -> dict[str, Any]:
    """The survivor's column values after the merge, per the picks."""
    parties = {SURVIVOR: survivor, MERGED: merged}
    out: dict[str, Any] = {}
    for field in FIELDS:
        source = parties[picks.get(field.key, SURVIVOR)]
        out.update({c: getattr(source, c) for c in field.columns})
    return out


def choose_survivor(a: Party, b: Party) -> tuple[Party, Party]:
    """Return (survivor, merged) for an automatic merge.

    An active record beats a provisional one, then the more complete one, then the older
    one (lower id on a tie): the record people have worked on longest keeps its id.
    """

    def key(p: Party) -> tuple[int, int, float, int]:
        return (
            0 if p.status != PartyStatus.PROVISIONAL else 1,
            -completeness(p, extra=p.contact_points.count()),
            p.created_at.timestamp(),
            p.pk,
        )

    first, second = sorted((a, b), key=key)
    return first, second
