import asyncio

import pytest
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.test import override_settings

from reservoir.iam.tests.factories import UserFactory
from reservoir.parties.tests.factories import PartyFactory
from reservoir.realtime.consumers import PartyTimelineConsumer
from reservoir.realtime.groups import INGESTED_GROUP

IN_MEMORY = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


async def _watch_and_ingest(user, party_id: int, batches: list[list[int]]) -> list[dict]:
    socket = WebsocketCommunicator(
        PartyTimelineConsumer.as_asgi(), f"/ws/parties/{party_id}/timeline/"
    )
    socket.scope["user"] = user
    socket.scope["url_route"] = {"kwargs": {"party_id": party_id}}
    connected, _ = await socket.connect()
    assert connected
    layer = get_channel_layer()
    received = []
    for party_ids in batches:
        await layer.group_send(
            INGESTED_GROUP, {"type": "timeline.ingested", "party_ids": party_ids}
        )
        if await socket.receive_nothing(timeout=0.2):
            continue
        received.append(await socket.receive_json_from())
    await socket.disconnect()
    return received


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("close_sync_thread_connections")
def test_open_360_page_refreshes_only_for_batches_naming_its_party():
    admin = UserFactory(role="administrator")
    watched, other = PartyFactory(), PartyFactory()

    with override_settings(CHANNEL_LAYERS=IN_MEMORY):
        received = asyncio.run(
            _watch_and_ingest(admin, watched.pk, [[other.pk], [other.pk, watched.pk]])
        )

    assert received == [{"type": "timeline_changed", "interaction_ids": []}]
