import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reservoir.contact_center import services
from reservoir.contact_center.models import CannedResponse, ChatSession
from reservoir.contact_center.tests.factories import CannedFactory, agent, chat
from reservoir.core.customer_session import CUSTOMER_SESSION_KEY
from reservoir.iam.tests.factories import UserFactory
from reservoir.parties.tests.factories import ContactPointFactory, PartyFactory
from reservoir.support import services as support

pytestmark = pytest.mark.django_db


def _start(client, body, **headers):
    return client.post(
        "/chat/api/sessions", data=json.dumps(body), content_type="application/json", **headers
    )


def test_session_create_matches_email_and_allows_other_origins(client):
    point = ContactPointFactory(value="chen@example.com")

    response = _start(
        client,
        {"name": "Chen", "email": "chen@example.com"},
        HTTP_ORIGIN="https://shop.example.org",
    )

    session = ChatSession.objects.get(token=response.json()["token"])
    assert response.status_code == 201
    assert response["Access-Control-Allow-Origin"] == "*"
    assert (session.party_id, session.identified_by) == (point.party_id, "email")


def test_session_create_identifies_signed_in_portal_customer(client):
    party = PartyFactory()
    s = client.session
    s[CUSTOMER_SESSION_KEY] = party.pk
    s.save()

    response = _start(client, {})

    session = ChatSession.objects.get(token=response.json()["token"])
    assert (response.status_code, session.party_id, session.identified_by) == (
        201,
        party.pk,
        "session",
    )


def test_session_create_refuses_bad_input_with_problem_json(client):
    missing = _start(client, {"name": "Anon"})
    not_json = client.post("/chat/api/sessions", data="x", content_type="text/plain")
    wrong_type = _start(client, {"email": ["a@b.c"]})
    preflight = client.options("/chat/api/sessions", HTTP_ORIGIN="https://shop.example.org")

    assert [missing.status_code, not_json.status_code, wrong_type.status_code] == [422, 415, 422]
    assert missing["Content-Type"] == "application/problem+json"
    assert missing.json()["field"] == "email"
    assert (preflight.status_code, preflight["Access-Control-Allow-Methods"]) == (
        204,
        "POST, OPTIONS",
    )
    assert ChatSession.objects.count() == 0


def test_widget_script_carries_strings_for_every_language(client):
    response = client.get("/chat/widget.js")

    body = response.content.decode()
    config = json.loads(body.split("window.ReservoirChatConfig=", 1)[1].split(";\n", 1)[0])
    assert response["Content-Type"].startswith("application/javascript")
    assert sorted(config["strings"]) == ["en", "zh-hans", "zh-hant"]
    assert "attachShadow" in body


def test_console_open_to_agents_only(client):
    client.force_login(UserFactory(role="sales_rep"))
    refused = client.get("/chat/console/")
    client.force_login(agent())
    shown = client.get("/chat/console/")

    assert (refused.status_code, shown.status_code) == (403, 200)
    assert b'id="chat-console"' in shown.content


def test_console_context_shows_open_complaint_and_no_sales_offer(client):
    helper = agent()
    party = PartyFactory()
    support.open_case(
        party=party, subject="Broken fridge door", body="The door fell off.", channel="portal",
        by=None, type="complaint",
    )  # fmt: skip
    session = chat(party_id=party.pk)
    services.request_agent(session)
    client.force_login(helper)

    response = client.get(f"/chat/console/chats/{session.pk}/context/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Broken fridge door" in html and "The door fell off." in html
    assert 'data-suppressed="sales"' in html


def test_console_context_hidden_for_chat_of_another_agent(client):
    owner, other = agent(username="owner"), agent(username="other", capacity=1, available=False)
    session = chat()
    services.request_agent(session)
    client.force_login(other)

    response = client.get(f"/chat/console/chats/{session.pk}/context/")

    assert (response.status_code, ChatSession.objects.get(pk=session.pk).agent_id) == (
        404,
        owner.pk,
    )


def test_canned_create_edit_delete(client):
    user = agent()
    client.force_login(user)

    created = client.post(
        "/chat/canned/",
        {"shortcut": "/Thanks", "title": "Thanks", "body": "Thank you!", "language": "en"},
    )
    canned = CannedResponse.objects.get()
    edited = client.post(
        f"/chat/canned/{canned.pk}/",
        {"shortcut": "thanks", "title": "Thanks", "body": "Many thanks!", "language": "en"},
    )
    canned.refresh_from_db()
    body_after_edit = canned.body
    deleted = client.post(f"/chat/canned/{canned.pk}/delete/")

    assert [created.status_code, edited.status_code, deleted.status_code] == [302, 302, 302]
    assert (canned.shortcut, body_after_edit) == ("thanks", "Many thanks!")
    assert CannedResponse.objects.count() == 0


def test_canned_duplicate_shortcut_is_a_form_error(client):
    client.force_login(agent())
    CannedFactory(shortcut="hi", language="en")

    response = client.post(
        "/chat/canned/", {"shortcut": "hi", "title": "Hi", "body": "Hi!", "language": "en"}
    )

    assert response.status_code == 200
    assert "exists already" in response.content.decode()
    assert CannedResponse.objects.count() == 1


def test_canned_list_query_count_does_not_grow_with_rows(client):
    client.force_login(agent())
    CannedFactory()
    with CaptureQueriesContext(connection) as one:
        client.get("/chat/canned/")
    CannedFactory.create_batch(2)
    with CaptureQueriesContext(connection) as three:
        response = client.get("/chat/canned/")

    assert response.content.decode().count("data-canned-id=") == 3
    assert len(three) == len(one)
