"""The visitor's side of live chat: start, messages, the bot, asking for a person, end, rating.

Every function returns the pushes the caller sends afterwards (see `services`). A chat that
finds no agent ends into a support case holding its transcript.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from reservoir.audit import services as audit
from reservoir.calendars import selectors as calendars
from reservoir.calendars.businesstime import is_working_time
from reservoir.contact_center import chatlog, neighbours, presence
from reservoir.contact_center.agents import assign_waiting, queue_push
from reservoir.contact_center.enums import OPEN_STATUSES, Author, SessionStatus
from reservoir.contact_center.frames import Outcome, message_frame, status_frame, to_session
from reservoir.contact_center.models import AgentChatState, ChatSession
from reservoir.contact_center.transcripts import record_transcript, transcript_text
from reservoir.core.errors import Conflict, InvalidInput, NotFound
from reservoir.iam.models import User
from reservoir.parties.models import Party
from reservoir.timeline import services as timeline
from reservoir.timeline.enums import Channel, Direction

HANDOVER = re.compile(r"\b(agent|human|person|operator|representative)\b|人工|客服|真人", re.I)


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
    greeting; audit entry. Callers facing the public limit starts first (`throttle`).
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
    chatlog.append(session, Author.BOT, greeting)
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


def post_visitor_message(session: ChatSession, body: Any, client_id: Any = "") -> Outcome:
    """Store the visitor's message; the bot answers it while the chat is with the bot.

    A repeated client id returns the stored message (created False) and pushes nothing.
    Side effects: may queue the chat or open a case (see `request_agent`).
    """
    text = chatlog.clean_text(body)
    cid = chatlog.client_id(client_id)
    try:
        message = chatlog.append(session, Author.VISITOR, text, client_id=cid, only_open=True)
    except IntegrityError:  # a resend after a reconnect, or the same id from a second socket
        repeat = chatlog.stored_repeat(session, cid)
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
            out.extend(request_agent(session))
            return
        hits = neighbours.search_knowledge(text, session.language)
        if not hits:
            out.extend(request_agent(session))
            return
        reply = _("These articles may answer your question. Not what you need? Ask for a person.")
        links = [{"title": h.title, "url": h.url, "snippet": h.snippet} for h in hits]
        bot = chatlog.append(session, Author.BOT, reply, links=links)
    out.messages.append(bot)
    out.pushes.append(to_session(session, message_frame(bot)))


def request_agent(session: ChatSession) -> Outcome:
    """Hand the chat to a person: queue it (and assign it) when an agent is on duty, else tell
    the visitor and open a support case with the transcript.

    Side effects: status change; system message; maybe a case, the transcript on the timeline.
    """
    out = Outcome()
    if session.status != SessionStatus.BOT:
        return out
    with override(session.language or None):
        if not presence.agents_on_duty():
            closed = not is_working_time(calendars.default_calendar(), timezone.now())
            why = _("We are closed now.") if closed else _("No agent is available right now.")
            return _leave_case(session, why, status=SessionStatus.MISSED)
        session.status = SessionStatus.QUEUED
        session.queued_at = timezone.now()
        session.save(update_fields=["status", "queued_at"])
        note = chatlog.append(session, Author.SYSTEM, _("Connecting you with an agent…"))
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
    message = chatlog.append(session, Author.SYSTEM, note)
    record_transcript(session)
    return Outcome(
        messages=[message],
        pushes=[
            to_session(session, message_frame(message)),
            to_session(session, status_frame(session)),
            queue_push(),
        ],
    )


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
            note = chatlog.append(session, Author.SYSTEM, _("The chat has ended. Thank you!"))
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
