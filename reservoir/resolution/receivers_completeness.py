"""Keep each party's completeness score fresh; schedule the nightly rescoring of the base.

Imported once from ResolutionConfig.ready(). Rescoring one party costs a handful of indexed
queries, so it runs inline after the commit that changed the party rather than as a task.
"""

from __future__ import annotations

import datetime as dt

from reservoir.core import events, scheduler
from reservoir.parties.events import PartiesMerged, PartiesUnmerged, PartyCreated, PartyUpdated
from reservoir.resolution.completeness import services
from reservoir.resolution.tasks_completeness import recompute_completeness

NIGHTLY = dt.timedelta(days=1)


def on_party_changed(event: PartyCreated | PartyUpdated) -> None:
    """Rescore the party that was created or changed (its fields, contact points, addresses)."""
    services.recompute_party(event.party_id)


def on_parties_merged(event: PartiesMerged) -> None:
    """The survivor gained the merged party's contact points, addresses and relationships."""
    services.recompute_party(event.survivor_id)


def on_parties_unmerged(event: PartiesUnmerged) -> None:
    """Both parties of an undone merge got back their own records."""
    services.recompute_party(event.survivor_id)
    services.recompute_party(event.restored_id)


events.subscribe(PartyCreated, on_party_changed)
events.subscribe(PartyUpdated, on_party_changed)
events.subscribe(PartiesMerged, on_parties_merged)
events.subscribe(PartiesUnmerged, on_parties_unmerged)
scheduler.register(
    "resolution.completeness_nightly", NIGHTLY, recompute_completeness, trigger="nightly"
)
