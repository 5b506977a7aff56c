"""API: a party's completeness and the gap report, visibility-filtered."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reservoir.core.tests.api_support import bearer, count_queries
from reservoir.parties.enums import ContactKind, PartyRoleKind
from reservoir.parties.models import ContactPoint, PartyRole
from reservoir.parties.tests.factories import OrganizationFactory, PartyFactory

pytestmark = pytest.mark.django_db

REPORT = "/api/v1/quality/report"


def _person(owner, n, *, source=""):
    party = PartyFactory(
        owner=owner,
        display_name=f"Person {n}",
        family_name="",
        given_name="",
        gender="",
        language="",
        source=source,
    )
    ContactPoint.objects.create(party=party, kind=ContactKind.EMAIL, value=f"p{n}@example.com")
    PartyRole.objects.create(party=party, role=PartyRoleKind.CUSTOMER)
    return party


def test_party_completeness_gives_score_and_missing_fields_when_visible(client, rep_a):
    party = _person(rep_a, 1)

    response = client.get(f"/api/v1/parties/{party.pk}/completeness", headers=bearer(rep_a))

    body = response.json()
    assert response.status_code == 200
    assert (body["party_id"], body["score"]) == (party.pk, 16)
    assert body["filled"] == [{"key": "email", "label": "Email", "weight": 15}]
    assert [f["key"] for f in body["missing"]][:3] == ["phone", "address", "name"]
    assert body["weights_version"].startswith("w-")


def test_party_completeness_is_404_when_party_belongs_to_another_team(client, rep_a, rep_b):
    party = _person(rep_b, 1)

    response = client.get(f"/api/v1/parties/{party.pk}/completeness", headers=bearer(rep_a))

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")


def test_report_counts_only_visible_parties_when_caller_is_a_sales_rep(client, rep_a, rep_b):
    _person(rep_a, 1, source="Fair")
    _person(rep_b, 2, source="Fair")
    OrganizationFactory(display_name="Unowned Ltd", source="Web")

    response = client.get(REPORT, headers=bearer(rep_a))

    body = response.json()
    assert response.status_code == 200
    assert (body["parties"], body["average"]) == (2, 8.0)  # 16 and the bare organization's 0
    assert {g["key"]: g["parties"] for g in body["by_source"]} == {"Fair": 1, "Web": 1}
    assert {g["key"] for g in body["by_segment"]} == {"customer:person", ":organization"}
    assert [g["filters"] for g in body["by_segment"]] == [
        {"role": "customer", "kind": "person"},
        {"role": "none", "kind": "organization"},
    ]


def test_report_applies_the_filters_when_given(client, rep_a):
    _person(rep_a, 1, source="Fair")
    OrganizationFactory(display_name="Unowned Ltd", source="Web")

    by_kind = client.get(REPORT, {"kind": "organization"}, headers=bearer(rep_a)).json()
    by_source = client.get(REPORT, {"source": "Fair"}, headers=bearer(rep_a)).json()
    no_owner = client.get(REPORT, {"owner": "none"}, headers=bearer(rep_a)).json()
    by_role = client.get(REPORT, {"role": "customer"}, headers=bearer(rep_a)).json()

    assert [by_kind["parties"], by_source["parties"], no_owner["parties"], by_role["parties"]] == [
        1, 1, 1, 1,
    ]  # fmt: skip


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "robot"},
        {"role": "boss"},
        {"owner": "abc"},
        {"owner": "99999999999999999999999"},
        {"source": ""},
    ],
)
def test_report_answers_422_when_a_filter_is_malformed(client, rep_a, params):
    response = client.get(REPORT, params, headers=bearer(rep_a))

    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")


def test_report_runs_the_same_queries_when_it_covers_more_parties(client, rep_a):
    client.force_login(rep_a)
    _person(rep_a, 1)
    one = count_queries(client, REPORT)

    _person(rep_a, 2)
    _person(rep_a, 3)
    three = count_queries(client, REPORT)

    assert one == three


def test_report_requires_authentication_when_anonymous(client):
    response = client.get(REPORT)

    assert response.status_code == 401


odd_text = st.sampled_from(
    ["", "0", "-1", "9" * 25, "abc", "\x00", "none", "☃", "customer", "person", "null"]
) | st.text(max_size=20)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    params=st.dictionaries(st.sampled_from(["kind", "role", "owner", "source"]), odd_text),
    segment=odd_text,
)
def test_odd_query_strings_and_ids_never_give_500(client, admin_user, params, segment):
    client.force_login(admin_user)

    report = client.get(REPORT, params)
    party = client.get(f"/api/v1/parties/{segment.replace('/', '')}/completeness")

    for response in (report, party):
        assert response.status_code < 500, response.content[:300]
        if response.status_code >= 400:
            assert response["Content-Type"] == "application/problem+json"
