"""Storing one case message: the row, its attachments and its interaction on the timeline.

Shared by `open_case` and `add_message` (services.py); not a public entry point.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.utils.translation import gettext as _

from reservoir.core.errors import Conflict, InvalidInput
from reservoir.core.html import clean_html, html_to_text
from reservoir.iam.models import User
from reservoir.support.enums import (
    TIMELINE_CHANNEL,
    CaseChannel,
    MessageAuthor,
    MessageVisibility,
)
from reservoir.support.models import Attachment, Case, CaseMessage
from reservoir.support.types import EmailMeta
from reservoir.support.uploads import CheckedFile
from reservoir.timeline import services as timeline
from reservoir.timeline.enums import Direction, Kind
from reservoir.timeline.models import Interaction

MAX_BODY = 50_000


def clean_body(body: str) -> tuple[str, str]:
    """(cleaned HTML, plain text) of a message body; plain text is escaped into paragraphs."""
    raw = body or ""
    if len(raw) > MAX_BODY:
        raise InvalidInput(
            _("The message is too long (%(n)s characters at most).") % {"n": MAX_BODY},
            field="body",
        )
    if "<" not in raw:
        from django.utils.html import escape, linebreaks

        raw = linebreaks(escape(raw)) if raw.strip() else ""
    html = clean_html(raw)
    return html, html_to_text(html)


def check_kinds(*, author_kind: str, visibility: str, channel: str) -> None:
    if author_kind not in MessageAuthor.values:
        raise InvalidInput(_("Unknown author kind."), field="author_kind")
    if visibility not in MessageVisibility.values:
        raise InvalidInput(_("Unknown visibility."), field="visibility")
    if channel not in CaseChannel.values:
        raise InvalidInput(
            _("Unknown channel; use one of: %(all)s.") % {"all": ", ".join(CaseChannel.values)},
            field="channel",
        )
    if author_kind == MessageAuthor.CUSTOMER and visibility == MessageVisibility.INTERNAL:
        raise InvalidInput(
            _("A customer's message cannot be an internal note."), field="visibility"
        )


def check_email(email: EmailMeta | None) -> None:
    if email is None or not email.message_id:
        return
    if len(email.message_id) > 255 or len(email.in_reply_to) > 255:
        raise InvalidInput(_("The Message-ID is too long."), field="message_id")
    if CaseMessage.objects.filter(message_id=email.message_id).exists():
        raise Conflict(_("This email was already stored."), field="message_id", code="duplicate")


def store_message(
    case: Case,
    *,
    body: str,
    by: User | None,
    author_kind: str,
    visibility: str,
    channel: str,
    at: dt.datetime,
    files: Sequence[CheckedFile] = (),
    email: EmailMeta | None = None,
) -> CaseMessage:
    """Write the message, its attachments and its timeline interaction (caller's transaction)."""
    html, text = clean_body(body)
    if not text and not files:
        raise InvalidInput(_("Write a message or attach a file."), field="body")
    email = email or EmailMeta()
    message = CaseMessage.objects.create(
        case=case,
        author_kind=author_kind,
        author=by,
        body=html,
        body_text=text,
        visibility=visibility,
        channel=channel,
        created_at=at,
        message_id=email.message_id[:255],
        in_reply_to=email.in_reply_to[:255],
        references=email.references,
        email_from=email.email_from[:255],
        email_to=email.email_to,
    )
    for checked in files:
        Attachment.objects.create(
            message=message,
            case=case,
            file=checked.as_file(),
            filename=checked.filename,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
        )
    message.interaction_id = _record_interaction(case, message, by=by, files=files).pk
    message.save(update_fields=["interaction_id"])
    return message


def _direction(message: CaseMessage) -> str:
    if message.visibility == MessageVisibility.INTERNAL:
        return Direction.INTERNAL
    if message.author_kind == MessageAuthor.CUSTOMER:
        return Direction.INBOUND
    return Direction.OUTBOUND


def _record_interaction(
    case: Case, message: CaseMessage, *, by: User | None, files: Sequence[CheckedFile]
) -> Interaction:
    internal = message.visibility == MessageVisibility.INTERNAL
    body = message.body
    if files:
        names = ", ".join(f.filename for f in files)
        body += f"<p>📎 {names}</p>"
    limit = int(getattr(settings, "INTERACTION_BODY_MAX_CHARS", 100_000))
    interaction, _new = timeline.record_interaction(
        timeline.InteractionInput(
            channel=TIMELINE_CHANNEL[message.channel],
            direction=_direction(message),
            party_id=case.party_id,
            kind=Kind.NOTE if internal else Kind.MESSAGE,
            occurred_at=message.created_at,
            subject=f"{case.number} {case.subject}"[:255],
            body=body[:limit],
            staff_id=by.pk
            if by is not None and message.author_kind != MessageAuthor.CUSTOMER
            else None,
            conversation_id=case.conversation_id,
            link={
                "app": "support",
                "model": "case",
                "pk": str(case.pk),
                "label": case.number or "",
            },
            source="support",
            external_id=f"case-message:{message.pk}",
            contact_value=message.email_from
            if message.author_kind == MessageAuthor.CUSTOMER
            else "",
        ),
        by=by,
    )
    return interaction
