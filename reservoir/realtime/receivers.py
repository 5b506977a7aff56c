"""Push timeline changes to the sockets watching the affected parties.

The pushes are queued (`pusher.push`): the request that recorded the interaction does not
wait for the channel layer.
"""

from __future__ import annotations

import logging

from reservoir.core import events
from reservoir.parties.events import TraitChanged
from reservoir.realtime import pusher
from reservoir.realtime.groups import INGESTED_CHUNK, INGESTED_GROUP, party_group
from reservoir.timeline.events import InteractionRecorded, InteractionsIngested

logger = logging.getLogger(__name__)


def _send(messages: list[tuple[int, list[int]]]) -> None:
    """Queue one `timeline.changed` message per (party id, interaction ids) pair, in order."""
    pusher.push(
        [
            (party_group(party_id), {"type": "timeline.changed", "interaction_ids": ids})
            for party_id, ids in messages
        ]
    )


def on_interaction_recorded(event: InteractionRecorded) -> None:
    _send([(event.party_id, [event.interaction_id])])


def on_interactions_ingested(event: InteractionsIngested) -> None:
    """One message per chunk of parties to every watched 360 page (each checks its party)."""
    ids = list(event.party_ids)
    pusher.push(
        [
            (
                INGESTED_GROUP,
                {"type": "timeline.ingested", "party_ids": ids[i : i + INGESTED_CHUNK]},
            )
            for i in range(0, len(ids), INGESTED_CHUNK)
        ]
    )


def on_trait_changed(event: TraitChanged) -> None:
    """A trait changed (e.g. analytics rescored the customer after an order): open 360 pages
    refresh their scores."""
    pusher.push([(party_group(event.party_id), {"type": "traits.changed", "key": event.key})])


def connect() -> None:
    events.subscribe(TraitChanged, on_trait_changed)
    events.subscribe(InteractionRecorded, on_interaction_recorded)
    events.subscribe(InteractionsIngested, on_interactions_ingested)
