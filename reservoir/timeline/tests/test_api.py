"""API: recording interactions (one or a batch) and reading the timeline."""

import datetime as dt
import json

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from reservoir.audit.models import AuditEntry
from reservoir.core.models import IdempotencyRecord
from reservoir.core.tests.api_support import bearer
from reservoir.parties.models import ContactPoint, Party
from reservoir.parties.tests.factories import PartyFactory
from reservoir.timeline.models import Interaction
from reservoir.timeline.tests.factories import InteractionFactory

pytestmark = pytest.mark.django_db
JSON = "application/json"
URL = "/api/v1/interactions"
WHEN = "2025-03-01T09:30:00+08:00"


def counts() -> tuple[int, int, int, int, int]:
    return (
        Interaction.objects.count(),
        Party.objects.count(),
        ContactPoint.objects.count(),
        AuditEntry.objects.count(),
        IdempotencyRecord.objects.count(),
    )


def call(phone: str = "13800138000", **extra) -> dict:
    return {
        "contact": {"kind": "phone", "value": phone},
        "channel": "phone",
        "direction": "inbound",
        "kind": "call",
        "occurred_at": WHEN,
        **extra,
    }


def test_interaction_is_recorded_for_a_known_party(client, rep_a):
    party = PartyFactory(owner=rep_a)
    payload = {
        "party_id": party.pk,
        "channel": "email",
        "direction": "outbound",
        "subject": "Quote",
        "body": "<p>Hello</p><script>x()</script>",
        "occurred_at": WHEN,
        "cost": "0.25",
        "link": {"app": "sales", "model": "quote", "pk": "7"},
    }

    response = client.post(URL, payload, content_type=JSON, headers=bearer(rep_a))

    body = response.json()
    assert response.status_code == 201
    assert (body["party_id"], body["channel"], body["kind"]) == (party.pk, "email", "message")
    assert body["body"] == "<p>Hello</p>"
    assert body["occurred_at"] == "2025-03-01T01:30:00Z"
    assert (body["cost"], body["currency"]) == ("0.25", "CNY")
    assert body["link"] == {"app": "sales", "model": "quote", "pk": "7", "label": ""}
    assert body["recorded_by_id"] == rep_a.pk


def test_same_idempotency_key_stores_once(client, rep_a):
    headers = {**bearer(rep_a), "Idempotency-Key": "call-1"}

    first = client.post(URL, call(), content_type=JSON, headers=headers)
    second = client.post(URL, call(), content_type=JSON, headers=headers)

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Interaction.objects.count() == 1


def test_same_idempotency_key_with_other_body_is_409(client, rep_a):
    headers = {**bearer(rep_a), "Idempotency-Key": "call-1"}
    client.post(URL, call(), content_type=JSON, headers=headers)
    before = counts()

    response = client.post(URL, call(subject="changed"), content_type=JSON, headers=headers)

    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert counts() == before


def test_same_source_and_external_id_stores_once(client, rep_a):
    client.force_login(rep_a)
    payload = call(source="pbx", external_id="cdr-77")

    first = client.post(URL, payload, content_type=JSON)
    second = client.post(URL, payload, content_type=JSON)

    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert Interaction.objects.count() == 1


def test_guessed_external_id_of_another_team_is_not_revealed(client, rep_a, rep_b):
    secret = InteractionFactory(party=PartyFactory(owner=rep_b), source="pbx", external_id="x1")
    mine = PartyFactory(owner=rep_a)
    headers = bearer(rep_a)
    before = counts()

    response = client.post(
        URL,
        {
            "party_id": mine.pk,
            "channel": "phone",
            "direction": "inbound",
            "source": "pbx",
            "external_id": "x1",
        },
        content_type=JSON,
        headers=headers,
    )

    assert response.status_code == 409
    assert secret.subject not in response.content.decode()
    assert counts() == before


def test_phone_formats_land_on_one_party(client, rep_a):
    headers = bearer(rep_a)

    ids = {
        client.post(URL, call(phone), content_type=JSON, headers=headers).json()["party_id"]
        for phone in ["+86 138 0013 8000", "13800138000", "0086-138-0013-8000"]
    }

    assert len(ids) == 1
    assert list(ContactPoint.objects.values_list("value", flat=True)) == ["+8613800138000"]
    assert Interaction.objects.count() == 3


def test_email_case_lands_on_one_party(client, rep_a):
    client.force_login(rep_a)

    ids = {
        client.post(
            URL,
            {"contact": {"value": address}, "channel": "email", "direction": "inbound"},
            content_type=JSON,
        ).json()["party_id"]
        for address in ["Alice@Example.COM", "alice@example.com"]
    }

    assert len(ids) == 1
    assert list(ContactPoint.objects.values_list("value", flat=True)) == ["alice@example.com"]


@pytest.mark.parametrize(
    ("payload", "field", "words"),
    [
        (call("12"), "contact.value", "“12” is not a valid phone number."),
        (call(channel="telepathy"), "channel", "'phone', 'ivr'"),
        (call(body="x" * (settings.INTERACTION_BODY_MAX_CHARS + 1)), "body", "At most"),
        (call(duration_seconds="90"), "duration_seconds", "Must be an integer."),
        (call(duration_seconds=-1), "duration_seconds", "at least 0"),
        (call(occurred_at="2025-03-01T09:30:00"), "occurred_at", "time zone"),
        (call(occurred_at="yesterday"), "occurred_at", "ISO 8601"),
        (call(cost="1.234"), "cost", "decimal places"),
        (call(currency="yuan"), "currency", "format"),
        (call(party_id=1), "party_id", "exactly one"),
        ({"party_id": 999999, "channel": "sms", "direction": "inbound"}, "party_id", "999999"),
        ({"party_id": "1", "channel": "sms", "direction": "inbound"}, "party_id", "integer"),
        (
            {"contact": {"value": "wx_1"}, "channel": "chat", "direction": "inbound"},
            "contact.kind",
            "chat",
        ),
        ({**call(), "conversation_id": 999999}, "conversation_id", "conversation"),
    ],
)
def test_bad_interaction_is_422_naming_the_field_and_writes_nothing(
    client, rep_a, payload, field, words
):
    headers = bearer(rep_a)
    before = counts()

    response = client.post(URL, payload, content_type=JSON, headers=headers)

    problem = response.json()
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert problem["errors"][0]["field"] == field
    assert words.lower() in problem["errors"][0]["message"].lower()
    assert field in problem["detail"]
    assert counts() == before


def test_party_of_another_team_is_unknown_when_posting(client, rep_a, rep_b):
    theirs = PartyFactory(owner=rep_b)
    headers = bearer(rep_a)
    before = counts()

    response = client.post(
        URL,
        {"party_id": theirs.pk, "channel": "sms", "direction": "inbound"},
        content_type=JSON,
        headers=headers,
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "party_id", "message": f"No customer with id {theirs.pk}."}
    ]
    assert counts() == before


@pytest.mark.parametrize(
    "raw", ['{"channel": "phone",', "not json", '{"contact": {"value": "\\u0000"}}']
)
def test_broken_json_is_4xx_and_writes_nothing(client, rep_a, raw):
    headers = bearer(rep_a)
    before = counts()

    response = client.post(URL, raw, content_type=JSON, headers=headers)

    assert response.status_code in (400, 422)
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"]
    assert counts() == before


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_request_above_upload_limit_is_413(client, rep_a):
    headers = bearer(rep_a)
    before = counts()

    response = client.post(URL, call(body="x" * 2000), content_type=JSON, headers=headers)

    assert response.status_code == 413
    assert response.json()["type"] == "urn:reservoir:problem:payload_too_large"
    assert counts() == before


def test_batch_stores_all_and_skips_repeats(client, rep_a):
    party = PartyFactory(owner=rep_a)
    items = [
        call("13800138000", source="pbx", external_id="a"),
        call("+86 138 0013 8000", source="pbx", external_id="b"),
        {"party_id": party.pk, "channel": "visit", "direction": "outbound", "kind": "visit"},
        call("13800138000", source="pbx", external_id="a"),
    ]

    response = client.post(
        f"{URL}/batch", {"items": items}, content_type=JSON, headers=bearer(rep_a)
    )

    assert response.status_code == 200
    assert response.json() == {"received": 4, "created": 3}
    assert Interaction.objects.count() == 3
    assert Party.objects.count() == 2


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"channel": "telepathy"}, "items[1].channel"),
        ({"contact": {"kind": "phone", "value": "12"}}, "items[1].contact.value"),
        ({"occurred_at": "2025-01-01T00:00:00"}, "items[1].occurred_at"),
        ({"contact": None, "party_id": 999999}, "items[1].party_id"),
    ],
)
def test_batch_is_all_or_nothing_naming_the_item(client, rep_a, bad, field):
    headers = bearer(rep_a)
    before = counts()
    items = [call(external_id="ok", source="pbx"), {**call(), **bad}, call("13900139000")]

    response = client.post(f"{URL}/batch", {"items": items}, content_type=JSON, headers=headers)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert counts() == before


def test_batch_above_1000_items_is_422(client, rep_a):
    headers = bearer(rep_a)
    items = [{"party_id": 1, "channel": "sms", "direction": "inbound"}] * 1001

    response = client.post(
        f"{URL}/batch", json.dumps({"items": items}), content_type=JSON, headers=headers
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "items"
    assert Interaction.objects.count() == 0


def test_timeline_filters_and_pages_newest_first(client, rep_a):
    client.force_login(rep_a)
    party = PartyFactory(owner=rep_a)
    base = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    rows = [
        InteractionFactory(party=party, channel=ch, occurred_at=base + dt.timedelta(hours=i))
        for i, ch in enumerate(["phone", "email", "sms", "phone"])
    ]
    InteractionFactory(party=PartyFactory(owner=rep_a), channel="phone")

    first = client.get(URL, {"party_id": party.pk, "channel": ["phone", "sms"], "limit": 2}).json()
    second = client.get(
        URL,
        {
            "party_id": party.pk,
            "channel": ["phone", "sms"],
            "limit": 2,
            "cursor": first["next_cursor"],
        },
    ).json()
    window = client.get(
        URL,
        {"party_id": party.pk, "since": "2025-03-01T01:00:00Z", "until": "2025-03-01T03:00:00Z"},
    ).json()

    assert [i["id"] for i in first["items"]] == [rows[3].pk, rows[2].pk]
    assert [i["id"] for i in second["items"]] == [rows[0].pk]
    assert second["next_cursor"] is None
    assert [i["id"] for i in window["items"]] == [rows[2].pk, rows[1].pk]


def test_timeline_of_another_team_is_404_and_not_listed(client, rep_a, rep_b):
    theirs = InteractionFactory(party=PartyFactory(owner=rep_b))
    mine = InteractionFactory(party=PartyFactory(owner=rep_a))
    headers = bearer(rep_a)

    by_party = client.get(URL, {"party_id": theirs.party_id}, headers=headers)
    one = client.get(f"{URL}/{theirs.pk}", headers=headers)
    listed = client.get(URL, headers=headers).json()

    assert (by_party.status_code, one.status_code) == (404, 404)
    assert [i["id"] for i in listed["items"]] == [mine.pk]


def test_unknown_interaction_is_404(client, rep_a):
    response = client.get(f"{URL}/999999", headers=bearer(rep_a))

    assert response.status_code == 404
    assert response.json()["detail"] == "No interaction with id 999999."


def test_timeline_query_count_does_not_grow(client, rep_a):
    client.force_login(rep_a)
    party = PartyFactory(owner=rep_a)
    InteractionFactory(party=party)
    with CaptureQueriesContext(connection) as one:
        client.get(URL, {"party_id": party.pk})
    InteractionFactory.create_batch(2, party=party, staff=rep_a)

    with CaptureQueriesContext(connection) as three:
        response = client.get(URL, {"party_id": party.pk})

    assert len(response.json()["items"]) == 3
    assert len(three) == len(one)
