"""Reads of the consent ledger: what is in force now, may we contact, the history.

Default policy (documented in `may_contact`): marketing needs a grant (opt-in); service
messages and surveys are allowed until the customer withdraws them (opt-out). The latest
record of a (channel, purpose) pair is in force.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from reservoir.consent.enums import (
    OPT_IN_PURPOSES,
    ConsentChannel,
    ConsentPurpose,
    ConsentStatus,
)
from reservoir.consent.models import ConsentRecord


@dataclass(frozen=True)
class Preference:
    """One (channel, purpose) as it stands: explicit (from the ledger) or by default."""

    channel: str
    purpose: str
    allowed: bool
    status: str  # "granted" | "withdrawn" | "" (no record: the default applies)
    at: dt.datetime | None
    source: str


def default_allowed(purpose: str) -> bool:
    """What applies with no record: opt-in purposes are refused, the others allowed."""
    return purpose not in OPT_IN_PURPOSES


def latest_records(party_id: int) -> dict[tuple[str, str], ConsentRecord]:
    latest: dict[tuple[str, str], ConsentRecord] = {}
    rows = ConsentRecord.objects.filter(party_id=party_id).order_by("at", "id")
    for row in rows:
        latest[(row.channel, row.purpose)] = row
    return latest


def current_preferences(party_id: int) -> dict[tuple[str, str], Preference]:
    """Every (channel, purpose) pair with what is in force now (one query)."""
    latest = latest_records(party_id)
    out: dict[tuple[str, str], Preference] = {}
    for channel in ConsentChannel.values:
        for purpose in ConsentPurpose.values:
            row = latest.get((channel, purpose))
            if row is None:
                out[(channel, purpose)] = Preference(
                    channel, purpose, default_allowed(purpose), "", None, ""
                )
            else:
                out[(channel, purpose)] = Preference(
                    channel,
                    purpose,
                    row.status == ConsentStatus.GRANTED,
                    row.status,
                    row.at,
                    row.source,
                )
    return out


def may_contact(party_id: int, channel: str, purpose: str) -> bool:
    """May we contact the party through `channel` for `purpose`? (one indexed query)

    Marketing: only after a grant that was not withdrawn since. Service and surveys: yes
    unless the latest record withdraws them. An unknown channel or purpose is refused.
    """
    if channel not in ConsentChannel.values or purpose not in ConsentPurpose.values:
        return False
    status = (
        ConsentRecord.objects.filter(party_id=party_id, channel=channel, purpose=purpose)
        .order_by("-at", "-id")
        .values_list("status", flat=True)
        .first()
    )
    if status is None:
        return default_allowed(purpose)
    return bool(status == ConsentStatus.GRANTED)


def marketing_channels(party_id: int) -> list[str]:
    """The channels the party has granted marketing on (one query)."""
    latest = latest_records(party_id)
    return sorted(
        ch
        for (ch, purpose), row in latest.items()
        if purpose == ConsentPurpose.MARKETING and row.status == ConsentStatus.GRANTED
    )


def list_history(party_id: int) -> QuerySet[ConsentRecord]:
    """The party's ledger, newest first, with who recorded each row."""
    return (
        ConsentRecord.objects.filter(party_id=party_id)
        .select_related("recorded_by")
        .order_by("-at", "-id")
    )


def marketing_opted_out(party_id: int) -> bool:
    """True when the party withdrew marketing somewhere and grants it nowhere (one query).

    The ledger's answer to the decision fact `customer.marketing_opt_out`.
    """
    statuses = {
        row.status
        for (_ch, purpose), row in latest_records(party_id).items()
        if purpose == ConsentPurpose.MARKETING
    }
    return ConsentStatus.WITHDRAWN in statuses and ConsentStatus.GRANTED not in statuses
