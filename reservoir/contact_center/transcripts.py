"""A chat's transcript: as text (for a case) and on the party's timeline (once per chat)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from reservoir.contact_center.enums import Author
from reservoir.contact_center.models import ChatSession
from reservoir.timeline import services as timeline
from reservoir.timeline.enums import Channel, Direction, Kind


def transcript_text(session: ChatSession) -> str:
    names: dict[str, str] = {
        Author.VISITOR: session.visitor_label,
        Author.BOT: _("Bot"),
        Author.SYSTEM: "—",
    }
    lines = []
    for m in session.messages.select_related("author_user").order_by("seq"):
        who = (
            (m.author_user.get_short_name() or m.author_user.username)
            if m.author_user
            else ""
            if m.author == Author.AGENT
            else names[m.author]
        )
        lines.append(f"[{timezone.localtime(m.created_at):%H:%M}] {who}: {m.body}")
    return "\n".join(lines)


def record_transcript(session: ChatSession) -> None:
    """Put the whole chat on the party's timeline as one interaction in its own conversation.

    Once per chat (idempotent on the session id). Side effects: a conversation, an interaction
    (InteractionRecorded after commit), audit entries.
    """
    if session.party_id is None or session.interaction_id is not None:
        return
    party = session.party
    assert party is not None
    subject = _("Chat with %(name)s") % {"name": session.visitor_label}
    conversation = timeline.open_conversation(
        party, channel=Channel.CHAT, subject=subject, by=None, started_at=session.created_at
    )
    interaction, _new = timeline.record_interaction(
        timeline.InteractionInput(
            channel=Channel.CHAT,
            direction=Direction.INBOUND,
            party_id=party.pk,
            kind=Kind.MESSAGE,
            occurred_at=session.created_at,
            subject=subject,
            body="<br>".join(escape(line) for line in transcript_text(session).splitlines())[
                :50_000
            ],
            staff_id=session.agent_id,
            conversation_id=conversation.pk,
            contact_value=session.email or session.phone,
            link={"app": "contact_center", "model": "chatsession", "pk": str(session.pk),
                  "label": str(session)},
            source="chat",
            external_id=f"chat-{session.pk}",
        ),
        by=None,
    )  # fmt: skip
    session.conversation, session.interaction = conversation, interaction
    session.save(update_fields=["conversation", "interaction"])
