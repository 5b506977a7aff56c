import asyncio
import logging
import threading

from asgiref.sync import sync_to_async
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.test import override_settings

from config.channel_layers import LocalBroadcastChannelLayer
from reservoir.realtime import pusher, receivers
from reservoir.realtime.groups import INGESTED_GROUP, party_group
from reservoir.timeline.events import InteractionRecorded, InteractionsIngested

IN_MEMORY = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


class FailingLayer(InMemoryChannelLayer):  # type: ignore[misc]
    async def group_send(self, group, message):
        raise ConnectionError("layer down")


class GatedLayer(InMemoryChannelLayer):  # type: ignore[misc]
    """Sends only once the test opens the gate."""

    gate = threading.Event()
    sent: list[list[int]] = []

    async def group_send(self, group, message):
        await asyncio.to_thread(self.gate.wait, 10)
        self.sent.append(message["interaction_ids"])


def _recorded(interaction_id: int, party_id: int = 5) -> InteractionRecorded:
    return InteractionRecorded(interaction_id, party_id, "phone", "call")


def _record_three() -> None:
    for interaction_id in (1, 2, 3):
        receivers.on_interaction_recorded(_recorded(interaction_id))


async def _receive_under_server_loop() -> list[dict]:
    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(party_group(5), channel)

    await sync_to_async(_record_three)()  # like a sync view under ASGI
    return [await asyncio.wait_for(layer.receive(channel), timeout=5) for _ in range(3)]


def test_pushes_reach_group_in_order_when_recorded_by_sync_code_under_server_loop():
    with override_settings(CHANNEL_LAYERS=IN_MEMORY):
        messages = asyncio.run(_receive_under_server_loop())

    assert messages == [
        {"type": "timeline.changed", "interaction_ids": [1]},
        {"type": "timeline.changed", "interaction_ids": [2]},
        {"type": "timeline.changed", "interaction_ids": [3]},
    ]


async def _receive_from_worker_thread(directory: str) -> list[dict]:
    listener = LocalBroadcastChannelLayer(directory=directory)  # the server process
    channel = await listener.new_channel()
    await listener.group_add(party_group(5), channel)
    await listener.group_add(INGESTED_GROUP, channel)

    def worker() -> None:  # a thread with no event loop, like the task worker
        _record_three()
        receivers.on_interactions_ingested(InteractionsIngested(party_ids=(5,), count=40))

    await asyncio.to_thread(worker)
    received = [await asyncio.wait_for(listener.receive(channel), timeout=5) for _ in range(4)]
    await listener.flush()
    return received


def test_pushes_reach_other_process_in_order_when_recorded_outside_an_event_loop(tmp_path):
    layers = {
        "default": {
            "BACKEND": "config.channel_layers.LocalBroadcastChannelLayer",
            "CONFIG": {"directory": str(tmp_path)},
        }
    }
    with override_settings(CHANNEL_LAYERS=layers):
        received = asyncio.run(_receive_from_worker_thread(str(tmp_path)))

    assert received == [
        {"type": "timeline.changed", "interaction_ids": [1]},
        {"type": "timeline.changed", "interaction_ids": [2]},
        {"type": "timeline.changed", "interaction_ids": [3]},
        {"type": "timeline.ingested", "party_ids": [5]},
    ]


def test_push_failure_is_logged_when_channel_layer_raises(caplog):
    layers = {"default": {"BACKEND": "reservoir.realtime.tests.test_pushes.FailingLayer"}}
    with override_settings(CHANNEL_LAYERS=layers), caplog.at_level(logging.ERROR):
        thread = threading.Thread(target=_record_three)
        thread.start()
        thread.join()
        flushed = pusher.flush(timeout=5)

    assert flushed is True
    failures = [r for r in caplog.records if r.name == "reservoir.realtime.pusher"]
    assert [r.getMessage() for r in failures] == [f"live push to {party_group(5)} failed"] * 3


def test_recording_returns_before_delivery_when_channel_layer_is_slow():
    layers = {"default": {"BACKEND": "reservoir.realtime.tests.test_pushes.GatedLayer"}}
    with override_settings(CHANNEL_LAYERS=layers):
        _record_three()
        sent_before = list(GatedLayer.sent)
        GatedLayer.gate.set()
        flushed = pusher.flush(timeout=10)

    assert (sent_before, flushed, GatedLayer.sent) == ([], True, [[1], [2], [3]])
