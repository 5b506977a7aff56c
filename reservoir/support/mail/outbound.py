"""Outbound service e-mail: agents' public replies on e-mail threads, and survey invitations.

Each reply's Message-ID is derived from the message (an HMAC of its id under SECRET_KEY), so
a retried send carries the same id — mail clients and servers drop the duplicate — and
nobody can forge an id that threads into someone else's case.

Replies and invitations older than SUPPORT_MAIL_MAX_AGE_HOURS (72) are not sent: they were
recorded after the fact (an import, a backfill, the demo's history), and a customer should
not receive a days-old answer out of the blue.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from email.utils import formataddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from reservoir.support.enums import MessageAuthor, MessageVisibility
from reservoir.support.models import CaseMessage, Survey

_MAX_REFERENCES = 20


def _stale(at: object) -> bool:
    hours = getattr(settings, "SUPPORT_MAIL_MAX_AGE_HOURS", 72)
    return isinstance(at, dt.datetime) and at < timezone.now() - dt.timedelta(hours=hours)


def support_domain() -> str:
    return settings.SUPPORT_EMAIL_ADDRESS.rpartition("@")[2] or "reservoir.localhost"


def reply_message_id(message: CaseMessage) -> str:
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"case-message:{message.pk}".encode(), hashlib.sha256
    ).hexdigest()[:20]
    return f"{message.case.number}.{message.pk}.{digest}@{support_domain()}"


def _sender() -> str:
    return formataddr((settings.SUPPORT_EMAIL_NAME, settings.SUPPORT_EMAIL_ADDRESS))


def _parent(message: CaseMessage) -> CaseMessage | None:
    """The customer's latest e-mail before `message`: the reply answers it."""
    return (
        CaseMessage.objects.filter(
            case_id=message.case_id,
            author_kind=MessageAuthor.CUSTOMER,
            id__lt=message.pk,
        )
        .exclude(email_from="")
        .order_by("-id")
        .first()
    )


def send_reply(message_pk: int) -> bool:
    """E-mail a public agent reply to the customer of an e-mail thread; True when sent.

    Skips internal notes, customer messages, cases that never came by e-mail and replies
    already sent. Side effects: one SMTP send; the message's e-mail headers are stored.
    """
    message = CaseMessage.objects.select_related("case", "author").filter(pk=message_pk).first()
    if (
        message is None
        or message.visibility != MessageVisibility.PUBLIC
        or message.author_kind not in (MessageAuthor.AGENT, MessageAuthor.BOT)
        or message.message_id
        or _stale(message.created_at)
    ):
        return False
    parent = _parent(message)
    if parent is None:
        return False
    case = message.case
    references = [*parent.references.replace("<", " ").replace(">", " ").split(), parent.message_id]
    references = references[-_MAX_REFERENCES:]
    msg_id = reply_message_id(message)
    subject = case.subject if case.subject.lower().startswith("re:") else f"Re: {case.subject}"
    signature = message.author.get_full_name() if message.author else settings.SUPPORT_EMAIL_NAME
    text = f"{message.body_text}\n\n-- \n{signature}\n{settings.SUPPORT_EMAIL_NAME} · {case.number}"
    email = EmailMultiAlternatives(
        subject=f"{subject} [{case.number}]",
        body=text,
        from_email=_sender(),
        to=[parent.email_from],
        headers={
            "Message-ID": f"<{msg_id}>",
            "In-Reply-To": f"<{parent.message_id}>",
            "References": " ".join(f"<{r}>" for r in references),
            "Auto-Submitted": "no",
        },
    )
    email.attach_alternative(message.body, "text/html")
    email.send()
    CaseMessage.objects.filter(pk=message.pk).update(
        message_id=msg_id,
        in_reply_to=parent.message_id,
        references=" ".join(f"<{r}>" for r in references),
        email_from=settings.SUPPORT_EMAIL_ADDRESS,
        email_to=parent.email_from,
    )
    return True


def survey_link(survey: Survey) -> str:
    try:
        path = reverse("portal:survey", kwargs={"token": survey.token})
    except NoReverseMatch:
        path = f"/portal/survey/{survey.token}/"
    return f"{settings.SITE_URL}{path}"


def send_survey(survey_pk: int, *, address: str, language: str = "") -> bool:
    """E-mail a survey invitation with its link; True when sent. Side effect: one SMTP send."""
    survey = Survey.objects.select_related("case").filter(pk=survey_pk).first()
    if survey is None or survey.answered_at is not None or not address or _stale(survey.sent_at):
        return False
    with translation.override(language or settings.LANGUAGE_CODE):
        question = (
            _("How satisfied are you with how we handled your request?")
            if survey.kind == "csat"
            else _("How likely are you to recommend us to a friend or colleague?")
        )
        subject = _("Your opinion, please")
        if survey.case is not None:
            subject = f"{subject} [{survey.case.number}]"
        text = "\n\n".join(
            (question, _("Answer with one click here:"), survey_link(survey), _("Thank you!"))
        )
    EmailMultiAlternatives(subject=subject, body=text, from_email=_sender(), to=[address]).send()
    return True
