"""Resolution's reactions to other apps' events, subscribed when the app is ready.

- PartyCreated: index the party's blocking keys, then match it against the base in a task.
- PartyUpdated (names, birth date, contact points, addresses, status): re-index it.
- PartiesMerged / PartiesUnmerged: re-index both sides; close or reopen the pair.
- A daily schedule scans the whole base for duplicates; a weekly one rebuilds the index.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from reservoir.core import events, scheduler
from reservoir.parties import events as party_events
from reservoir.resolution import duplicates, matchindex, tasks

MATCHED_FIELDS = frozenset(
    {
        "kind",
        "status",
        "display_name",
        "family_name",
        "given_name",
        "legal_name",
        "birth_date",
        "gender",
        "contact_points",
        "addresses",
        "relationships",
    }
)


def on_party_created(event: party_events.PartyCreated) -> None:
    matchindex.refresh_match_keys([event.party_id])
    tasks.match_party.enqueue(event.party_id)


def on_party_updated(event: party_events.PartyUpdated) -> None:
    if MATCHED_FIELDS & set(event.fields):
        matchindex.refresh_match_keys([event.party_id])


def on_parties_merged(event: Any) -> None:
    matchindex.refresh_match_keys([event.survivor_id, event.merged_id])
    duplicates.record_merge(event.survivor_id, event.merged_id)


def on_parties_unmerged(event: Any) -> None:
    matchindex.refresh_match_keys([event.survivor_id, event.restored_id])
    duplicates.record_unmerge(event.survivor_id, event.restored_id)


def connect() -> None:
    events.subscribe(party_events.PartyCreated, on_party_created)
    events.subscribe(party_events.PartyUpdated, on_party_updated)
    merged = getattr(party_events, "PartiesMerged", None)
    unmerged = getattr(party_events, "PartiesUnmerged", None)
    if merged is not None:
        events.subscribe(merged, on_parties_merged)
    if unmerged is not None:
        events.subscribe(unmerged, on_parties_unmerged)
    scheduler.register(
        "resolution.detect_duplicates", dt.timedelta(days=1), tasks.detect_duplicates
    )


connect()
