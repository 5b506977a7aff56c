"""Service e-mail through real SMTP servers started in the test (aiosmtpd).

The support gateway (our SMTP server) receives the customer's mail; a second aiosmtpd server
stands in for the customer's mailbox and receives the agent's reply sent by Django's SMTP
backend.
"""

from __future__ import annotations

import email
import email.policy
import smtplib
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django_tasks_db.models import DBTaskResult

from reservoir.parties.models import ContactPoint
from reservoir.parties.tests.factories import PartyFactory
from reservoir.support import services
from reservoir.support.enums import CaseChannel, CaseStatus, MessageAuthor, MessageVisibility
from reservoir.support.mail import gateway, tasks
from reservoir.support.models import Case, CaseMessage
from reservoir.support.tests.factories import AgentFactory

pytestmark = pytest.mark.django_db(transaction=True)
SUPPORT = "help@shop.example"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Mailbox:
    """The customer's mailbox: keeps what it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        msg = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        assert isinstance(msg, EmailMessage)
        self.messages.append(msg)
        return "250 OK"


@pytest.fixture
def inbox(settings: Any) -> Iterator[int]:
    settings.SUPPORT_EMAIL_ADDRESS = SUPPORT
    server = gateway.controller("127.0.0.1", _free_port())
    server.start()
    yield server.port
    server.stop()


@pytest.fixture
def mailbox(settings: Any) -> Iterator[Mailbox]:
    handler = Mailbox()
    server = Controller(handler, hostname="127.0.0.1", port=_free_port())
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    yield handler
    server.stop()


def _mail(
    subject: str, body: str, *, msg_id: str, sender: str = "li.na@customer.example", **headers: str
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = f"Li Na <{sender}>"
    msg["To"] = SUPPORT
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{msg_id}>"
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg


def _send(port: int, msg: EmailMessage) -> None:
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        smtp.send_message(msg)


def _run_mail_tasks() -> None:
    for queued in DBTaskResult.objects.filter(task_path__startswith="reservoir.support.mail."):
        task = getattr(tasks, queued.task_path.rsplit(".", 1)[1])
        task.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])
        queued.delete()


def test_email_opens_a_case_the_reply_threads_back_and_the_answer_joins_the_case(inbox, mailbox):
    customer = PartyFactory(display_name="Li Na")
    ContactPoint.objects.create(party=customer, kind="email", value="li.na@customer.example")
    agent = AgentFactory()

    _send(
        inbox,
        _mail("Printer offline", "My printer drops off the Wi-Fi.", msg_id="m1@customer.example"),
    )

    case = Case.objects.get()
    assert (case.party_id, case.channel, case.subject) == (customer.pk, "email", "Printer offline")
    first = case.messages.get()
    assert (first.message_id, first.email_from, first.answered_at) == (
        "m1@customer.example",
        "li.na@customer.example",
        None,
    )

    reply = services.add_message(
        case,
        body="Please restart the router.",
        by=agent,
        author_kind=MessageAuthor.AGENT,
        channel=CaseChannel.EMAIL,
    )
    _run_mail_tasks()

    assert len(mailbox.messages) == 1
    sent = mailbox.messages[0]
    reply.refresh_from_db()
    assert sent["To"] == "li.na@customer.example"
    assert sent["Message-ID"] == f"<{reply.message_id}>"
    assert sent["In-Reply-To"] == "<m1@customer.example>"
    assert sent["References"] == "<m1@customer.example>"
    assert case.number in sent["Subject"]
    assert "Please restart the router." in sent.get_body(("plain",)).get_content()
    first.refresh_from_db()
    assert first.answered_at is not None

    _send(
        inbox,
        _mail(
            f"Re: Printer offline [{case.number}]",
            "Restarted, it works now.\n\nOn Mon, 1 Dec 2026, Service wrote:\n> Please restart the router.",
            msg_id="m2@customer.example",
            In_Reply_To=sent["Message-ID"],
            References=f"<m1@customer.example> {sent['Message-ID']}",
        ),
    )

    assert Case.objects.count() == 1
    answer = case.messages.order_by("-id").first()
    assert (answer.message_id, answer.author_kind, answer.body_text.strip()) == (
        "m2@customer.example",
        MessageAuthor.CUSTOMER,
        "Restarted, it works now.",
    )
    assert list(case.messages.values_list("message_id", flat=True)) == [
        "m1@customer.example",
        reply.message_id,
        "m2@customer.example",
    ]


def test_redelivered_email_is_stored_once(inbox):
    msg = _mail("Invoice", "Where is my invoice?", msg_id="dup@customer.example")

    _send(inbox, msg)
    _send(inbox, msg)

    assert Case.objects.count() == 1
    assert CaseMessage.objects.count() == 1


def test_mail_for_another_address_is_refused_and_stores_nothing(inbox):
    msg = _mail("Hello", "Hi", msg_id="x@customer.example")
    msg.replace_header("To", "sales@shop.example")

    with smtplib.SMTP("127.0.0.1", inbox) as smtp, pytest.raises(smtplib.SMTPRecipientsRefused):
        smtp.send_message(msg, to_addrs=["sales@shop.example"])

    assert Case.objects.count() == 0


def test_unknown_sender_gets_a_provisional_party_and_a_case(inbox):
    _send(
        inbox,
        _mail("Delivery", "Where is order 88?", msg_id="n1@new.example", sender="zhou@new.example"),
    )

    case = Case.objects.select_related("party").get()
    assert case.party.status == "provisional"
    assert ContactPoint.objects.filter(party=case.party, value="zhou@new.example").exists()


def test_case_tag_threads_only_for_the_same_customer(inbox):
    owner = PartyFactory()
    ContactPoint.objects.create(party=owner, kind="email", value="owner@customer.example")
    case = services.open_case(
        party=owner, subject="Broken hinge", body="It broke.", channel="portal", by=None
    )

    _send(
        inbox,
        _mail(
            f"Re: [{case.number}]",
            "More photos",
            msg_id="t1@x.example",
            sender="owner@customer.example",
        ),
    )
    _send(
        inbox,
        _mail(
            f"Re: [{case.number}]",
            "Not mine",
            msg_id="t2@x.example",
            sender="stranger@else.example",
        ),
    )

    assert case.messages.count() == 2
    assert Case.objects.count() == 2
    assert Case.objects.exclude(pk=case.pk).get().subject == "Re:"


def test_reply_to_a_closed_case_opens_a_new_case(inbox):
    customer = PartyFactory()
    ContactPoint.objects.create(party=customer, kind="email", value="c@customer.example")
    agent = AgentFactory()
    _send(
        inbox,
        _mail(
            "Refund", "Please refund.", msg_id="c1@customer.example", sender="c@customer.example"
        ),
    )
    case = Case.objects.get()
    services.resolve_case(case, by=agent)
    services.change_status(Case.objects.get(pk=case.pk), CaseStatus.CLOSED, by=agent)

    _send(
        inbox,
        _mail(
            "Re: Refund",
            "Thanks!",
            msg_id="c2@customer.example",
            sender="c@customer.example",
            In_Reply_To="<c1@customer.example>",
        ),
    )

    assert Case.objects.count() == 2
    assert CaseMessage.objects.get(message_id="c2@customer.example").case_id != case.pk


def test_refused_attachment_keeps_the_mail_and_notes_why(inbox):
    msg = _mail("Photo", "See attached.", msg_id="a1@customer.example")
    msg.add_attachment(
        b"MZ\x90\x00fake-exe", maintype="application", subtype="pdf", filename="photo.pdf"
    )

    _send(inbox, msg)

    case = Case.objects.get()
    note = case.messages.get(visibility=MessageVisibility.INTERNAL)
    assert "photo.pdf" in note.body_text
    assert case.attachments.count() == 0


def test_internal_note_and_portal_cases_send_no_email(mailbox):
    customer = PartyFactory()
    agent = AgentFactory()
    case = services.open_case(
        party=customer, subject="Q", body="Question", channel="portal", by=None
    )

    services.add_message(
        case,
        body="note",
        by=agent,
        author_kind=MessageAuthor.AGENT,
        channel=CaseChannel.STAFF,
        visibility=MessageVisibility.INTERNAL,
    )
    services.add_message(
        case, body="answer", by=agent, author_kind=MessageAuthor.AGENT, channel=CaseChannel.PORTAL
    )
    _run_mail_tasks()

    assert mailbox.messages == []


class FakeImap:
    """An IMAP server's answers, constructed (imapclient's return shapes)."""

    def __init__(self, messages: dict[int, bytes]) -> None:
        self.messages = messages
        self.seen: list[int] = []
        self.logged_out = False

    def select_folder(self, folder: str) -> dict[bytes, Any]:
        return {b"EXISTS": len(self.messages)}

    def search(self, criteria: list[str]) -> list[int]:
        return [uid for uid in self.messages if uid not in self.seen]

    def fetch(self, uids: list[int], parts: list[str]) -> dict[int, dict[bytes, bytes]]:
        return {uid: {b"BODY[]": self.messages[uid]} for uid in uids}

    def add_flags(self, uids: list[int], flags: list[bytes]) -> None:
        self.seen.extend(uids)

    def logout(self) -> None:
        self.logged_out = True


def test_imap_fetch_stores_unseen_mail_and_flags_it_seen_refusing_mail_without_sender():
    from reservoir.support.mail.imap import fetch_mailbox

    good = _mail("Wi-Fi", "No signal.", msg_id="i1@customer.example").as_bytes()
    bad = b"Subject: no sender\r\nMessage-ID: <i2@x>\r\n\r\nbody"
    server = FakeImap({1: good, 2: bad})

    stored = fetch_mailbox(lambda: server)

    assert (stored, sorted(server.seen), server.logged_out) == (2, [1, 2], True)
    assert Case.objects.get().subject == "Wi-Fi"
    assert fetch_mailbox(lambda: server) == 0


def test_survey_invitation_is_emailed_with_its_link(mailbox, settings):
    settings.SITE_URL = "https://crm.shop.example"
    customer = PartyFactory()
    ContactPoint.objects.create(party=customer, kind="email", value="s@customer.example")
    case = services.open_case(
        party=customer, subject="Q", body="Question", channel="portal", by=None
    )

    survey = services.send_survey(case, "csat")
    _run_mail_tasks()

    assert len(mailbox.messages) == 1
    assert mailbox.messages[0]["To"] == "s@customer.example"
    assert (
        f"https://crm.shop.example/portal/survey/{survey.token}/"
        in mailbox.messages[0].get_content()
    )


def test_no_survey_email_when_the_customer_withdrew_surveys_by_email(mailbox):
    from reservoir.consent.services import record_consent

    customer = PartyFactory()
    ContactPoint.objects.create(party=customer, kind="email", value="w@customer.example")
    record_consent(
        customer, channel="email", purpose="surveys", status="withdrawn", source="portal"
    )
    case = services.open_case(
        party=customer, subject="Q", body="Question", channel="portal", by=None
    )

    services.send_survey(case, "csat")
    _run_mail_tasks()

    assert mailbox.messages == []


def test_a_reply_recorded_days_ago_is_not_emailed(inbox, mailbox):
    import datetime as dt

    from django.utils import timezone

    _send(inbox, _mail("Old", "Old question", msg_id="old@customer.example"))
    case = Case.objects.get()

    services.add_message(
        case,
        body="Late answer",
        by=AgentFactory(),
        author_kind=MessageAuthor.AGENT,
        channel=CaseChannel.EMAIL,
        at=timezone.now() - dt.timedelta(days=4),
    )
    _run_mail_tasks()

    assert mailbox.messages == []
