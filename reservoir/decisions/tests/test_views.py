import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reservoir.decisions import services
from reservoir.decisions.demo import load
from reservoir.decisions.enums import VersionStatus
from reservoir.decisions.models import TableInput, TableRow, TableVersion
from reservoir.decisions.tests.factories import (
    DecisionLogFactory,
    DecisionTableFactory,
    TableVersionFactory,
)
from reservoir.parties.tests.factories import PartyFactory

pytestmark = pytest.mark.django_db


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


@pytest.mark.parametrize(
    "url",
    [
        "/rules/",
        "/rules/t/cross-sell/",
        "/rules/t/cross-sell/v1/",
        "/rules/simulator/",
        "/rules/simulator/?q=Zed",
        "/rules/log/",
        "/rules/log/?channel=phone&day=2026-12-01",
        "/rules/new/",
    ],
)
def test_rules_pages_render_when_administrator(client, admin_user, url):
    load(admin_user)
    PartyFactory(display_name="Zed Li", search_text="zed li")
    client.force_login(admin_user)

    response = client.get(url)

    assert response.status_code == 200


def test_simulator_shows_every_channel_and_why_when_party_visible(client, admin_user, rep_a):
    load(admin_user)
    party = PartyFactory(owner=rep_a)
    client.force_login(rep_a)

    response = client.get(f"/rules/simulator/?party={party.pk}")

    html = response.content.decode()
    assert response.status_code == 200
    assert [
        c
        for c in ("phone", "chat", "portal", "email", "campaign", "quote")
        if f'data-channel="{c}"' in html
    ] == [
        "phone",
        "chat",
        "portal",
        "email",
        "campaign",
        "quote",
    ]
    assert "Same answer in every channel." in html
    assert "Standard handling" in html


def test_simulator_answers_404_when_party_invisible(client, admin_user, rep_a, rep_b):
    party = PartyFactory(owner=rep_b)
    client.force_login(rep_a)

    response = client.get(f"/rules/simulator/?party={party.pk}")

    assert response.status_code == 404


def test_editing_pages_are_forbidden_when_sales_rep(client, admin_user, rep_a):
    load(admin_user)
    client.force_login(rep_a)

    responses = [
        client.get("/rules/new/").status_code,
        client.post("/rules/t/cross-sell/draft/").status_code,
    ]

    assert responses == [403, 403]
    assert TableVersion.objects.filter(status=VersionStatus.DRAFT).count() == 0


def test_decision_log_page_is_forbidden_when_sales_rep(client, rep_a):
    client.force_login(rep_a)

    assert client.get("/rules/log/").status_code == 403


def test_table_is_built_and_published_through_the_pages_when_marketer(client, admin_user):
    client.force_login(admin_user)

    client.post(
        "/rules/new/", {"name": "Birthday", "key": "birthday", "hit_policy": "first", "position": 5}
    )
    client.post("/rules/t/birthday/inputs/new/", {"label": "VIP", "expression": "customer.vip"})
    client.post(
        "/rules/t/birthday/rows/new/",
        {
            "cell_0": "true",
            "offer_code": "QL-AC-GFT-01",
            "offer_kind": "marketing",
            "reason": "Gift",
        },
    )
    response = client.post("/rules/t/birthday/publish/", {"note": "first"})

    assert response.status_code == 302
    version = TableVersion.objects.get(table__key="birthday")
    assert (version.status, version.note) == (VersionStatus.PUBLISHED, "first")
    assert list(version.rows.values_list("cells", "offer_code")) == [(["true"], "QL-AC-GFT-01")]


def test_input_form_shows_position_and_reason_when_expression_invalid(client, admin_user):
    services.create_table(key="t", name="T", by=admin_user)
    client.force_login(admin_user)

    response = client.post(
        "/rules/t/t/inputs/new/", {"label": "X", "expression": "customer.orders_count >"}
    )

    assert response.status_code == 422
    assert "Position 23: this is not valid syntax here." in response.content.decode()
    assert TableInput.objects.count() == 0


def test_row_form_shows_cell_error_inline_when_cell_invalid(client, admin_user):
    table = services.create_table(key="t", name="T", by=admin_user)
    services.save_input(
        table.versions.get(), label="Orders", expression="customer.orders_count", by=admin_user
    )
    client.force_login(admin_user)

    response = client.post("/rules/t/t/rows/new/", {"cell_0": "> many", "offer_code": "X"})

    assert response.status_code == 422
    assert "&#x27;many&#x27; is a string but this column is int." in response.content.decode()
    assert TableRow.objects.count() == 0


def test_rows_can_be_reordered_when_draft(client, admin_user):
    table = services.create_table(key="t", name="T", by=admin_user)
    draft = table.versions.get()
    services.save_input(draft, label="VIP", expression="customer.vip", by=admin_user)
    first = services.save_row(draft, cells=["true"], offer_code="A", by=admin_user)
    services.save_row(draft, cells=["false"], offer_code="B", by=admin_user)
    client.force_login(admin_user)

    client.post(f"/rules/t/t/rows/{first.pk}/down/")

    assert list(draft.rows.values_list("offer_code", flat=True)) == ["B", "A"]


def test_table_list_query_count_is_constant_when_more_tables(client, admin_user):
    client.force_login(admin_user)
    TableVersionFactory(table=DecisionTableFactory())
    one = queries(client, "/rules/")
    for _ in range(2):
        TableVersionFactory(table=DecisionTableFactory())

    three = queries(client, "/rules/")

    assert one == three


def test_log_page_query_count_is_constant_when_more_entries(client, admin_user):
    client.force_login(admin_user)
    parties = PartyFactory.create_batch(3)
    DecisionLogFactory(party_id=parties[0].pk)
    one = queries(client, "/rules/log/")
    DecisionLogFactory(party_id=parties[1].pk)
    DecisionLogFactory(party_id=parties[2].pk)

    three = queries(client, "/rules/log/")

    assert one == three
