"""A customer never sees another customer's case or attachment by id; staff see what they may."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reservoir.core.errors import NotFound
from reservoir.parties.tests.factories import PartyFactory
from reservoir.support import selectors, services
from reservoir.support.enums import MessageVisibility
from reservoir.support.models import Attachment

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def _case(party, **kw):
    return services.open_case(
        party=party, subject="Bill wrong", body="Charged twice", channel="portal", by=None, **kw
    )


def test_customer_cannot_read_another_customers_case_or_attachment():
    alice, bob = PartyFactory(), PartyFactory()
    bobs = _case(bob, attachments=[SimpleUploadedFile("bill.pdf", PDF)])
    att = Attachment.objects.get()

    with pytest.raises(NotFound):
        selectors.get_customer_case(party_id=alice.pk, case_id=bobs.pk)
    with pytest.raises(NotFound):
        selectors.get_customer_attachment(party_id=alice.pk, attachment_id=att.pk)

    assert list(selectors.list_customer_cases(party_id=alice.pk)) == []
    assert selectors.get_customer_case(party_id=bob.pk, case_id=bobs.pk) == bobs
    assert selectors.get_customer_attachment(party_id=bob.pk, attachment_id=att.pk) == att


def test_customer_cannot_fetch_a_file_of_an_internal_note(admin_user):
    party = PartyFactory()
    case = _case(party)
    services.add_message(
        case, body="supplier invoice", by=admin_user, author_kind="agent", channel="staff",
        visibility=MessageVisibility.INTERNAL, attachments=[SimpleUploadedFile("cost.pdf", PDF)],
    )  # fmt: skip
    att = Attachment.objects.get()

    with pytest.raises(NotFound):
        selectors.get_customer_attachment(party_id=party.pk, attachment_id=att.pk)

    public = selectors.case_messages(case, include_internal=False)
    assert [m.author_kind for m in public] == ["customer"]
    assert selectors.get_attachment(actor=admin_user, attachment_id=att.pk) == att


def test_sales_rep_sees_cases_of_own_customers_and_assigned_ones_only(rep_a, rep_b, admin_user):
    mine = _case(PartyFactory(owner=rep_a))
    theirs = _case(PartyFactory(owner=rep_b))
    handed = _case(PartyFactory(owner=rep_b))
    services.assign_case(handed, by=admin_user, user=rep_a)

    visible = set(selectors.list_cases(actor=rep_a).values_list("pk", flat=True))

    assert visible == {mine.pk, handed.pk}
    with pytest.raises(NotFound):
        selectors.get_case(actor=rep_a, case_id=theirs.pk)
