"""Fetch the support mailbox over IMAP (imapclient) for sites whose mail lives elsewhere.

A message is flagged \\Seen only after it is stored (or refused for good), so a crash or a
database error leaves it unseen and the next run picks it up; storing is idempotent on the
Message-ID, so a message stored just before a crash is not stored twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import close_old_connections

from reservoir.core.errors import InvalidInput
from reservoir.support.mail.inbound import receive_email

log = logging.getLogger(__name__)
SEEN = b"\\Seen"


def _connect() -> Any:
    from imapclient import IMAPClient

    client = IMAPClient(
        settings.SUPPORT_IMAP_HOST, port=settings.SUPPORT_IMAP_PORT, ssl=settings.SUPPORT_IMAP_SSL
    )
    client.login(settings.SUPPORT_IMAP_USER, settings.SUPPORT_IMAP_PASSWORD)
    return client


def fetch_mailbox(connect: Callable[[], Any] = _connect, *, limit: int = 200) -> int:
    """Store up to `limit` unseen messages; return how many were stored or refused for good."""
    client = connect()
    done = 0
    try:
        client.select_folder(settings.SUPPORT_IMAP_FOLDER)
        uids = sorted(client.search(["UNSEEN"]))[:limit]
        for uid, data in client.fetch(uids, ["BODY.PEEK[]"]).items():
            raw = data.get(b"BODY[]") or b""
            try:
                receive_email(raw)
            except InvalidInput as exc:
                log.warning("support mailbox: message %s refused: %s", uid, exc.message)
            except Exception:
                log.exception("support mailbox: message %s not stored; will retry", uid)
                close_old_connections()
                continue
            client.add_flags([uid], [SEEN])
            done += 1
    finally:
        client.logout()
    return done
