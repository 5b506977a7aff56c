"""Service API: list (cursor, filters, visibility, query count), create, messages, status."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reservoir.core.tests.api_support import bearer, count_queries
from reservoir.iam.enums import Role
from reservoir.iam.tests.factories import UserFactory
from reservoir.parties.tests.factories import PartyFactory
from reservoir.support import services
from reservoir.support.models import Attachment, Case, CaseMessage

pytestmark = pytest.mark.django_db
JSON = "application/json"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


@pytest.fixture
def agent(team_a):
    return UserFactory(username="agent", role=Role.SERVICE_AGENT, team=team_a)


def _case(party, **kw):
    return services.open_case(
        party=party, subject="Slow delivery", body="Where is it?", channel="email", by=None, **kw
    )


def test_list_takes_the_same_queries_for_one_or_three_cases(client, agent):
    client.force_login(agent)
    _case(PartyFactory())
    one = count_queries(client, "/api/v1/cases")
    _case(PartyFactory())
    _case(PartyFactory())

    three = count_queries(client, "/api/v1/cases")

    assert one == three


def test_list_filters_and_pages_with_a_cursor(client, agent):
    party = PartyFactory()
    cases = [_case(party) for _ in range(3)]
    services.change_status(cases[0], "closed", by=agent)
    headers = bearer(agent)

    first = client.get("/api/v1/cases?status=active&limit=1", headers=headers).json()
    second = client.get(
        f"/api/v1/cases?status=active&limit=1&cursor={first['next_cursor']}", headers=headers
    ).json()

    assert [c["id"] for c in first["items"]] == [cases[2].pk]
    assert [c["id"] for c in second["items"]] == [cases[1].pk]
    assert second["next_cursor"] is None
    assert first["items"][0]["party_name"] == party.display_name


def test_rep_does_not_list_or_read_other_teams_cases(client, rep_a, rep_b):
    theirs = _case(PartyFactory(owner=rep_b))
    headers = bearer(rep_a)

    listing = client.get("/api/v1/cases", headers=headers).json()
    one = client.get(f"/api/v1/cases/{theirs.pk}", headers=headers)

    assert listing["items"] == []
    assert one.status_code == 404
    assert one["Content-Type"].startswith("application/problem+json")


def test_create_with_idempotency_key_opens_one_case(client, agent):
    party = PartyFactory()
    headers = {**bearer(agent), "Idempotency-Key": "k-1"}
    payload = {"party_id": party.pk, "subject": "Refund", "body": "Please", "type": "complaint"}

    first = client.post("/api/v1/cases", payload, content_type=JSON, headers=headers)
    second = client.post("/api/v1/cases", payload, content_type=JSON, headers=headers)

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() == second.json()
    body = first.json()
    assert (body["type"], body["priority"], body["channel"]) == ("complaint", "high", "api")
    assert [t["target"] for t in body["timers"]] == [
        "first_response",
        "next_response",
        "resolution",
    ]
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"party_id": 999999}, "party_id"),
        ({"type": "praise"}, "type"),
        ({"subject": ""}, "subject"),
        ({"product_id": 999999}, "product_id"),
    ],
)
def test_create_refuses_bad_input_with_a_problem(client, agent, change, field):
    payload = {"party_id": PartyFactory().pk, "subject": "S", "body": "B", **change}

    response = client.post("/api/v1/cases", payload, content_type=JSON, headers=bearer(agent))

    assert response.status_code == 422
    assert field in response.content.decode()
    assert Case.objects.count() == 0


def test_post_message_status_and_assign(client, agent):
    case = _case(PartyFactory())
    headers = bearer(agent)

    reply = client.post(
        f"/api/v1/cases/{case.pk}/messages", {"body": "On it", "channel": "email"},
        content_type=JSON, headers=headers,
    )  # fmt: skip
    status = client.post(
        f"/api/v1/cases/{case.pk}/status", {"status": "resolved"}, content_type=JSON,
        headers=headers,
    )  # fmt: skip
    bad = client.post(
        f"/api/v1/cases/{case.pk}/status", {"status": "new"}, content_type=JSON, headers=headers
    )
    assign = client.post(
        f"/api/v1/cases/{case.pk}/assign", {"assignee_id": agent.pk}, content_type=JSON,
        headers=headers,
    )  # fmt: skip

    assert reply.status_code == 201
    assert reply.json()["author_kind"] == "agent"
    assert status.json()["status"] == "resolved"
    assert status.json()["first_contact_resolution"] is True
    assert bad.status_code == 409
    assert assign.json()["assignee_id"] == agent.pk
    assert CaseMessage.objects.filter(case=case).count() == 2


def test_attachment_download_is_limited_to_visible_cases(client, agent, rep_a, rep_b):
    case = _case(PartyFactory(owner=rep_b), attachments=[SimpleUploadedFile("bill.pdf", PDF)])
    att = Attachment.objects.get(case=case)

    ok = client.get(f"/api/v1/cases/attachments/{att.pk}", headers=bearer(agent))
    hidden = client.get(f"/api/v1/cases/attachments/{att.pk}", headers=bearer(rep_a))

    assert ok.status_code == 200
    assert b"".join(ok.streaming_content) == PDF
    assert ok["Content-Type"] == "application/pdf"
    assert hidden.status_code == 404


def test_files_are_checked_when_attached_through_the_api(client, agent):
    case = _case(PartyFactory())
    client.force_login(agent)
    url = f"/api/v1/cases/{case.pk}/files"

    ok = client.post(url, {"files": [SimpleUploadedFile("bill.pdf", PDF)], "body": "Invoice"})
    bad = client.post(url, {"files": [SimpleUploadedFile("bill.pdf", b"MZ\x90\x00" + b"\0" * 60)]})

    assert ok.status_code == 201
    assert [a["filename"] for a in ok.json()["attachments"]] == ["bill.pdf"]
    assert bad.status_code == 422
    assert "attachments" in bad.content.decode()
    assert Attachment.objects.filter(case=case).count() == 1
