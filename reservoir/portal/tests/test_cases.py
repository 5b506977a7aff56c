"""Opening and answering cases on the portal and through its API, with checked uploads."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from reservoir.portal.tests.helpers import EXE, PDF, case_for, order_for, pdf
from reservoir.support.models import Attachment, Case

pytestmark = pytest.mark.django_db


def test_new_case_page_has_the_fields_the_journeys_use(alice_client):
    html = alice_client.get("/portal/cases/new/").content.decode()

    for name in ('name="subject"', 'name="body"', 'name="type"', 'name="attachments"'):
        assert name in html
    assert 'value="complaint"' in html
    assert "multiple" in html
    assert ">Submit</button>" in html


def test_customer_opens_complaint_with_two_files(alice_client, alice):
    response = alice_client.post(
        "/portal/cases/new/",
        {
            "subject": "Rude delivery driver",
            "body": "He threw the parcel.",
            "type": "complaint",
            "attachments": [pdf("photo.pdf"), pdf("receipt.pdf")],
        },
    )

    case = Case.objects.get(party=alice.party)
    assert response.status_code == 302
    assert response["Location"] == f"/portal/cases/{case.pk}/"
    assert (case.subject, case.type, case.channel) == (
        "Rude delivery driver",
        "complaint",
        "portal",
    )
    assert sorted(case.attachments.values_list("filename", flat=True)) == [
        "photo.pdf",
        "receipt.pdf",
    ]
    detail = alice_client.get(response["Location"]).content.decode()
    assert "He threw the parcel." in detail
    assert "receipt.pdf" in detail


def test_exe_disguised_as_pdf_is_refused_with_a_message(alice_client, alice):
    fake = SimpleUploadedFile("invoice.pdf", EXE, content_type="application/pdf")

    response = alice_client.post(
        "/portal/cases/new/",
        {"subject": "Invoice", "body": "See attached", "type": "question", "attachments": [fake]},
    )

    assert response.status_code == 422
    assert "does not match its type" in response.content.decode()
    assert Case.objects.filter(party=alice.party).exists() is False
    assert Attachment.objects.count() == 0


def test_too_large_file_is_refused_with_a_message(settings, alice_client, alice):
    settings.SUPPORT_MAX_UPLOAD_BYTES = 1024
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 2048, content_type="application/pdf")

    response = alice_client.post(
        "/portal/cases/new/",
        {"subject": "Big", "body": "Large scan", "type": "question", "attachments": [big]},
    )

    assert response.status_code == 422
    assert "too large" in response.content.decode()
    assert Case.objects.filter(party=alice.party).exists() is False


def test_customer_replies_with_a_file(alice_client, alice):
    case = case_for(alice)

    response = alice_client.post(
        f"/portal/cases/{case.pk}/", {"body": "Here is the photo", "attachments": [pdf("p.pdf")]}
    )

    assert response.status_code == 302
    last = case.messages.order_by("-id").first()
    assert (last.author_kind, last.visibility, last.channel) == ("customer", "public", "portal")
    assert list(last.attachments.values_list("filename", flat=True)) == ["p.pdf"]


def test_empty_reply_is_refused(alice_client, alice):
    case = case_for(alice)

    response = alice_client.post(f"/portal/cases/{case.pk}/", {"body": ""})

    assert response.status_code == 422
    assert case.messages.count() == 1


def test_api_opens_case_and_replies(alice_client, alice):
    alice_client.get("/portal/")
    token = alice_client.cookies["csrftoken"].value
    created = alice_client.post(
        "/api/v1/portal/cases",
        {"subject": "API question", "body": "How do I descale?", "type": "question"},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    case_id = created.json()["id"]

    replied = alice_client.post(
        f"/api/v1/portal/cases/{case_id}/replies",
        {"body": "Any news?"},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )

    assert created.status_code == 201
    assert replied.status_code == 201
    assert [m["body_text"] for m in replied.json()["messages"]] == [
        "How do I descale?",
        "Any news?",
    ]
    assert Case.objects.get(pk=case_id).party_id == alice.party_id


def test_api_write_without_csrf_header_is_refused(alice, alice_client):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.cookies = alice_client.cookies

    response = csrf_client.post(
        "/api/v1/portal/cases",
        {"subject": "x", "body": "y"},
        content_type="application/json",
    )

    assert response.status_code == 403
    assert Case.objects.count() == 0


def test_api_refuses_a_product_the_customer_never_bought(alice_client, bob):
    bobs_order = order_for(bob, "SO-B")
    product_id = bobs_order.lines.get().product_id
    alice_client.get("/portal/")

    response = alice_client.post(
        "/api/v1/portal/cases",
        {"subject": "x", "body": "y", "product_id": product_id},
        content_type="application/json",
        headers={"X-CSRFToken": alice_client.cookies["csrftoken"].value},
    )

    assert response.status_code == 422
    assert Case.objects.count() == 0


@pytest.mark.parametrize("path", ["/portal/cases/", "/api/v1/portal/cases"])
def test_case_list_query_count_does_not_grow_with_cases(alice_client, alice, path):
    case_for(alice, "one")
    with CaptureQueriesContext(connection) as one:
        assert alice_client.get(path).status_code == 200
    case_for(alice, "two")
    case_for(alice, "three")

    with CaptureQueriesContext(connection) as three:
        assert alice_client.get(path).status_code == 200

    assert len(three) == len(one)


@pytest.mark.parametrize("path", ["/portal/orders/", "/api/v1/portal/orders", "/portal/"])
def test_order_list_query_count_does_not_grow_with_orders(alice_client, alice, path):
    order_for(alice, "SO-1")
    with CaptureQueriesContext(connection) as one:
        assert alice_client.get(path).status_code == 200
    order_for(alice, "SO-2")
    order_for(alice, "SO-3")

    with CaptureQueriesContext(connection) as three:
        assert alice_client.get(path).status_code == 200

    assert len(three) == len(one)
