"""What live chat sends over its sockets: message and status frames, pushes, outcomes.

Pure functions of the rows they are given (no queries beyond the relations already loaded).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from reservoir.contact_center.groups import session_group
from reservoir.contact_center.models import ChatMessage, ChatSession
from reservoir.iam.models import User

Push = tuple[str, dict[str, Any]]  # (channel-layer group, message)


@dataclass
class Outcome:
    """What a service call produced: the new messages and the pushes to send, in order."""

    messages: list[ChatMessage] = field(default_factory=list)
    pushes: list[Push] = field(default_factory=list)
    created: bool = True

    def extend(self, more: Outcome) -> None:
        self.messages.extend(more.messages)
        self.pushes.extend(more.pushes)


def agent_name(user: User | None) -> str:
    return (user.get_short_name() or user.username) if user is not None else ""


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
