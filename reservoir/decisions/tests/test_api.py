import pytest
from django.utils import timezone

from reservoir.core.tests.api_support import bearer, count_queries
from reservoir.decisions.demo import load
from reservoir.decisions.models import DecisionLog
from reservoir.decisions.tests.factories import (
    DecisionLogFactory,
    DecisionTableFactory,
    TableVersionFactory,
)
from reservoir.parties.models import Trait
from reservoir.parties.tests.factories import PartyFactory

pytestmark = pytest.mark.django_db


def test_decide_answers_the_decision_and_logs_it_when_party_visible(client, admin_user, rep_a):
    load(admin_user)
    party = PartyFactory(owner=rep_a)
    Trait.objects.create(
        party=party, key="vip", value=True, source="manual", computed_at=timezone.now()
    )

    response = client.post(
        "/api/v1/decide",
        {"party_id": party.pk, "channel": "chat", "context": {"intent": "billing"}},
        content_type="application/json",
        headers=bearer(rep_a),
    )

    assert response.status_code == 200
    body = response.json()
    assert [d["pct"] for d in body["discounts"]] == ["10.00"]
    assert body["price_list"] == "GOLD-2026"
    assert body["priority"] == 70
    assert DecisionLog.objects.filter(party_id=party.pk, channel="chat", actor=rep_a).count() == 1


def test_decide_answers_404_and_logs_nothing_when_party_invisible(client, admin_user, rep_a, rep_b):
    load(admin_user)
    party = PartyFactory(owner=rep_b)

    response = client.post(
        "/api/v1/decide",
        {"party_id": party.pk, "channel": "phone"},
        content_type="application/json",
        headers=bearer(rep_a),
    )

    assert response.status_code == 404
    assert DecisionLog.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    [
        {"party_id": 1, "channel": "fax-machine"},
        {"party_id": "1", "channel": "phone"},
        {"channel": "phone"},
        {"party_id": 1, "channel": "phone", "context": {"basket_skus": "QL-1"}},
        {"party_id": 1, "channel": "phone", "surprise": 1},
    ],
)
def test_decide_refuses_bad_body_with_4xx_when_malformed(client, admin_user, body):
    response = client.post(
        "/api/v1/decide", body, content_type="application/json", headers=bearer(admin_user)
    )

    assert response.status_code in (400, 422)
    assert DecisionLog.objects.count() == 0


def test_decision_log_is_forbidden_when_sales_rep(client, rep_a):
    response = client.get("/api/v1/decision-log", headers=bearer(rep_a))

    assert response.status_code == 403


def test_decision_log_query_count_is_constant_when_more_entries(client, admin_user):
    headers = bearer(admin_user)
    DecisionLogFactory()
    client.get("/api/v1/decision-log", headers=headers)
    one = count_queries(client.__class__(headers=headers), "/api/v1/decision-log")
    DecisionLogFactory.create_batch(2)

    three = count_queries(client.__class__(headers=headers), "/api/v1/decision-log")

    assert one == three


def test_decision_tables_query_count_is_constant_when_more_tables(client, admin_user):
    headers = bearer(admin_user)
    TableVersionFactory(table=DecisionTableFactory())
    client.get("/api/v1/decision-tables", headers=headers)
    one = count_queries(client.__class__(headers=headers), "/api/v1/decision-tables")
    for _ in range(2):
        TableVersionFactory(table=DecisionTableFactory())

    three = count_queries(client.__class__(headers=headers), "/api/v1/decision-tables")

    assert one == three


def test_decide_reads_the_basket_when_skus_sent(client, admin_user):
    from decimal import Decimal

    from reservoir.decisions.tests.factories import published_table
    from reservoir.sales.tests.factories import ProductFactory

    published_table(
        admin_user,
        key="basket",
        inputs=[("Basket value", "context.basket_total")],
        rows=[(["> 1000.0"], {"discount_pct": Decimal(5), "reason": "Big basket"})],
    )
    ProductFactory(sku="QL-TV-65-01", price=Decimal("4999.00"))
    party = PartyFactory()

    response = client.post(
        "/api/v1/decide",
        {"party_id": party.pk, "channel": "quote", "context": {"basket_skus": ["QL-TV-65-01"]}},
        content_type="application/json",
        headers=bearer(admin_user),
    )

    assert response.status_code == 200
    assert [(d["pct"], d["reason"]) for d in response.json()["discounts"]] == [
        ("5.00", "Big basket")
    ]
