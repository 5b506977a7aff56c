"""Writing the consent ledger: record a grant or a withdrawal (append-only, audited)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reservoir.audit import services as audit
from reservoir.consent.enums import ConsentChannel, ConsentPurpose, ConsentSource, ConsentStatus
from reservoir.consent.events import ConsentChanged
from reservoir.consent.models import ConsentRecord
from reservoir.consent.selectors import current_preferences
from reservoir.core import events
from reservoir.core.errors import InvalidInput
from reservoir.parties.models import Party


def _check(channel: str, purpose: str, status: str, source: str) -> None:
    if channel not in ConsentChannel.values:
        raise InvalidInput(_("Unknown channel: %(c)s") % {"c": channel}, field="channel")
    if purpose not in ConsentPurpose.values:
        raise InvalidInput(_("Unknown purpose: %(p)s") % {"p": purpose}, field="purpose")
    if status not in ConsentStatus.values:
        raise InvalidInput(_("Status must be granted or withdrawn."), field="status")
    if source not in ConsentSource.values:
        raise InvalidInput(_("Unknown source: %(s)s") % {"s": source}, field="source")


@transaction.atomic
def record_consent(
    party: Party,
    *,
    channel: str,
    purpose: str,
    status: str,
    source: str,
    by: Any = None,
    evidence: str = "",
    at: dt.datetime | None = None,
    only_if_changed: bool = True,
) -> ConsentRecord | None:
    """Append a grant or withdrawal of (channel, purpose) for `party`.

    With `only_if_changed` (the default), a record that repeats what is in force is skipped
    and None is returned. Side effects: one ledger row; audit entry
    "consent.consent.<status>"; ConsentChanged after commit.
    """
    _check(channel, purpose, status, source)
    if len(evidence) > 2000:
        raise InvalidInput(
            _("The evidence is too long (2000 characters at most)."), field="evidence"
        )
    if only_if_changed:
        current = (
            ConsentRecord.objects.filter(party=party, channel=channel, purpose=purpose)
            .order_by("-at", "-id")
            .values_list("status", flat=True)
            .first()
        )
        if current == status:
            return None
    actor = by if getattr(by, "is_authenticated", False) else None
    record = ConsentRecord.objects.create(
        party=party,
        channel=channel,
        purpose=purpose,
        status=status,
        source=source,
        evidence=evidence.strip(),
        at=at or timezone.now(),
        recorded_by=actor,
    )
    audit.record(
        actor,
        f"consent.consent.{status}",
        party,
        data={"channel": channel, "purpose": purpose, "source": source, "record": record.pk},
    )
    events.publish(
        ConsentChanged(
            party_id=party.pk, channel=channel, purpose=purpose, status=status, source=source
        )
    )
    return record


@transaction.atomic
def set_preferences(
    party: Party,
    choices: Mapping[tuple[str, str], bool],
    *,
    source: str,
    by: Any = None,
    evidence: str = "",
) -> list[ConsentRecord]:
    """Record each (channel, purpose) → allowed choice that differs from what is in force.

    An unchanged default (say, service e-mail left allowed) writes nothing. Side effects:
    as `record_consent`, per changed pair. Returns the new rows.
    """
    now = current_preferences(party.pk)
    written: list[ConsentRecord] = []
    for (channel, purpose), allowed in choices.items():
        pref = now.get((channel, purpose))
        if pref is not None and pref.allowed == allowed:
            continue
        status = ConsentStatus.GRANTED if allowed else ConsentStatus.WITHDRAWN
        row = record_consent(
            party,
            channel=channel,
            purpose=purpose,
            status=status,
            source=source,
            by=by,
            evidence=evidence,
            only_if_changed=False,
        )
        if row is not None:
            written.append(row)
    return written
