"""Background mail work: thin tasks by id (sending happens off the request path)."""

from __future__ import annotations

from django.conf import settings
from django_tasks import task

from reservoir.consent.enums import ConsentChannel, ConsentPurpose
from reservoir.consent.selectors import may_contact
from reservoir.parties.enums import ContactKind
from reservoir.parties.models import ContactPoint
from reservoir.support.enums import MessageAuthor
from reservoir.support.mail import imap, outbound
from reservoir.support.models import CaseMessage, Survey


@task()
def send_reply_email(message_pk: int) -> bool:
    """E-mail one public agent reply (no-op when it is not on an e-mail thread or was sent)."""
    return outbound.send_reply(message_pk)


@task()
def send_survey_email(survey_pk: int) -> bool:
    """E-mail a survey invitation to the address the customer last wrote from (or their e-mail).

    Not sent when the customer withdrew surveys by e-mail (the consent ledger)."""
    survey = Survey.objects.filter(pk=survey_pk).first()
    if survey is None or not may_contact(
        survey.party_id, ConsentChannel.EMAIL, ConsentPurpose.SURVEYS
    ):
        return False
    address = ""
    if survey.case_id:
        last = (
            CaseMessage.objects.filter(case_id=survey.case_id, author_kind=MessageAuthor.CUSTOMER)
            .exclude(email_from="")
            .order_by("-id")
            .values_list("email_from", flat=True)
            .first()
        )
        address = last or ""
    if not address:
        address = (
            ContactPoint.objects.filter(party_id=survey.party_id, kind=ContactKind.EMAIL)
            .order_by("-is_primary", "id")
            .values_list("value", flat=True)
            .first()
            or ""
        )
    return outbound.send_survey(survey_pk, address=address)


@task()
def fetch_mailbox() -> int:
    """Fetch unseen mail from the support IMAP mailbox (when configured); return how many."""
    if not settings.SUPPORT_IMAP_HOST:
        return 0
    return imap.fetch_mailbox()
