"""WebSocket consumers of live chat: the visitor's widget and the agent's chat console.

Frames are JSON objects with a "type". Bad frames get `{"type": "error", "code", "message"}`
and the socket stays open; an unknown chat token gets that error, then close code 4404.
Writes go through `services` (sync, on a thread) and return the pushes sent here, in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.utils.translation import gettext as _

from reservoir.contact_center import presence, selectors, services
from reservoir.contact_center.enums import OPEN_STATUSES
from reservoir.contact_center.groups import AGENTS, agent_group, session_group
from reservoir.contact_center.models import ChatSession
from reservoir.core.errors import DomainError, InvalidInput

logger = logging.getLogger(__name__)
MAX_FRAME_BYTES = 16_000

Handler = Callable[[dict[str, Any]], Awaitable[None]]


def _after_seq(content: dict[str, Any]) -> int:
    after = content.get("after_seq", 0)
    if isinstance(after, bool) or not isinstance(after, int) or after < 0:
        raise InvalidInput(_("after_seq must be a whole number."), field="after_seq")
    return after


class _ChatConsumer(AsyncJsonWebsocketConsumer):  # type: ignore[misc]
    """Shared frame handling: parse, dispatch by type, turn domain errors into error frames."""

    handlers: dict[str, str] = {}

    async def dispatch(self, message: dict[str, Any]) -> None:
        """Channels' dispatch without its per-message `aclose_old_connections()`.

        That call hops to the database thread for every frame and every group message —
        most of which (relayed chat messages, typing) touch no database — so a relay waited
        behind other chats' writes. Every database call here goes through
        `database_sync_to_async`, which closes old connections itself, in that thread.
        """
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data is None or len(text_data) > MAX_FRAME_BYTES:
            await self.error("bad_frame", _("Send JSON text frames of 16 KB at most."))
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self.error("bad_frame", _("The frame is not JSON."))
            return
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            await self.error("bad_frame", _("A frame is an object with a type."))
            return
        name = self.handlers.get(content["type"])
        if name is None:
            await self.error("unknown_type", _("Unknown frame type."))
            return
        try:
            await getattr(self, name)(content)
        except DomainError as exc:
            await self.error(exc.code, exc.message, field=exc.field, echo=content)

    async def error(
        self,
        code: str,
        message: str,
        *,
        field: str | None = None,
        echo: dict[str, Any] | None = None,
    ) -> None:
        frame: dict[str, Any] = {"type": "error", "code": code, "message": message}
        if field:
            frame["field"] = field
        if echo and isinstance(echo.get("client_id"), str):
            frame["client_id"] = echo["client_id"]
        await self.send_json(frame)

    async def send_pushes(self, pushes: list[services.Push]) -> None:
        for group, message in pushes:
            await self.channel_layer.group_send(group, message)

    async def chat_event(self, message: dict[str, Any]) -> None:
        if message.get("origin") == self.channel_name:
            return  # one's own typing indicator
        await self.send_json(message["frame"])


class VisitorConsumer(_ChatConsumer):
    """`ws/chat/visitor/?token=…`: the widget of one chat."""

    handlers = {
        "message": "on_message",
        "typing": "on_typing",
        "handover": "on_handover",
        "end": "on_end",
        "rate": "on_rate",
        "sync": "on_sync",
    }

    async def connect(self) -> None:
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        token = (query.get("token") or [""])[0]
        await self.accept()
        try:
            session = await database_sync_to_async(services.get_by_token)(token)
        except DomainError as exc:
            await self.error(exc.code, exc.message)
            await self.close(code=4404)
            return
        self.session_id = session.pk
        self.session = session  # its status is refreshed by every message written
        await self.channel_layer.group_add(session_group(session.pk), self.channel_name)
        await self.send_json(await database_sync_to_async(self._hello)(session))

    def _hello(self, session: ChatSession) -> dict[str, Any]:
        return {
            **services.status_frame(session),
            "type": "hello",
            "visitor": session.visitor_label,
            "messages": selectors.history(session),
        }

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "session_id"):
            await self.channel_layer.group_discard(
                session_group(self.session_id), self.channel_name
            )

    def _session(self) -> ChatSession:
        return ChatSession.objects.select_related("agent", "party").get(pk=self.session_id)

    async def on_message(self, content: dict[str, Any]) -> None:
        def run() -> services.Outcome:
            return services.post_visitor_message(
                self.session, content.get("body"), content.get("client_id")
            )

        out = await database_sync_to_async(run)()
        if not out.created:
            await self.send_json(services.message_frame(out.messages[0]))
        await self.send_pushes(out.pushes)

    async def on_sync(self, content: dict[str, Any]) -> None:
        """Resend the messages after `after_seq` (a client that saw a gap in the numbers)."""
        after = _after_seq(content)

        def run() -> list[dict[str, Any]]:
            session = self._session()
            return [*selectors.history(session, after_seq=after), services.status_frame(session)]

        for frame in await database_sync_to_async(run)():
            await self.send_json(frame)

    async def on_typing(self, content: dict[str, Any]) -> None:
        frame = {
            "type": "typing",
            "session": self.session_id,
            "author": "visitor",
            "active": content.get("active") is not False,
        }
        await self.channel_layer.group_send(
            session_group(self.session_id),
            {"type": "chat.event", "frame": frame, "origin": self.channel_name},
        )

    async def on_handover(self, _content: dict[str, Any]) -> None:
        out = await database_sync_to_async(lambda: services.request_agent(self._session()))()
        await self.send_pushes(out.pushes)

    async def on_end(self, _content: dict[str, Any]) -> None:
        out = await database_sync_to_async(lambda: services.end_session(self._session(), by=None))()
        await self.send_pushes(out.pushes)

    async def on_rate(self, content: dict[str, Any]) -> None:
        await database_sync_to_async(
            lambda: services.rate(self._session(), content.get("rating"))
        )()
        await self.send_json({"type": "rated", "rating": content.get("rating")})


class AgentConsumer(_ChatConsumer):
    """`ws/chat/agent/`: a signed-in agent's chat console (several chats at once).

    While open, it refreshes the agent's presence heartbeat (see `presence`): should this
    server process die without closing the socket, the agent stops counting as online.
    """

    handlers = {
        "availability": "on_availability",
        "open": "on_open",
        "message": "on_message",
        "canned": "on_canned",
        "typing": "on_typing",
        "end": "on_end",
        "transfer": "on_transfer",
        "sync": "on_sync",
        "refresh": "on_refresh",
    }

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not await database_sync_to_async(services.is_chat_agent)(user):
            await self.close(code=4403)
            return
        self.user = user
        self.sessions: set[int] = set()
        await self.channel_layer.group_add(agent_group(user.pk), self.channel_name)
        await self.channel_layer.group_add(AGENTS, self.channel_name)
        await self.accept()
        pushes = await database_sync_to_async(services.agent_connected)(user, 1)
        hello = await database_sync_to_async(self._hello)()
        for chat in hello["chats"]:
            await self._join(chat["id"])
        await self.send_json(hello)
        await self.send_pushes(pushes)
        self.closing = asyncio.Event()
        self.beating = asyncio.create_task(self._heartbeat(presence.heartbeat_seconds()))

    async def _heartbeat(self, every: float) -> None:
        """Refresh the agent's presence every `every` seconds until the console closes."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.closing.wait(), timeout=every)
                return
            try:
                await database_sync_to_async(services.heartbeat)(self.user)
            except Exception:  # a busy database: the next beat tries again
                logger.warning("chat console heartbeat failed", exc_info=True)

    def _hello(self) -> dict[str, Any]:
        return {
            "type": "hello",
            "state": selectors.state_of(self.user),
            "chats": selectors.my_chats(self.user),
            "queue": selectors.waiting_queue(),
        }

    async def _join(self, session_id: int) -> None:
        self.sessions.add(session_id)
        await self.channel_layer.group_add(session_group(session_id), self.channel_name)

    async def disconnect(self, code: int) -> None:
        if not hasattr(self, "user"):
            return
        if hasattr(self, "beating"):
            # Wait for a beat in flight, so it cannot land after the count goes down.
            self.closing.set()
            await asyncio.gather(self.beating, return_exceptions=True)
        for session_id in list(self.sessions):
            await self.channel_layer.group_discard(session_group(session_id), self.channel_name)
        await self.channel_layer.group_discard(agent_group(self.user.pk), self.channel_name)
        await self.channel_layer.group_discard(AGENTS, self.channel_name)
        await database_sync_to_async(services.agent_connected)(self.user, -1)

    async def on_availability(self, content: dict[str, Any]) -> None:
        capacity = content.get("capacity")
        state, pushes = await database_sync_to_async(services.set_availability)(
            self.user, available=content.get("available") is True, capacity=capacity
        )
        await self.send_pushes(pushes)

    async def on_open(self, content: dict[str, Any]) -> None:
        def run() -> dict[str, Any]:
            session = services.agent_session(self.user, content.get("session"))
            return {
                "type": "history",
                "chat": selectors.summary(session),
                "messages": selectors.history(session),
            }

        await self.send_json(await database_sync_to_async(run)())

    async def on_refresh(self, _content: dict[str, Any]) -> None:
        """Send my chats, the queue and my state again, joining any chat whose assignment push
        was lost on the way (the console asks now and then)."""
        hello = await database_sync_to_async(self._hello)()
        for chat in hello["chats"]:
            if chat["id"] not in self.sessions:
                await self._join(chat["id"])
        await self.send_json({**hello, "type": "chats"})

    async def on_sync(self, content: dict[str, Any]) -> None:
        """Resend one chat's messages after `after_seq` (the console saw a gap)."""
        after = _after_seq(content)

        def run() -> list[dict[str, Any]]:
            session = services.agent_session(self.user, content.get("session"))
            return selectors.history(session, after_seq=after)

        for frame in await database_sync_to_async(run)():
            await self.send_json(frame)

    async def on_message(self, content: dict[str, Any]) -> None:
        def run() -> services.Outcome:
            session = services.agent_session(self.user, content.get("session"))
            return services.post_agent_message(
                self.user, session, content.get("body"), content.get("client_id")
            )

        out = await database_sync_to_async(run)()
        if not out.created:
            await self.send_json(services.message_frame(out.messages[0]))
        await self.send_pushes(out.pushes)

    async def on_canned(self, content: dict[str, Any]) -> None:
        def run() -> services.Outcome:
            session = services.agent_session(self.user, content.get("session"))
            canned = services.canned_for(self.user, content.get("shortcut"), session.language)
            return services.post_agent_message(
                self.user, session, canned.body, content.get("client_id")
            )

        out = await database_sync_to_async(run)()
        await self.send_pushes(out.pushes)

    async def on_typing(self, content: dict[str, Any]) -> None:
        session_id = content.get("session")
        if session_id not in self.sessions:
            await self.error("not_found", _("No such chat among yours."))
            return
        frame = {
            "type": "typing",
            "session": session_id,
            "author": "agent",
            "active": content.get("active") is not False,
        }
        await self.channel_layer.group_send(
            session_group(session_id),
            {"type": "chat.event", "frame": frame, "origin": self.channel_name},
        )

    async def on_end(self, content: dict[str, Any]) -> None:
        def run() -> services.Outcome:
            session = services.agent_session(self.user, content.get("session"))
            return services.end_session(session, by=self.user)

        await self.send_pushes((await database_sync_to_async(run)()).pushes)

    async def on_transfer(self, content: dict[str, Any]) -> None:
        def run() -> services.Outcome:
            session = services.agent_session(self.user, content.get("session"))
            return services.transfer(session, by=self.user, to_user_id=content.get("to"))

        await self.send_pushes((await database_sync_to_async(run)()).pushes)

    # ----------------------------------------------------------- group messages

    async def chat_assigned(self, message: dict[str, Any]) -> None:
        session_id = int(message["session"])
        await self._join(session_id)

        def run() -> dict[str, Any] | None:
            session = ChatSession.objects.filter(pk=session_id, agent_id=self.user.pk).first()
            if session is None or session.status not in OPEN_STATUSES:
                return None
            return {
                "type": "assigned",
                "chat": selectors.summary(session),
                "messages": selectors.history(session),
                "state": selectors.state_of(self.user),
            }

        frame = await database_sync_to_async(run)()
        if frame is not None:
            await self.send_json(frame)

    async def chat_released(self, message: dict[str, Any]) -> None:
        session_id = int(message["session"])
        self.sessions.discard(session_id)
        await self.channel_layer.group_discard(session_group(session_id), self.channel_name)
        await self.send_json({"type": "released", "session": session_id})

    async def chat_queue(self, message: dict[str, Any]) -> None:
        await self.send_json({"type": "queue", "queue": message.get("queue", [])})

    async def chat_state(self, _message: dict[str, Any]) -> None:
        state = await database_sync_to_async(selectors.state_of)(self.user)
        await self.send_json({"type": "state", "state": state})
