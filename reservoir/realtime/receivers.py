"""Push timeline changes to the sockets watching the affected parties."""

from __future__ import annotations

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from reservoir.core import events
from reservoir.realtime.groups import party_group
from reservoir.timeline.events import InteractionRecorded, InteractionsIngested

logger = logging.getLogger(__name__)


def _send(party_id: int, interaction_ids: list[int]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(
        party_group(party_id), {"type": "timeline.changed", "interaction_ids": interaction_ids}
    )


def on_interaction_recorded(event: InteractionRecorded) -> None:
    _send(event.party_id, [event.interaction_id])


def on_interactions_ingested(event: InteractionsIngested) -> None:
    for party_id in event.party_ids[:1000]:
        _send(party_id, [])


def connect() -> None:
    events.subscribe(InteractionRecorded, on_interaction_recorded)
    events.subscribe(InteractionsIngested, on_interactions_ingested)
