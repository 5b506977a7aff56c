"""Push timeline changes to the sockets watching the affected parties."""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from reservoir.core import events
from reservoir.realtime.groups import party_group
from reservoir.timeline.events import InteractionRecorded, InteractionsIngested

logger = logging.getLogger(__name__)


def _send(messages: list[tuple[int, list[int]]]) -> None:
    """Push (party id, interaction ids) pairs in one event-loop hop (async_to_sync is costly)."""
    layer = get_channel_layer()
    if layer is None or not messages:
        return

    async def push() -> None:
        for party_id, ids in messages:
            await layer.group_send(
                party_group(party_id), {"type": "timeline.changed", "interaction_ids": ids}
            )

    async_to_sync(push)()


def on_interaction_recorded(event: InteractionRecorded) -> None:
    _send([(event.party_id, [event.interaction_id])])


def on_interactions_ingested(event: InteractionsIngested) -> None:
    _send([(party_id, []) for party_id in event.party_ids[:1000]])


def connect() -> None:
    events.subscribe(InteractionRecorded, on_interaction_recorded)
    events.subscribe(InteractionsIngested, on_interactions_ingested)
