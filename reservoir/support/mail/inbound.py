"""Inbound service e-mail: each message becomes a new case or a message on its thread.

Threading, in order: a Message-ID this mail answers (In-Reply-To, then References, newest
first) that a case message carries; else the case tag "[C-000123]" in the subject when the
sender is that case's customer; else a new case. A reply to a closed case opens a new one.
Redelivery of the same Message-ID changes nothing (the SMTP gateway and the IMAP fetcher may
both retry). Refused attachments never lose the mail: the case gets an internal note naming
them and why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from reservoir.core.errors import Conflict, DomainError, InvalidInput
from reservoir.parties.models import Party
from reservoir.support import services
from reservoir.support.enums import CaseChannel, MessageAuthor, MessageVisibility
from reservoir.support.mail.parsing import ParsedEmail, parse_email, strip_quoted
from reservoir.support.messages import MAX_BODY
from reservoir.support.models import Case, CaseMessage
from reservoir.support.types import EmailMeta
from reservoir.support.uploads import validate_upload
from reservoir.timeline.services import InteractionInput, resolve_party_id

_CASE_TAG = re.compile(r"\[(C-\d{4,})\]")


@dataclass(frozen=True)
class Received:
    case_id: int
    message_id: int
    opened_case: bool
    duplicate: bool = False


def receive_email(raw: bytes) -> Received:
    """Store one inbound e-mail on a case; raise InvalidInput when it cannot be a case message.

    Side effects (one transaction): maybe a provisional party for an unknown sender, a new
    case or a message on an existing one (with its timeline interaction, SLA clocks and
    audit entries through the case services); CaseOpened/CaseMessageAdded after commit.
    """
    parsed = parse_email(raw)
    known = CaseMessage.objects.filter(message_id=parsed.message_id).first()
    if known is not None:
        return Received(known.case_id, known.pk, opened_case=False, duplicate=True)
    if not parsed.from_address or "@" not in parsed.from_address:
        raise InvalidInput(_("The message has no sender address."), field="from")
    with transaction.atomic():
        party_id = resolve_party_id(
            InteractionInput(
                channel="email",
                direction="inbound",
                contact_kind="email",
                contact_value=parsed.from_address,
                contact_name=parsed.from_name,
            ),
            by=None,
        )
        body, files, refused = _content(parsed)
        meta = EmailMeta(
            message_id=parsed.message_id,
            in_reply_to=parsed.in_reply_to,
            references=" ".join(f"<{r}>" for r in parsed.references)[:4000],
            email_from=parsed.from_address,
            email_to=", ".join(parsed.to)[:2000],
        )
        case = _thread(parsed, party_id)
        message: CaseMessage | None = None
        if case is not None:
            try:
                message = services.add_message(
                    case,
                    body=body,
                    by=None,
                    author_kind=MessageAuthor.CUSTOMER,
                    channel=CaseChannel.EMAIL,
                    attachments=files,
                    email=meta,
                )
            except Conflict as exc:
                if exc.code != "closed":
                    raise
        opened = message is None
        if message is None:
            case = services.open_case(
                party=Party.objects.get(pk=party_id),
                subject=_CASE_TAG.sub("", parsed.subject).strip() or _("(no subject)"),
                body=body,
                channel=CaseChannel.EMAIL,
                by=None,
                attachments=files,
                email=meta,
            )
            message = case.messages.order_by("id").first()
        assert case is not None and message is not None
        if refused:
            services.add_message(
                case,
                body=_("Attachments refused from the e-mail: %(list)s")
                % {"list": "; ".join(refused)},
                by=None,
                author_kind=MessageAuthor.SYSTEM,
                channel=CaseChannel.EMAIL,
                visibility=MessageVisibility.INTERNAL,
            )
    return Received(case.pk, message.pk, opened_case=opened)


def _thread(parsed: ParsedEmail, party_id: int) -> Case | None:
    """The case this mail continues, if any (see the module docstring for the order)."""
    ids = parsed.thread_ids
    if ids:
        found = {
            m.message_id: m.case
            for m in CaseMessage.objects.filter(message_id__in=ids).select_related("case")
        }
        for i in ids:
            if i in found:
                return found[i]
    tag = _CASE_TAG.search(parsed.subject)
    if tag:
        return Case.objects.filter(number=tag.group(1), party_id=party_id).first()
    return None


def _content(parsed: ParsedEmail) -> tuple[str, list[SimpleUploadedFile], list[str]]:
    """Body for the case (new text only), attachments that pass the checks, refusals."""
    body = strip_quoted(parsed.text) if parsed.text.strip() else parsed.html
    files: list[SimpleUploadedFile] = []
    refused: list[str] = []
    for item in parsed.attachments[:10]:
        upload = SimpleUploadedFile(item.filename, item.content, item.content_type)
        try:
            validate_upload(upload)
        except DomainError as exc:
            refused.append(f"{item.filename}: {exc.message}")
            continue
        upload.seek(0)
        files.append(upload)
    refused.extend(f"{a.filename}: {_('more than 10 files')}" for a in parsed.attachments[10:])
    if len(body) > MAX_BODY:
        # Keep every word: the whole text goes along as a file, the case shows the start.
        files.append(
            SimpleUploadedFile("message.txt", body.encode("utf-8"), "text/plain; charset=utf-8")
        )
        body = body[: MAX_BODY - 200] + "\n\n" + _("[The full message is attached.]")
    if not body.strip():
        body = _("(no text)")
    return body, files, refused
