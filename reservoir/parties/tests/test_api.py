"""API: creating, searching, reading and updating parties."""

import datetime as dt

import pytest
from django.utils import timezone

from reservoir.audit.models import AuditEntry
from reservoir.core.models import IdempotencyRecord
from reservoir.core.tests.api_support import bearer, count_queries
from reservoir.parties import services
from reservoir.parties.enums import RelationshipKind
from reservoir.parties.models import ContactPoint, Party
from reservoir.parties.tests.factories import (
    OrganizationFactory,
    PartyFactory,
)

pytestmark = pytest.mark.django_db
JSON = "application/json"


def counts() -> tuple[int, int, int, int]:
    return (
        Party.objects.count(),
        ContactPoint.objects.count(),
        AuditEntry.objects.count(),
        IdempotencyRecord.objects.count(),
    )


def test_create_person_with_contacts_and_roles(client, rep_a, team_a):
    payload = {
        "kind": "person",
        "family_name": "张",
        "given_name": "伟",
        "roles": ["customer"],
        "contact_points": [
            {"kind": "phone", "value": "138 0013 8000", "label": "mobile"},
            {"kind": "email", "value": "Wei@Example.COM"},
        ],
    }

    response = client.post("/api/v1/parties", payload, content_type=JSON, headers=bearer(rep_a))

    body = response.json()
    assert response.status_code == 201
    assert (body["display_name"], body["name_order"], body["roles"]) == (
        "张伟",
        "eastern",
        ["customer"],
    )
    assert (body["owner_id"], body["team_id"]) == (rep_a.pk, team_a.pk)
    assert sorted((c["kind"], c["value"]) for c in body["contact_points"]) == [
        ("email", "wei@example.com"),
        ("phone", "+8613800138000"),
    ]


def test_create_unowned_when_owner_is_null(client, admin_user):
    client.force_login(admin_user)

    response = client.post(
        "/api/v1/parties",
        {"kind": "organization", "display_name": "ACME", "owner_id": None},
        content_type=JSON,
    )

    assert response.status_code == 201
    assert (response.json()["owner_id"], response.json()["team_id"]) == (None, None)


def test_bad_phone_names_the_field_and_writes_nothing(client, rep_a):
    headers = bearer(rep_a)
    before = counts()
    payload = {
        "kind": "person",
        "given_name": "Al",
        "contact_points": [{"kind": "phone", "value": "12"}],
    }

    response = client.post("/api/v1/parties", payload, content_type=JSON, headers=headers)

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "contact_points[0].value", "message": "“12” is not a valid phone number."}
    ]
    assert counts() == before


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "robot", "display_name": "R2"}, "kind"),
        ({"kind": "person"}, "display_name"),
        ({"kind": "person", "given_name": 5}, "given_name"),
        ({"kind": "person", "given_name": "A", "roles": ["king"]}, "roles[0]"),
        ({"kind": "person", "given_name": "A", "owner_id": "7"}, "owner_id"),
        ({"kind": "person", "given_name": "A", "owner_id": 999999}, "owner_id"),
        ({"kind": "person", "given_name": "A", "team_id": 999999}, "team_id"),
        ({"kind": "person", "given_name": "A", "website": "javascript:x"}, "website"),
        ({"kind": "person", "given_name": "A", "nickname": "x"}, "nickname"),
    ],
)
def test_bad_party_input_is_422_naming_the_field(client, rep_a, payload, field):
    headers = bearer(rep_a)
    before = counts()

    response = client.post("/api/v1/parties", payload, content_type=JSON, headers=headers)

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert counts() == before


def test_create_is_replayed_with_the_same_idempotency_key(client, rep_a):
    headers = {**bearer(rep_a), "Idempotency-Key": "crm-42"}
    payload = {"kind": "organization", "display_name": "ACME"}

    first = client.post("/api/v1/parties", payload, content_type=JSON, headers=headers)
    second = client.post("/api/v1/parties", payload, content_type=JSON, headers=headers)

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() == second.json()
    assert Party.objects.count() == 1


def test_search_finds_phone_in_any_format_email_and_company(client, rep_a):
    client.force_login(rep_a)
    acme = OrganizationFactory(display_name="Acme Trading", owner=rep_a)
    wei = services.create_party(
        by=rep_a,
        kind="person",
        family_name="Zhang",
        given_name="Wei",
        owner=rep_a,
        contact_points=[("phone", "13800138000"), ("email", "Wei@Example.com")],
    )
    services.relate(wei, acme, kind=RelationshipKind.EMPLOYEE_OF, by=rep_a)
    PartyFactory(display_name="Somebody Else", owner=rep_a)

    found = {
        q: [p["id"] for p in client.get("/api/v1/parties", {"q": q}).json()["items"]]
        for q in ["+86 138 0013 8000", "0086-138-0013-8000", "wei@example.com", "acme"]
    }

    assert found["+86 138 0013 8000"] == [wei.pk]
    assert found["0086-138-0013-8000"] == [wei.pk]
    assert found["wei@example.com"] == [wei.pk]
    assert sorted(found["acme"]) == sorted([wei.pk, acme.pk])


def test_list_filters_and_pages_with_contacted_first(client, rep_a):
    client.force_login(rep_a)
    now = timezone.now()
    never = PartyFactory(owner=rep_a)
    old = PartyFactory(owner=rep_a, last_interaction_at=now - dt.timedelta(days=2))
    new = PartyFactory(owner=rep_a, last_interaction_at=now)
    OrganizationFactory(owner=rep_a)

    first = client.get("/api/v1/parties", {"kind": "person", "limit": 2}).json()
    second = client.get(
        "/api/v1/parties", {"kind": "person", "limit": 2, "cursor": first["next_cursor"]}
    ).json()

    assert [p["id"] for p in first["items"]] == [new.pk, old.pk]
    assert [p["id"] for p in second["items"]] == [never.pk]
    assert second["next_cursor"] is None


def test_list_rejects_limit_above_200(client, rep_a):
    response = client.get("/api/v1/parties", {"limit": 201}, headers=bearer(rep_a))

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "limit"


def test_patch_changes_only_sent_fields(client, rep_a):
    party = PartyFactory(
        owner=rep_a, family_name="Smith", given_name="Alice", legal_name="A. Smith"
    )

    response = client.patch(
        f"/api/v1/parties/{party.pk}",
        {"given_name": "Alicia", "legal_name": None, "roles": ["prospect"]},
        content_type=JSON,
        headers=bearer(rep_a),
    )

    body = response.json()
    assert response.status_code == 200
    assert (body["display_name"], body["legal_name"], body["roles"]) == (
        "Alicia Smith",
        "",
        ["prospect"],
    )
    assert body["family_name"] == "Smith"


def test_patch_refuses_null_name(client, rep_a):
    party = PartyFactory(owner=rep_a, display_name="Keep Me")

    response = client.patch(
        f"/api/v1/parties/{party.pk}",
        {"display_name": None},
        content_type=JSON,
        headers=bearer(rep_a),
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "display_name"
    party.refresh_from_db()
    assert party.display_name == "Keep Me"


def test_party_list_query_count_does_not_grow(client, rep_a):
    client.force_login(rep_a)
    services.create_party(
        by=rep_a, kind="person", given_name="One", owner=rep_a, roles=["customer"]
    )
    one = count_queries(client, "/api/v1/parties")
    for name in ("Two", "Three"):
        services.create_party(
            by=rep_a, kind="person", given_name=name, owner=rep_a, roles=["customer", "partner"]
        )

    three = count_queries(client, "/api/v1/parties")

    assert len(client.get("/api/v1/parties").json()["items"]) == 3
    assert three == one


def test_patch_hands_the_party_to_another_team(client, rep_a, rep_b, team_b):
    party = PartyFactory(owner=rep_a)
    headers = bearer(rep_a)

    handed = client.patch(
        f"/api/v1/parties/{party.pk}", {"owner_id": rep_b.pk}, content_type=JSON, headers=headers
    )
    after = client.get(f"/api/v1/parties/{party.pk}", headers=headers)

    assert handed.status_code == 200
    assert (handed.json()["owner_id"], handed.json()["team_id"]) == (rep_b.pk, team_b.pk)
    assert after.status_code == 404
