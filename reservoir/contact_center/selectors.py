"""Live chat reads: an agent's chats, the waiting queue, a chat's history, the 360 beside it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from reservoir.contact_center import neighbours
from reservoir.contact_center.enums import Author, SessionStatus
from reservoir.contact_center.frames import message_frame
from reservoir.contact_center.models import AgentChatState, CannedResponse, ChatMessage, ChatSession
from reservoir.decisions.engine import Decision, decide
from reservoir.decisions.facts import DecisionContext
from reservoir.iam.models import User
from reservoir.parties import selectors as party_selectors
from reservoir.parties.models import Party
from reservoir.timeline import selectors as timeline_selectors

HISTORY_LIMIT = 500


def summary(s: ChatSession) -> dict[str, Any]:
    """What a console lists about a chat (JSON-ready)."""
    return {
        "id": s.pk,
        "status": s.status,
        "visitor": s.visitor_label,
        "party": s.party_id,
        "identified_by": s.identified_by,
        "page_url": s.page_url,
        "language": s.language,
        "queued_at": s.queued_at.isoformat() if s.queued_at else None,
        "last_seq": s.last_seq,
    }


def my_chats(user: User) -> list[dict[str, Any]]:
    qs = ChatSession.objects.filter(agent=user, status=SessionStatus.ACTIVE).order_by("accepted_at")
    return [summary(s) for s in qs]


def waiting_queue(*, limit: int = 50) -> list[dict[str, Any]]:
    qs = ChatSession.objects.filter(status=SessionStatus.QUEUED).order_by("queued_at", "pk")
    return [summary(s) for s in qs[:limit]]


def state_of(user: User) -> dict[str, Any]:
    state = AgentChatState.objects.filter(pk=user.pk).first()
    if state is None:
        return {"available": False, "capacity": 3, "active_count": 0}
    return {
        "available": state.available,
        "capacity": state.capacity,
        "active_count": state.active_count,
    }


def history(session: ChatSession, *, after_seq: int = 0) -> list[dict[str, Any]]:
    """The chat's messages in order (the last HISTORY_LIMIT), as frames."""
    qs = (
        ChatMessage.objects.filter(session=session, seq__gt=after_seq)
        .select_related("author_user")
        .order_by("-seq")[:HISTORY_LIMIT]
    )
    rows = list(qs)[::-1]
    return [
        message_frame(
            m,
            author_name=(m.author_user.get_short_name() or m.author_user.username)
            if m.author == Author.AGENT and m.author_user
            else "",
        )
        for m in rows
    ]


def visible_session(user: User, session_id: int) -> ChatSession | None:
    """A chat the user may look at: their own, or (managers) any whose customer they see."""
    from reservoir.iam.enums import Role

    s = ChatSession.objects.select_related("party", "agent").filter(pk=session_id).first()
    if s is None:
        return None
    if s.agent_id == user.pk:
        return s
    if user.has_role(Role.MANAGER) and (
        s.party_id is None or party_selectors.for_user(user).filter(pk=s.party_id).exists()
    ):
        return s
    return None


def list_canned(*, actor: User, language: str | None = None) -> QuerySet[CannedResponse]:
    """Canned responses for everyone plus those of the actor's team."""
    from django.db.models import Q

    qs = CannedResponse.objects.filter(Q(team__isnull=True) | Q(team_id=actor.team_id))
    if language is not None:
        qs = qs.filter(language__in=[language, ""])
    return qs.select_related("team").order_by("shortcut", "language")


@dataclass
class CaseView:
    case: Any
    messages: list[Any] = field(default_factory=list)


@dataclass
class Context360:
    party: Party | None
    cases: list[CaseView]
    timeline: list[Any]
    decision: Decision | None
    channel_counts: list[timeline_selectors.ChannelCount]


def context_360(*, actor: User, session: ChatSession) -> Context360:
    """The customer beside the chat: identity, open cases with their messages, the recent
    timeline of every channel, and the decision service's offers and suppressions for chat.

    Side effects: one decision-log row (every asked decision is logged).
    """
    party = None
    if session.party_id is not None:
        party = party_selectors.for_user(actor).filter(pk=session.party_id).first()
    if party is None:
        return Context360(None, [], [], None, [])
    cases = [CaseView(c, neighbours.case_messages(c)) for c in neighbours.open_cases(party.pk)]
    recent = list(
        timeline_selectors.for_user(actor)
        .filter(party_id=party.pk)
        .select_related("staff")
        .order_by("-occurred_at", "-pk")[:15]
    )
    decision = decide(
        party.pk,
        DecisionContext(channel="chat", at=timezone.now(), staff_username=actor.username),
        actor=actor,
    )
    return Context360(
        party, cases, recent, decision, timeline_selectors.channel_breakdown(party_id=party.pk)
    )
