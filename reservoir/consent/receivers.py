"""Consent's part of a merge: the survivor inherits the absorbed party's choices.

The ledger is append-only, so nothing moves: for each (channel, purpose) the absorbed party
decided, a row is appended to the survivor when it is the more protective or only answer —
a withdrawal newer than the survivor's own latest record, or a grant where the survivor has
no record at all. An unmerge leaves both ledgers as they are (they are evidence).
Idempotent: a redelivered event finds the rows already in force and appends nothing.
"""

from __future__ import annotations

from django.db import transaction

from reservoir.consent import services
from reservoir.consent.enums import ConsentSource, ConsentStatus
from reservoir.consent.selectors import latest_records
from reservoir.core import events
from reservoir.parties.events import PartiesMerged
from reservoir.parties.models import Party


@transaction.atomic
def on_parties_merged(event: PartiesMerged) -> None:
    """Carry the merged party's choices over. Side effects: ledger rows, audit entries."""
    survivor = Party.objects.filter(pk=event.survivor_id).first()
    if survivor is None:
        return
    theirs = latest_records(event.merged_id)
    ours = latest_records(event.survivor_id)
    for pair, row in theirs.items():
        mine = ours.get(pair)
        withdraw = row.status == ConsentStatus.WITHDRAWN and (mine is None or mine.at < row.at)
        grant = row.status == ConsentStatus.GRANTED and mine is None
        if withdraw or grant:
            services.record_consent(
                survivor,
                channel=row.channel,
                purpose=row.purpose,
                status=row.status,
                source=ConsentSource.IMPORT,
                evidence=f"merge {event.merge_id}: carried over from party {event.merged_id}",
                at=row.at,
            )


def subscribe() -> None:
    events.subscribe(PartiesMerged, on_parties_merged)
