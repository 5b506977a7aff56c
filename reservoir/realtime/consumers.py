"""WebSocket consumers: live timelines on the Customer 360 page."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from reservoir.parties import selectors as party_selectors
from reservoir.realtime.groups import INGESTED_GROUP, party_group


class PartyTimelineConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    """Pushes `{"type": "interaction", ...}` to a signed-in user watching a party they may see."""

    async def connect(self) -> None:
        user = self.scope.get("user")
        party_id = int(self.scope["url_route"]["kwargs"]["party_id"])
        if user is None or not user.is_authenticated or not await self._may_see(user, party_id):
            await self.close(code=4403)
            return
        self.party_id = party_id
        self.group = party_group(party_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.channel_layer.group_add(INGESTED_GROUP, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)
            await self.channel_layer.group_discard(INGESTED_GROUP, self.channel_name)

    async def traits_changed(self, message: dict[str, Any]) -> None:
        await self.send_json({"type": "traits_changed", "key": message.get("key", "")})

    async def timeline_changed(self, message: dict[str, Any]) -> None:
        await self.send_json(
            {"type": "timeline_changed", "interaction_ids": message.get("interaction_ids", [])}
        )

    async def timeline_ingested(self, message: dict[str, Any]) -> None:
        """A batch was ingested: refresh if it touched this socket's party."""
        if self.party_id in message.get("party_ids", ()):
            await self.send_json({"type": "timeline_changed", "interaction_ids": []})

    @database_sync_to_async
    def _may_see(self, user: Any, party_id: int) -> bool:
        return party_selectors.for_user(user).filter(pk=party_id).exists()
