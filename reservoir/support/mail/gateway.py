"""The support address's SMTP server (aiosmtpd): mail relayed here becomes case messages.

Answers 250 only after the message is stored, 451 (try again later) when storing failed for
a passing reason, and 550 when the message can never be stored — so the sending server
retries or bounces and no mail is silently lost.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from django.conf import settings
from django.db import connection

from reservoir.core.errors import InvalidInput
from reservoir.support.mail.inbound import receive_email

log = logging.getLogger(__name__)
MAX_MESSAGE_BYTES = 25 * 1024 * 1024


def _store(raw: bytes) -> None:
    """Store one message on a pool thread. Side effects: closes this thread's database
    connection afterwards: the server's pool threads would otherwise keep one open each after
    the server stops, and mail volume is low enough that reconnecting per message is cheap."""
    try:
        receive_email(raw)
    finally:
        connection.close()


class SupportInbox:
    """aiosmtpd handler accepting mail for the support addresses only."""

    def __init__(self, addresses: list[str] | None = None) -> None:
        wanted = addresses or [settings.SUPPORT_EMAIL_ADDRESS]
        self.addresses = {a.strip().lower() for a in wanted}

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address.strip().lower() not in self.addresses:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        raw = envelope.original_content or envelope.content
        try:
            await asyncio.to_thread(_store, bytes(raw))
        except InvalidInput as exc:
            return f"550 5.6.0 {exc.message}"
        except Exception:
            log.exception("support gateway: message not stored")
            return "451 4.3.0 Temporary failure, please try again later"
        return "250 2.0.0 Message accepted"


def controller(host: str, port: int, addresses: list[str] | None = None) -> Any:
    """An aiosmtpd Controller (call .start()/.stop()) serving the support inbox."""
    from aiosmtpd.controller import Controller

    return Controller(
        SupportInbox(addresses), hostname=host, port=port, data_size_limit=MAX_MESSAGE_BYTES
    )
