"""The agent's side of live chat: availability, console sockets, assignment, replies, transfer.

Every function returns the pushes the caller sends afterwards (see `services`). Assignment
locks the waiting chat and the chosen agent's state (select_for_update on PostgreSQL; on
SQLite the IMMEDIATE transaction serializes writers). Who counts as online is `presence`'s.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from reservoir.audit import services as audit
from reservoir.contact_center import chatlog, presence, selectors
from reservoir.contact_center.enums import Author, SessionStatus
from reservoir.contact_center.frames import (
    Outcome,
    Push,
    agent_name,
    message_frame,
    status_frame,
    to_session,
)
from reservoir.contact_center.groups import AGENTS, agent_group
from reservoir.contact_center.models import AgentChatState, ChatSession
from reservoir.core.errors import Conflict, InvalidInput, NotFound
from reservoir.iam.models import User


def queue_push() -> Push:
    """The waiting queue as every console shows it, read once here rather than per console."""
    return AGENTS, {"type": "chat.queue", "queue": selectors.waiting_queue()}


def assign_waiting(*, fresh: int | None = None) -> list[Push]:
    """Give waiting chats, oldest first, to the least-loaded routable agents with room.

    `fresh` is a chat queued a moment ago by the caller: when it is the only one assigned,
    no console ever saw it waiting, so the queue is not pushed again (an assignment burst of
    200 chats would otherwise refresh every console 200 times).
    Side effects: sessions become active; agents' counts rise. Returns the pushes.
    """
    pushes: list[Push] = []
    assigned: list[int] = []
    while True:
        with transaction.atomic():
            session = (
                ChatSession.objects.select_for_update()
                .filter(status=SessionStatus.QUEUED)
                .order_by("queued_at", "pk")
                .first()
            )
            if session is None:
                break
            state = (
                AgentChatState.objects.select_for_update()
                .filter(presence.routable(), active_count__lt=F("capacity"))
                .order_by("active_count", F("last_assigned_at").asc(nulls_first=True), "pk")
                .first()
            )
            if state is None:
                break
            now = timezone.now()
            AgentChatState.objects.filter(pk=state.pk).update(
                active_count=F("active_count") + 1, last_assigned_at=now
            )
            session.status, session.agent_id, session.accepted_at = (
                SessionStatus.ACTIVE, state.pk, now,
            )  # fmt: skip
            session.save(update_fields=["status", "agent", "accepted_at"])
            agent = User.objects.get(pk=state.pk)
            session.agent = agent
            note = chatlog.append(
                session,
                Author.SYSTEM,
                _("%(name)s joined the chat.") % {"name": agent_name(agent)},
            )
        assigned.append(session.pk)
        pushes += [
            (agent_group(state.pk), {"type": "chat.assigned", "session": session.pk}),
            to_session(session, message_frame(note)),
            to_session(session, status_frame(session)),
        ]
    if fresh is not None and assigned != [fresh]:
        pushes.append(queue_push())  # the fresh chat waits, or others left the queue
    elif fresh is None and assigned:
        pushes.append(queue_push())
    return pushes


def set_availability(
    user: User, *, available: bool, capacity: int | None = None
) -> tuple[AgentChatState, list[Push]]:
    """Turn an agent's chat availability on or off (and set their capacity, 1-20).

    Side effects: audit entry; waiting chats may be assigned.
    """
    if capacity is not None and not (isinstance(capacity, int) and 1 <= capacity <= 20):
        raise InvalidInput(_("Capacity must be a whole number from 1 to 20."), field="capacity")
    state = presence.agent_state(user)
    state.available = bool(available)
    if capacity is not None:
        state.capacity = capacity
    state.save(update_fields=["available", "capacity"])
    audit.record(
        user, "contact_center.agent.availability_changed", state,
        data={"available": state.available, "capacity": state.capacity},
    )  # fmt: skip
    pushes = assign_waiting() if state.available else []
    return state, [*pushes, (agent_group(user.pk), {"type": "chat.state"})]


def agent_connected(user: User, delta: int) -> list[Push]:
    """Count an agent's open consoles (+1 on connect, -1 on close); assign when one opens.

    Side effects: the agent's presence (see `presence`); waiting chats may be assigned.
    """
    if delta < 0:
        presence.console_closed(user)
        return []
    presence.console_opened(user)
    return assign_waiting()


def agent_session(user: User, session_id: Any) -> ChatSession:
    """The chat `user` handles; NotFound for a chat that is not theirs (or does not exist)."""
    if not isinstance(session_id, int) or isinstance(session_id, bool):
        raise InvalidInput(_("Which chat? Give its number."), field="session")
    session = ChatSession.objects.select_related("agent", "party").filter(pk=session_id).first()
    if session is None or session.agent_id != user.pk:
        raise NotFound(_("No chat %(id)s among yours.") % {"id": session_id})
    return session


def post_agent_message(user: User, session: ChatSession, body: Any, client_id: Any = "") -> Outcome:
    """Store an agent's reply. Side effects: none besides the message."""
    if session.agent_id != user.pk:
        raise NotFound(_("No chat %(id)s among yours.") % {"id": session.pk})
    if session.status != SessionStatus.ACTIVE:
        raise Conflict(_("This chat has ended."), code="chat_ended")
    text = chatlog.clean_text(body)
    cid = chatlog.client_id(client_id)
    repeat = chatlog.stored_repeat(session, cid)
    if repeat is not None:
        return Outcome(messages=[repeat], created=False)
    message = chatlog.append(session, Author.AGENT, text, user=user, client_id=cid)
    frame = message_frame(message, author_name=agent_name(user))
    return Outcome(messages=[message], pushes=[to_session(session, frame)])


def transfer(session: ChatSession, *, by: User, to_user_id: Any) -> Outcome:
    """Pass an active chat to another routable agent with room. Side effects: both loads."""
    if session.agent_id != by.pk or session.status != SessionStatus.ACTIVE:
        raise NotFound(_("No chat %(id)s among yours.") % {"id": session.pk})
    if not isinstance(to_user_id, int) or to_user_id == by.pk:
        raise InvalidInput(_("Choose another agent."), field="to")
    with transaction.atomic():
        target = (
            AgentChatState.objects.select_for_update()
            .filter(presence.routable(), pk=to_user_id, active_count__lt=F("capacity"))
            .select_related("user")
            .first()
        )
        if target is None:
            raise Conflict(_("That agent is not available or has no room."), code="agent_busy")
        AgentChatState.objects.filter(pk=by.pk, active_count__gt=0).update(
            active_count=F("active_count") - 1
        )
        AgentChatState.objects.filter(pk=target.pk).update(active_count=F("active_count") + 1)
        session.agent = target.user
        session.save(update_fields=["agent"])
        note = chatlog.append(
            session, Author.SYSTEM,
            _("%(old)s passed the chat to %(new)s.")
            % {"old": agent_name(by), "new": agent_name(target.user)},
        )  # fmt: skip
    audit.record(by, "contact_center.chat.transferred", session, data={"to": target.pk})
    return Outcome(
        messages=[note],
        pushes=[
            (agent_group(by.pk), {"type": "chat.released", "session": session.pk}),
            (agent_group(target.pk), {"type": "chat.assigned", "session": session.pk}),
            to_session(session, message_frame(note)),
            to_session(session, status_frame(session)),
        ],
    )
