"""A chat's message log: clean text in, numbered messages out, each client id stored once.

The per-session sequence number locks the session row (one UPDATE … RETURNING); on SQLite
the IMMEDIATE transaction serializes writers.
"""

from __future__ import annotations

import functools
import unicodedata
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from reservoir.contact_center.enums import MAX_MESSAGE_CHARS, OPEN_STATUSES
from reservoir.contact_center.models import ChatMessage, ChatSession
from reservoir.core.errors import Conflict, InvalidInput, NotFound
from reservoir.iam.models import User

_CONTROL = {"Cc", "Cf", "Cs", "Co"}


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


def append(
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
            cursor.execute(_next_seq_sql(), [session.pk])
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
def _next_seq_sql() -> str:
    """A constant, computed once the models are loaded."""
    q = connection.ops.quote_name
    seq = q("last_seq")
    return (
        f"UPDATE {q(ChatSession._meta.db_table)} SET {seq} = {seq} + 1 "  # noqa: S608
        f"WHERE {q('id')} = %s RETURNING {seq}, {q('status')}"
    )


def client_id(raw: Any) -> str:
    """The sender's id of a message (for deduplication), or InvalidInput."""
    if raw in (None, ""):
        return ""
    if not isinstance(raw, str) or len(raw) > 64:
        raise InvalidInput(
            _("The client id must be text of 64 characters at most."), field="client_id"
        )
    return raw


def stored_repeat(session: ChatSession, cid: str) -> ChatMessage | None:
    """The message stored before under this client id, if any."""
    if not cid:
        return None
    return ChatMessage.objects.filter(session=session, client_id=cid).first()
