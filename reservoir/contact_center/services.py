"""Live chat writes: sessions, messages (ordered, deduplicated), the bot, the queue, agents.

Every function returns the pushes the caller sends afterwards, in order (`Push` = group and
message): consumers are async, these are sync, so the socket side does the sending and can
await it in sequence. Writes run in short transactions; the per-session sequence number and
agent assignment lock their rows (select_for_update on PostgreSQL; on SQLite the IMMEDIATE
transaction serializes writers).
"""

from __future__ import annotations

import functools
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from reservoir.audit import services as audit
from reservoir.calendars import selectors as calendars
from reservoir.calendars.businesstime import is_working_time
from reservoir.contact_center import neighbours
from reservoir.contact_center.enums import MAX_MESSAGE_CHARS, OPEN_STATUSES, Author, SessionStatus
from reservoir.contact_center.groups import AGENTS, agent_group, session_group
from reservoir.contact_center.models import AgentChatState, ChatMessage, ChatSession
from reservoir.core.errors import Conflict, InvalidInput, NotFound
from reservoir.iam.models import User
from reservoir.parties.models import Party
from reservoir.timeline import services as timeline
from reservoir.timeline.enums import Channel, Direction

Push = tuple[str, dict[str, Any]]
HANDOVER = re.compile(r"\b(agent|human|person|operator|representative)\b|人工|客服|真人", re.I)
_CONTROL = {"Cc", "Cf", "Cs", "Co"}


@dataclass
class Outcome:
    """What a service call produced: the new messages and the pushes to send, in order."""

    messages: list[ChatMessage] = field(default_factory=list)
    pushes: list[Push] = field(default_factory=list)
    created: bool = True


# ---------------------------------------------------------------- frames


def message_frame(m: ChatMessage, *, author_name: str = "") -> dict[str, Any]:
    return {
        "type": "message",
        "session": m.session_id,
        "seq": m.seq,
        "author": m.author,
        "author_name": author_name,
        "body": m.body,
        "links": m.links,
        "client_id": m.client_id,
        "created_at": m.created_at.isoformat(),
    }


def status_frame(s: ChatSession) -> dict[str, Any]:
    agent = s.agent.get_short_name() or s.agent.username if s.agent_id and s.agent else ""
    return {
        "type": "status",
        "session": s.pk,
        "status": s.status,
        "agent": agent,
        "case": s.case.number if s.case_id and s.case else None,
    }


def to_session(s: ChatSession, frame: dict[str, Any]) -> Push:
    return session_group(s.pk), {"type": "chat.event", "frame": frame}


def _agent_name(user: User | None) -> str:
    return (user.get_short_name() or user.username) if user is not None else ""


# ---------------------------------------------------------------- sessions


def clean_text(raw: Any, *, limit: int = MAX_MESSAGE_CHARS, field: str = "body") -> str:
    """Plain text without control characters (newlines kept); InvalidInput when empty/too long."""
    if not isinstance(raw, str):
        raise InvalidInput(_("The message must be text."), field=field)
    text = "".join(
        ch for ch in raw if ch in "\n\t" or unicodedata.category(ch) not in _CONTROL
    ).strip()
    if not text:
        raise InvalidInput(_("The message is empty."), field=field)
    if len(text) > limit:
        raise InvalidInput(
            _("The message is too long (%(n)s characters at most).") % {"n": limit}, field=field
        )
    return text


@transaction.atomic
def start_session(
    *,
    party_id: int | None = None,
    name: str = "",
    email: str = "",
    phone: str = "",
    page_url: str = "",
    language: str = "",
) -> ChatSession:
    """Open a chat for a signed-in customer (`party_id`) or a visitor who gave email or phone.

    The visitor is matched to their party by the contact point; an unknown one becomes a
    provisional party (as the timeline does). Side effects: may create a party; the bot's
    greeting; audit entry.
    """
    name, email, phone = name.strip()[:120], email.strip()[:254], phone.strip()[:40]
    identified_by = "session"
    if party_id is None:
        if not email and not phone:
            raise InvalidInput(_("Give your email address or phone number."), field="email")
        kind, value = ("email", email) if email else ("phone", phone)
        party_id = timeline.resolve_party_id(
            timeline.InteractionInput(
                channel=Channel.CHAT,
                direction=Direction.INBOUND,
                contact_kind=kind,
                contact_value=value,
                contact_name=name,
            ),
            by=None,
        )
        identified_by = kind
    party = Party.objects.filter(pk=party_id).first()
    if party is None:
        raise NotFound(_("No customer with id %(id)s.") % {"id": party_id})
    session = ChatSession.objects.create(
        token=secrets.token_urlsafe(32),
        party=party,
        identified_by=identified_by,
        name=name or party.display_name[:120],
        email=email,
        phone=phone,
        page_url=page_url[:500],
        language=language[:10],
    )
    with override(session.language or None):
        greeting = _(
            "Hello %(name)s! I am the assistant. Ask me a question, or choose “Talk to a person”."
        ) % {"name": session.name}
    _append(session, Author.BOT, greeting)
    audit.record(None, "contact_center.chat.started", session, data={"party": party.pk})
    return session


def get_by_token(token: Any) -> ChatSession:
    """The session a visitor's token opens; NotFound for anything else."""
    if not isinstance(token, str) or not 10 <= len(token) <= 64:
        raise NotFound(_("This chat does not exist or has expired."), code="unknown_session")
    session = ChatSession.objects.select_related("agent").filter(token=token).first()
    if session is None:
        raise NotFound(_("This chat does not exist or has expired."), code="unknown_session")
    return session


def _append(
    session: ChatSession,
    author: str,
    body: str,
    *,
    user: User | None = None,
    client_id: str = "",
    links: list[dict[str, str]] | None = None,
    only_open: bool = False,
) -> ChatMessage:
    """Add a message with the session's next sequence number (locks the session row).

    The number and the session's current status come from one UPDATE … RETURNING (SQLite
    3.35+, PostgreSQL): every chat message takes this path, so it costs two statements.
    With `only_open`, a chat that has ended meanwhile raises Conflict (nothing is written).
    Raises IntegrityError (rolled back) when the client id was stored before.
    """
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(_NEXT_SEQ_SQL(), [session.pk])
            row = cursor.fetchone()
        if row is None:
            raise NotFound(_("This chat does not exist or has expired."), code="unknown_session")
        session.last_seq, session.status = row
        if only_open and session.status not in OPEN_STATUSES:
            raise Conflict(_("This chat has ended."), code="chat_ended")
        return ChatMessage.objects.create(
            session=session,
            seq=session.last_seq,
            author=author,
            author_user=user,
            body=body,
            client_id=client_id,
            links=links or [],
        )


@functools.cache
def _NEXT_SEQ_SQL() -> str:  # noqa: N802 - a constant computed once the models are loaded
    q = connection.ops.quote_name
    seq = q("last_seq")
    return (
        f"UPDATE {q(ChatSession._meta.db_table)} SET {seq} = {seq} + 1 "  # noqa: S608
        f"WHERE {q('id')} = %s RETURNING {seq}, {q('status')}"
    )


def _client_id(raw: Any) -> str:
    if raw in (None, ""):
        return ""
    if not isinstance(raw, str) or len(raw) > 64:
        raise InvalidInput(
            _("The client id must be text of 64 characters at most."), field="client_id"
        )
    return raw


def _repeat(session: ChatSession, client_id: str) -> ChatMessage | None:
    if not client_id:
        return None
    return ChatMessage.objects.filter(session=session, client_id=client_id).first()


def post_visitor_message(session: ChatSession, body: Any, client_id: Any = "") -> Outcome:
    """Store the visitor's message; the bot answers it while the chat is with the bot.

    A repeated client id returns the stored message (created False) and pushes nothing.
    Side effects: may queue the chat or open a case (see `request_agent`).
    """
    text = clean_text(body)
    cid = _client_id(client_id)
    try:
        message = _append(session, Author.VISITOR, text, client_id=cid, only_open=True)
    except IntegrityError:  # a resend after a reconnect, or the same id from a second socket
        repeat = _repeat(session, cid)
        if repeat is None:
            raise
        return Outcome(messages=[repeat], created=False)
    out = Outcome(messages=[message], pushes=[to_session(session, message_frame(message))])
    if session.status == SessionStatus.BOT:
        _bot_answer(session, text, out)
    return out


def _bot_answer(session: ChatSession, text: str, out: Outcome) -> None:
    with override(session.language or None):
        if HANDOVER.search(text):
            _extend(out, request_agent(session))
            return
        hits = neighbours.search_knowledge(text, session.language)
        if not hits:
            _extend(out, request_agent(session))
            return
        reply = _("These articles may answer your question. Not what you need? Ask for a person.")
        links = [{"title": h.title, "url": h.url, "snippet": h.snippet} for h in hits]
        bot = _append(session, Author.BOT, reply, links=links)
    out.messages.append(bot)
    out.pushes.append(to_session(session, message_frame(bot)))


def _extend(out: Outcome, more: Outcome) -> None:
    out.messages.extend(more.messages)
    out.pushes.extend(more.pushes)


def agents_on_duty() -> bool:
    return AgentChatState.objects.filter(available=True, online__gt=0).exists()


def request_agent(session: ChatSession) -> Outcome:
    """Hand the chat to a person: queue it (and assign it) when an agent is on duty, else tell
    the visitor and open a support case with the transcript.

    Side effects: status change; system message; maybe a case, the transcript on the timeline.
    """
    out = Outcome()
    if session.status != SessionStatus.BOT:
        return out
    with override(session.language or None):
        if not agents_on_duty():
            closed = not is_working_time(calendars.default_calendar(), timezone.now())
            why = _("We are closed now.") if closed else _("No agent is available right now.")
            return _leave_case(session, why, status=SessionStatus.MISSED)
        session.status = SessionStatus.QUEUED
        session.queued_at = timezone.now()
        session.save(update_fields=["status", "queued_at"])
        note = _append(session, Author.SYSTEM, _("Connecting you with an agent…"))
    out.messages.append(note)
    out.pushes += [
        to_session(session, message_frame(note)),
        to_session(session, status_frame(session)),
    ]
    out.pushes += assign_waiting(fresh=session.pk)
    return out


def _leave_case(session: ChatSession, note: str, *, status: str) -> Outcome:
    """End the chat into a support case holding its transcript; tell the visitor."""
    transcript = transcript_text(session)
    assert session.party is not None  # every chat is matched to a party when it starts
    case = neighbours.open_chat_case(
        party=session.party,
        subject=_("Chat from %(name)s") % {"name": session.visitor_label},
        body=transcript,
    )
    session.case = case
    note += " " + _("We opened case %(number)s with this conversation and will reply by email.") % {
        "number": case.number
    }
    session.status = status
    session.ended_at = timezone.now()
    session.save(update_fields=["status", "ended_at", "case"])
    message = _append(session, Author.SYSTEM, note)
    record_transcript(session)
    return Outcome(
        messages=[message],
        pushes=[
            to_session(session, message_frame(message)),
            to_session(session, status_frame(session)),
            queue_push(),
        ],
    )


# ---------------------------------------------------------------- assignment


def queue_push() -> Push:
    """The waiting queue as every console shows it, read once here rather than per console."""
    from reservoir.contact_center.selectors import waiting_queue

    return AGENTS, {"type": "chat.queue", "queue": waiting_queue()}


def assign_waiting(*, fresh: int | None = None) -> list[Push]:
    """Give waiting chats, oldest first, to the least-loaded available agents with room.

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
                .filter(available=True, online__gt=0, active_count__lt=F("capacity"))
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
            note = _append(
                session,
                Author.SYSTEM,
                _("%(name)s joined the chat.") % {"name": _agent_name(agent)},
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


def agent_state(user: User) -> AgentChatState:
    state, _created = AgentChatState.objects.get_or_create(user=user)
    return state


def set_availability(
    user: User, *, available: bool, capacity: int | None = None
) -> tuple[AgentChatState, list[Push]]:
    """Turn an agent's chat availability on or off (and set their capacity, 1-20).

    Side effects: audit entry; waiting chats may be assigned.
    """
    if capacity is not None and not (isinstance(capacity, int) and 1 <= capacity <= 20):
        raise InvalidInput(_("Capacity must be a whole number from 1 to 20."), field="capacity")
    state = agent_state(user)
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
    """Count an agent's open consoles (+1 on connect, -1 on close); assign when one opens."""
    state = agent_state(user)
    AgentChatState.objects.filter(pk=state.pk).update(online=F("online") + delta)
    if delta < 0:
        AgentChatState.objects.filter(pk=state.pk, online__lt=0).update(online=0)
        return []
    return assign_waiting()


# ---------------------------------------------------------------- agent actions


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
    text = clean_text(body)
    cid = _client_id(client_id)
    repeat = _repeat(session, cid)
    if repeat is not None:
        return Outcome(messages=[repeat], created=False)
    message = _append(session, Author.AGENT, text, user=user, client_id=cid)
    frame = message_frame(message, author_name=_agent_name(user))
    return Outcome(messages=[message], pushes=[to_session(session, frame)])


def end_session(session: ChatSession, *, by: User | None) -> Outcome:
    """End a chat (by its agent or, with `by` None, by the visitor).

    A chat still waiting for an agent ends as missed, into a case. Side effects: the agent's
    load falls (and waiting chats may be assigned); the transcript goes to the timeline.
    """
    if session.status not in OPEN_STATUSES:
        return Outcome(created=False)
    if by is not None and session.agent_id != by.pk:
        raise NotFound(_("No chat %(id)s among yours.") % {"id": session.pk})
    with override(session.language or None):
        if session.status == SessionStatus.QUEUED:
            return _leave_case(
                session, _("You left before an agent joined."), status=SessionStatus.MISSED
            )
        with transaction.atomic():
            was_active = session.status == SessionStatus.ACTIVE
            session.status, session.ended_at = SessionStatus.ENDED, timezone.now()
            session.save(update_fields=["status", "ended_at"])
            if was_active and session.agent_id:
                AgentChatState.objects.filter(pk=session.agent_id, active_count__gt=0).update(
                    active_count=F("active_count") - 1
                )
            note = _append(session, Author.SYSTEM, _("The chat has ended. Thank you!"))
            record_transcript(session)
    audit.record(by, "contact_center.chat.ended", session)
    out = Outcome(
        messages=[note],
        pushes=[
            to_session(session, message_frame(note)),
            to_session(session, status_frame(session)),
        ],
    )
    out.pushes += assign_waiting()
    return out


def transfer(session: ChatSession, *, by: User, to_user_id: Any) -> Outcome:
    """Pass an active chat to another available agent with room. Side effects: both loads."""
    if session.agent_id != by.pk or session.status != SessionStatus.ACTIVE:
        raise NotFound(_("No chat %(id)s among yours.") % {"id": session.pk})
    if not isinstance(to_user_id, int) or to_user_id == by.pk:
        raise InvalidInput(_("Choose another agent."), field="to")
    with transaction.atomic():
        target = (
            AgentChatState.objects.select_for_update()
            .filter(pk=to_user_id, available=True, online__gt=0, active_count__lt=F("capacity"))
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
        note = _append(
            session, Author.SYSTEM,
            _("%(old)s passed the chat to %(new)s.")
            % {"old": _agent_name(by), "new": _agent_name(target.user)},
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


def rate(session: ChatSession, rating: Any) -> None:
    """Store the visitor's 1-5 rating of an ended chat (and in support's surveys when there)."""
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise InvalidInput(_("Rate from 1 to 5."), field="rating")
    if session.status in OPEN_STATUSES:
        raise Conflict(_("Rate the chat once it has ended."), code="chat_open")
    session.rating = rating
    session.save(update_fields=["rating"])
    if session.party is not None:
        neighbours.record_csat(party=session.party, rating=rating, session_pk=session.pk)


from reservoir.contact_center.canned import (  # noqa: E402 - re-exported for callers
    canned_for,
    delete_canned,
    is_chat_agent,
    require_agent,
    save_canned,
)
from reservoir.contact_center.transcripts import record_transcript, transcript_text  # noqa: E402

__all__ = [
    "canned_for",
    "delete_canned",
    "is_chat_agent",
    "record_transcript",
    "require_agent",
    "save_canned",
    "transcript_text",
]
