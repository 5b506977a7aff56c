"""Values passed into the case services by channels."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EmailMeta:
    """The threading headers of an email message (inbound or outbound)."""

    message_id: str = ""
    in_reply_to: str = ""
    references: str = ""
    email_from: str = ""
    email_to: str = ""
