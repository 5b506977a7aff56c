"""API: products, orders, the Customer 360, and visibility across the apps."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reservoir.audit.models import AuditEntry
from reservoir.core.models import IdempotencyRecord
from reservoir.core.tests.api_support import bearer
from reservoir.parties import services as party_services
from reservoir.parties.enums import RelationshipKind
from reservoir.parties.tests.factories import OrganizationFactory, PartyFactory
from reservoir.sales.models import Order, OrderLine
from reservoir.sales.tests.factories import OrderFactory, OrderLineFactory, ProductFactory
from reservoir.timeline.models import Interaction
from reservoir.timeline.tests.factories import InteractionFactory

pytestmark = pytest.mark.django_db
JSON = "application/json"


def counts() -> tuple[int, int, int, int, int]:
    return (
        Order.objects.count(),
        OrderLine.objects.count(),
        Interaction.objects.count(),
        AuditEntry.objects.count(),
        IdempotencyRecord.objects.count(),
    )


def test_order_is_placed_at_list_prices(client, rep_a):
    party = PartyFactory(owner=rep_a)
    ProductFactory(sku="HP-1", name="Headphones", price=Decimal("199.00"))
    ProductFactory(sku="CB-2", name="Cable", price=Decimal("9.50"))
    payload = {
        "party_id": party.pk,
        "lines": [{"sku": "HP-1", "quantity": 2}, {"sku": "CB-2"}],
        "ordered_at": "2025-03-01T10:00:00+08:00",
        "channel": "phone",
    }

    response = client.post("/api/v1/orders", payload, content_type=JSON, headers=bearer(rep_a))

    body = response.json()
    assert response.status_code == 201
    assert (body["party_id"], body["total"], body["channel"]) == (party.pk, "407.50", "phone")
    assert [(ln["sku"], ln["quantity"], ln["amount"]) for ln in body["lines"]] == [
        ("HP-1", 2, "398.00"),
        ("CB-2", 1, "9.50"),
    ]
    assert Interaction.objects.get().link_pk == str(body["id"])


def test_same_idempotency_key_places_one_order(client, rep_a):
    party = PartyFactory(owner=rep_a)
    ProductFactory(sku="HP-1")
    headers = {**bearer(rep_a), "Idempotency-Key": "checkout-9"}
    payload = {"party_id": party.pk, "lines": [{"sku": "HP-1"}]}

    first = client.post("/api/v1/orders", payload, content_type=JSON, headers=headers)
    second = client.post("/api/v1/orders", payload, content_type=JSON, headers=headers)

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() == second.json()
    assert Order.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"lines": []}, "lines"),
        ({"lines": [{"sku": "NOPE"}]}, "lines[0].sku"),
        ({"lines": [{"sku": "HP-1", "quantity": 0}]}, "lines[0].quantity"),
        ({"lines": [{"sku": "HP-1", "quantity": "2"}]}, "lines[0].quantity"),
        ({"lines": [{"sku": "HP-1", "quantity": 1_000_000}]}, "lines"),
        ({"party_id": 999999}, "party_id"),
        ({"channel": "pigeon"}, "channel"),
        ({"ordered_at": "2025-03-01 10:00"}, "ordered_at"),
    ],
)
def test_bad_order_is_422_naming_the_field_and_writes_nothing(client, rep_a, change, field):
    party = PartyFactory(owner=rep_a)
    ProductFactory(sku="HP-1", price=Decimal("9999999999.00"))
    headers = bearer(rep_a)
    before = counts()

    response = client.post(
        "/api/v1/orders",
        {"party_id": party.pk, "lines": [{"sku": "HP-1"}], **change},
        content_type=JSON,
        headers=headers,
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert counts() == before


def test_products_are_listed_by_name_and_searched(client, rep_a):
    client.force_login(rep_a)
    ProductFactory(sku="B-1", name="Beta")
    ProductFactory(sku="A-1", name="Alpha")
    ProductFactory(sku="Z-9", name="Gone", is_active=False)

    listed = client.get("/api/v1/products").json()
    searched = client.get("/api/v1/products", {"q": "b-1"}).json()

    assert [p["sku"] for p in listed["items"]] == ["A-1", "B-1"]
    assert [p["sku"] for p in searched["items"]] == ["B-1"]


def test_customer_360_gathers_everything(client, rep_a):
    client.force_login(rep_a)
    acme = OrganizationFactory(owner=rep_a, display_name="Acme")
    party = party_services.create_party(
        by=rep_a,
        kind="person",
        given_name="Alice",
        owner=rep_a,
        roles=["customer"],
        contact_points=[("phone", "13800138000")],
    )
    party_services.relate(party, acme, kind=RelationshipKind.EMPLOYEE_OF, by=rep_a, title="CTO")
    party_services.add_address(party, by=rep_a, city="上海", street="南京路 1 号")
    party_services.update_profile(party, by=rep_a, needs=["support"])
    party_services.set_trait(party, key="churn_risk", value=0.2, by=rep_a)
    orders = OrderFactory.create_batch(6, party=party)
    calls = InteractionFactory.create_batch(22, party=party)

    body = client.get(f"/api/v1/parties/{party.pk}/360").json()

    assert (body["party"]["display_name"], body["party"]["roles"]) == ("Alice", ["customer"])
    assert [c["value"] for c in body["contact_points"]] == ["+8613800138000"]
    assert body["addresses"][0]["one_line"] == "上海南京路 1 号"
    assert [(r["direction"], r["title"], r["party"]["id"]) for r in body["relationships"]] == [
        ("out", "CTO", acme.pk)
    ]
    assert body["profile"]["needs"] == ["support"]
    assert [(t["key"], t["value"]) for t in body["traits"]] == [("churn_risk", 0.2)]
    assert len(body["orders"]) == 5
    assert {o["id"] for o in body["orders"]} <= {o.pk for o in orders}
    assert len(body["timeline"]) == 20
    assert {i["id"] for i in body["timeline"]} <= {i.pk for i in calls}


def test_customer_360_query_count_does_not_grow(client, rep_a):
    client.force_login(rep_a)
    party = PartyFactory(owner=rep_a)
    OrderFactory(party=party)
    InteractionFactory(party=party)
    with CaptureQueriesContext(connection) as one:
        client.get(f"/api/v1/parties/{party.pk}/360")
    OrderFactory.create_batch(2, party=party)
    InteractionFactory.create_batch(2, party=party)

    with CaptureQueriesContext(connection) as three:
        response = client.get(f"/api/v1/parties/{party.pk}/360")

    assert len(response.json()["orders"]) == 3
    assert len(three) == len(one)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/parties/{id}",
        "/api/v1/parties/{id}/360",
        "/api/v1/parties/{id}/traits",
        "/api/v1/parties/{id}/contact-points",
        "/api/v1/interactions?party_id={id}",
        "/api/v1/orders?party_id={id}",
    ],
)
def test_another_teams_party_is_404_for_a_rep_and_visible_to_its_manager(
    client, rep_a, rep_b, manager_b, path
):
    theirs = PartyFactory(owner=rep_b)
    url = path.format(id=theirs.pk)

    as_rep = client.get(url, headers=bearer(rep_a))
    client.force_login(manager_b)
    as_manager = client.get(url)

    assert as_rep.status_code == 404
    assert as_rep.json()["type"] == "urn:reservoir:problem:not_found"
    assert as_manager.status_code == 200


def test_lists_leave_out_another_teams_records(client, rep_a, rep_b, manager_b):
    theirs = PartyFactory(owner=rep_b)
    OrderFactory(party=theirs)
    InteractionFactory(party=theirs)
    headers = bearer(rep_a)

    rep_lists = [
        client.get(url, headers=headers).json()["items"]
        for url in ("/api/v1/parties", "/api/v1/orders", "/api/v1/interactions")
    ]
    order = OrderFactory(party=theirs)
    manager_order = client.get(f"/api/v1/orders/{order.pk}", headers=bearer(manager_b))
    rep_order = client.get(f"/api/v1/orders/{order.pk}", headers=headers)

    assert rep_lists == [[], [], []]
    assert (manager_order.status_code, rep_order.status_code) == (200, 404)


def test_order_list_filters_by_party_and_pages(client, rep_a):
    client.force_login(rep_a)
    party = PartyFactory(owner=rep_a)
    mine = OrderFactory.create_batch(3, party=party)
    OrderFactory(party=PartyFactory(owner=rep_a))

    first = client.get("/api/v1/orders", {"party_id": party.pk, "limit": 2}).json()
    second = client.get(
        "/api/v1/orders", {"party_id": party.pk, "limit": 2, "cursor": first["next_cursor"]}
    ).json()

    walked = [o["id"] for o in first["items"] + second["items"]]
    assert sorted(walked) == sorted(o.pk for o in mine)
    assert second["next_cursor"] is None


def test_order_and_product_lists_query_count_does_not_grow(client, rep_a):
    client.force_login(rep_a)
    party = PartyFactory(owner=rep_a)
    OrderLineFactory(order=OrderFactory(party=party))
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/orders")
        client.get("/api/v1/products")
    for _ in range(2):
        OrderLineFactory(order=OrderFactory(party=party))

    with CaptureQueriesContext(connection) as three:
        orders = client.get("/api/v1/orders").json()
        products = client.get("/api/v1/products").json()

    assert (len(orders["items"]), len(products["items"])) == (3, 3)
    assert len(three) == len(one)
