"""Parse one e-mail into what a case needs: threading ids, sender, text and attachments.

The standard library's `email` package (policy.default) does the MIME work; what is ours is
the choice of body part and the trimming of quoted history, which no parser knows about.
"""

from __future__ import annotations

import email
import email.policy
import hashlib
import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

_ID = re.compile(r"<([^<>\s]+)>")
# Lines that start the quoted history in replies (English and Chinese mail clients).
_QUOTE_START = re.compile(
    r"^(On .{4,200} wrote:|-{2,}\s*Original Message\s*-{2,}|-{2,}\s*原始邮件\s*-{2,}|"
    r"-{2,}\s*原始郵件\s*-{2,}|在.{2,120}(写道|寫道)[:：]|From: .+|发件人[:：].+|寄件者[:：].+)\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class ParsedEmail:
    message_id: str
    in_reply_to: str
    references: tuple[str, ...]
    from_address: str
    from_name: str
    to: tuple[str, ...]
    subject: str
    text: str
    html: str
    attachments: tuple[ParsedAttachment, ...] = field(default=())
    auto_submitted: bool = False

    @property
    def thread_ids(self) -> tuple[str, ...]:
        """Ids this message answers, nearest first."""
        ids = [self.in_reply_to] if self.in_reply_to else []
        ids.extend(reversed(self.references))
        return tuple(dict.fromkeys(i for i in ids if i))


def message_ids(value: str | None) -> list[str]:
    """The ids in a Message-ID/In-Reply-To/References header, without angle brackets."""
    if not value:
        return []
    found = _ID.findall(str(value))
    if found:
        return found
    bare = str(value).strip()
    return [bare] if bare and " " not in bare else []


def strip_quoted(text: str) -> str:
    """Cut the quoted history a reply carries below the new text (kept when nothing is new)."""
    lines = text.replace("\r\n", "\n").split("\n")
    kept: list[str] = []
    for line in lines:
        if _QUOTE_START.match(line.strip()) and any(k.strip() for k in kept):
            break
        kept.append(line)
    while kept and (not kept[-1].strip() or kept[-1].lstrip().startswith(">")):
        kept.pop()
    result = "\n".join(kept).strip()
    return result or text.strip()


def _text_of(part: EmailMessage) -> str:
    try:
        return str(part.get_content())
    except (LookupError, UnicodeDecodeError):
        payload = part.get_payload(decode=True) or b""
        return bytes(payload).decode("utf-8", errors="replace")


def parse_email(raw: bytes) -> ParsedEmail:
    """Parse `raw` (the bytes the SMTP server or IMAP mailbox handed over)."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(msg, EmailMessage)
    ids = message_ids(msg.get("Message-ID"))
    # A message without a Message-ID still needs a stable one, or a redelivery would duplicate it.
    message_id = ids[0] if ids else f"sha256-{hashlib.sha256(raw).hexdigest()[:40]}@reservoir"
    name, address = parseaddr(str(msg.get("From", "")))
    to = tuple(a for _n, a in getaddresses([str(v) for v in msg.get_all("To", [])]) if a)
    plain = msg.get_body(preferencelist=("plain",))
    rich = msg.get_body(preferencelist=("html",))
    text = _text_of(plain) if isinstance(plain, EmailMessage) else ""
    html = _text_of(rich) if isinstance(rich, EmailMessage) else ""
    attachments = []
    for part in msg.iter_attachments():
        if not isinstance(part, EmailMessage):
            continue
        payload = part.get_payload(decode=True)
        if payload is None:
            continue
        attachments.append(
            ParsedAttachment(
                filename=part.get_filename() or "attachment",
                content_type=part.get_content_type(),
                content=bytes(payload),
            )
        )
    auto = str(msg.get("Auto-Submitted", "no")).lower() not in ("", "no")
    return ParsedEmail(
        message_id=message_id[:255],
        in_reply_to=(message_ids(msg.get("In-Reply-To")) or [""])[0][:255],
        references=tuple(message_ids(msg.get("References"))),
        from_address=address.strip().lower(),
        from_name=name.strip(),
        to=to,
        subject=str(msg.get("Subject", "")).strip(),
        text=text,
        html=html,
        attachments=tuple(attachments),
        auto_submitted=auto,
    )
