"""A customer never sees another customer's case, order or file: pages, API, downloads."""

from __future__ import annotations

import pytest
from django.test import Client

from reservoir.portal.tests.helpers import PDF, case_for, order_for, pdf
from reservoir.support import services as support_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def bobs(bob):
    case = case_for(bob, "Bob's secret problem", files=[pdf("bob.pdf")])
    order = order_for(bob, "SO-BOB-1")
    return case, order, case.attachments.get()


def test_case_page_of_another_customer_is_404(alice_client, bobs):
    case, _order, _att = bobs

    response = alice_client.get(f"/portal/cases/{case.pk}/")

    assert response.status_code == 404
    assert "Bob's secret problem" not in response.content.decode()


def test_reply_to_another_customers_case_is_404_and_writes_nothing(alice_client, bobs):
    case, _order, _att = bobs

    response = alice_client.post(f"/portal/cases/{case.pk}/", {"body": "Let me in"})

    assert response.status_code == 404
    assert case.messages.count() == 1


def test_order_page_of_another_customer_is_404(alice_client, bobs):
    _case, order, _att = bobs

    response = alice_client.get(f"/portal/orders/{order.pk}/")

    assert response.status_code == 404


def test_download_of_another_customers_file_is_404(alice_client, bobs):
    _case, _order, attachment = bobs

    response = alice_client.get(f"/portal/files/{attachment.pk}/")

    assert response.status_code == 404


def test_own_file_downloads_as_attachment(bob_client, bobs):
    _case, _order, attachment = bobs

    response = bob_client.get(f"/portal/files/{attachment.pk}/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_lists_show_only_own_records(alice_client, alice, bobs):
    case_for(alice, "Alice's kettle")
    order_for(alice, "SO-ALICE-1")

    cases = alice_client.get("/portal/cases/").content.decode()
    orders = alice_client.get("/portal/orders/").content.decode()
    home = alice_client.get("/portal/").content.decode()

    assert "Alice&#x27;s kettle" in cases
    assert "Bob&#x27;s secret problem" not in cases
    assert "SO-ALICE-1" in orders
    assert "SO-BOB-1" not in orders
    assert "SO-BOB-1" not in home
    assert "Bob&#x27;s secret problem" not in home


def test_internal_notes_and_their_files_never_reach_the_customer(bob_client, bob, admin_user):
    case = case_for(bob, "Noisy fridge")
    support_services.add_message(
        case,
        body="Internal: customer is a known complainer",
        by=admin_user,
        author_kind="agent",
        visibility="internal",
        channel="staff",
        attachments=[pdf("internal.pdf")],
    )
    internal_file = case.attachments.get(filename="internal.pdf")

    page = bob_client.get(f"/portal/cases/{case.pk}/").content.decode()
    api = bob_client.get(f"/api/v1/portal/cases/{case.pk}").json()
    download = bob_client.get(f"/portal/files/{internal_file.pk}/")
    api_download = bob_client.get(f"/api/v1/portal/attachments/{internal_file.pk}")

    assert "known complainer" not in page
    assert "internal.pdf" not in page
    assert [m["body_text"] for m in api["messages"]] == ["Water everywhere."]
    assert download.status_code == 404
    assert api_download.status_code == 404


def test_api_by_id_access_to_another_customers_records_is_404(alice_client, bobs):
    case, order, attachment = bobs

    responses = [
        alice_client.get(f"/api/v1/portal/cases/{case.pk}"),
        alice_client.get(f"/api/v1/portal/orders/{order.pk}"),
        alice_client.get(f"/api/v1/portal/attachments/{attachment.pk}"),
        alice_client.post(
            f"/api/v1/portal/cases/{case.pk}/replies",
            {"body": "hi"},
            content_type="application/json",
        ),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404, 404]
    assert case.messages.count() == 1


def test_api_lists_only_own_records(alice_client, alice, bobs):
    mine = case_for(alice, "Alice's API case")
    my_order = order_for(alice, "SO-ALICE-2")

    cases = alice_client.get("/api/v1/portal/cases").json()
    orders = alice_client.get("/api/v1/portal/orders").json()

    assert [c["id"] for c in cases["items"]] == [mine.pk]
    assert [o["id"] for o in orders["items"]] == [my_order.pk]


def test_api_needs_a_customer_session(bobs):
    case, _order, _att = bobs

    response = Client().get(f"/api/v1/portal/cases/{case.pk}")

    assert response.status_code == 401


def test_api_refuses_a_staff_session(rep_a, bobs):
    client = Client()
    client.force_login(rep_a)

    response = client.get("/api/v1/portal/cases")

    assert response.status_code == 401
