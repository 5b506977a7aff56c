"""API: contact points, traits and identification by a contact point."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reservoir.audit.models import AuditEntry
from reservoir.core.models import IdempotencyRecord
from reservoir.core.tests.api_support import bearer, count_queries
from reservoir.parties import services
from reservoir.parties.models import ContactPoint, Party, Trait
from reservoir.parties.tests.factories import (
    ContactPointFactory,
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


def test_contact_points_add_repeat_list_and_remove(client, rep_a):
    client.force_login(rep_a)
    party = PartyFactory(owner=rep_a)
    url = f"/api/v1/parties/{party.pk}/contact-points"

    added = client.post(url, {"kind": "phone", "value": "+86 138 0013 8000"}, content_type=JSON)
    again = client.post(url, {"kind": "phone", "value": "13800138000"}, content_type=JSON)
    listed = client.get(url).json()
    removed = client.delete(f"{url}/{added.json()['id']}")

    assert (added.status_code, again.status_code, removed.status_code) == (201, 200, 204)
    assert added.json()["id"] == again.json()["id"]
    assert [c["value"] for c in listed["items"]] == ["+8613800138000"]
    assert ContactPoint.objects.count() == 0


def test_contact_point_with_bad_email_is_422(client, rep_a):
    party = PartyFactory(owner=rep_a)
    headers = bearer(rep_a)
    before = counts()

    response = client.post(
        f"/api/v1/parties/{party.pk}/contact-points",
        {"kind": "email", "value": "not-an-address"},
        content_type=JSON,
        headers=headers,
    )

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "value", "message": "“not-an-address” is not an email address."}
    ]
    assert counts() == before


def test_removing_another_partys_contact_point_is_404(client, rep_a):
    mine = PartyFactory(owner=rep_a)
    other_cp = ContactPointFactory(party=PartyFactory(owner=rep_a))

    response = client.delete(
        f"/api/v1/parties/{mine.pk}/contact-points/{other_cp.pk}", headers=bearer(rep_a)
    )

    assert response.status_code == 404
    assert ContactPoint.objects.filter(pk=other_cp.pk).exists()


def test_traits_are_set_and_listed(client, rep_a):
    client.force_login(rep_a)
    party = PartyFactory(owner=rep_a)

    put = client.put(
        f"/api/v1/parties/{party.pk}/traits/rfm_cell",
        {"value": {"r": 5, "f": 4}, "source": "computed"},
        content_type=JSON,
    )
    listed = client.get(f"/api/v1/parties/{party.pk}/traits").json()

    assert put.status_code == 200
    assert (put.json()["key"], put.json()["value"], put.json()["source"]) == (
        "rfm_cell",
        {"r": 5, "f": 4},
        "computed",
    )
    assert [(t["key"], t["value"]) for t in listed["items"]] == [("rfm_cell", {"r": 5, "f": 4})]


@pytest.mark.parametrize(
    ("key", "payload", "field"),
    [
        ("bad key!", {"value": 1}, "key"),
        ("ok", {"value": None}, "value"),
        ("ok", {"value": 1, "source": "guess"}, "source"),
        ("ok", {}, "value"),
    ],
)
def test_bad_trait_is_422(client, rep_a, key, payload, field):
    party = PartyFactory(owner=rep_a)
    headers = bearer(rep_a)
    before = counts()

    response = client.put(
        f"/api/v1/parties/{party.pk}/traits/{key}", payload, content_type=JSON, headers=headers
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert Trait.objects.count() == 0
    assert counts() == before


@pytest.mark.parametrize(
    "query",
    [
        {"phone": "+86 138 0013 8000"},
        {"phone": "0086-138-0013-8000"},
        {"email": "ALICE@example.com"},
        {"kind": "wechat", "value": "wx_alice"},
    ],
)
def test_identify_finds_the_party_in_any_format(client, rep_a, query):
    party = services.create_party(
        by=rep_a,
        kind="person",
        given_name="Alice",
        owner=rep_a,
        contact_points=[
            ("phone", "13800138000"),
            ("email", "alice@example.com"),
            ("wechat", "wx_alice"),
        ],
    )

    response = client.get("/api/v1/identify", query, headers=bearer(rep_a))

    assert response.status_code == 200
    assert response.json()["id"] == party.pk


def test_identify_is_404_for_another_teams_party(client, rep_a, rep_b):
    services.create_party(
        by=rep_b,
        kind="person",
        given_name="Bob",
        owner=rep_b,
        contact_points=[("phone", "13800138000")],
    )

    response = client.get("/api/v1/identify", {"phone": "13800138000"}, headers=bearer(rep_a))

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({}, "phone"),
        ({"phone": "12"}, "phone"),
        ({"phone": "13800138000", "email": "a@b.cn"}, "phone"),
        ({"kind": "fax", "value": "1"}, "kind"),
    ],
)
def test_identify_needs_one_valid_contact_point(client, rep_a, query, field):
    response = client.get("/api/v1/identify", query, headers=bearer(rep_a))

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


def test_identify_takes_one_query_after_auth(client, admin_user):
    client.force_login(admin_user)
    services.create_party(
        by=admin_user, kind="person", given_name="A", contact_points=[("phone", "13800138000")]
    )
    client.get("/api/v1/me")  # warm the session

    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/api/v1/identify", {"phone": "13800138000"})

    lookups = [q["sql"] for q in ctx.captured_queries if "parties_contactpoint" in q["sql"]]
    assert response.status_code == 200
    assert len(lookups) == 1


def test_contact_point_and_trait_lists_query_count_does_not_grow(client, rep_a):
    client.force_login(rep_a)
    party = PartyFactory(owner=rep_a)
    services.add_contact_point(party, kind="email", raw="a@example.com", by=rep_a)
    services.set_trait(party, key="k1", value=1, by=rep_a)
    one = (
        count_queries(client, f"/api/v1/parties/{party.pk}/contact-points"),
        count_queries(client, f"/api/v1/parties/{party.pk}/traits"),
    )
    for i in (2, 3):
        services.add_contact_point(party, kind="email", raw=f"a{i}@example.com", by=rep_a)
        services.set_trait(party, key=f"k{i}", value=i, by=rep_a)

    three = (
        count_queries(client, f"/api/v1/parties/{party.pk}/contact-points"),
        count_queries(client, f"/api/v1/parties/{party.pk}/traits"),
    )

    assert three == one
