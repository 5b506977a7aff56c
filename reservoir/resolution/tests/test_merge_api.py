"""API: POST/GET /merges, POST /merges/{id}/unmerge and their problem answers."""

import pytest

from reservoir.core.tests.api_support import bearer, count_queries
from reservoir.iam.enums import Role
from reservoir.iam.tests.factories import UserFactory
from reservoir.parties.enums import PartyStatus
from reservoir.parties.models import Party
from reservoir.parties.tests.factories import OrganizationFactory, PartyFactory
from reservoir.resolution.merging import merge_parties
from reservoir.resolution.models import Merge

pytestmark = pytest.mark.django_db
JSON = "application/json"


def _post(client, url, body, **headers):
    return client.post(url, body, content_type=JSON, **headers)


def test_post_merges_two_parties_when_both_are_visible(client, rep_a):
    client.force_login(rep_a)
    a, b = PartyFactory(owner=rep_a), PartyFactory(owner=rep_a, gender="f")

    response = _post(
        client,
        "/api/v1/merges",
        {"survivor_id": a.pk, "merged_id": b.pk, "choices": {"gender": "merged"}},
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["survivor_id"], body["merged_id"], body["choices"]["gender"]) == (
        a.pk, b.pk, "merged",
    )  # fmt: skip
    assert body["moved"]["interactions"] == 0
    assert Party.objects.get(pk=b.pk).status == PartyStatus.MERGED
    assert Party.objects.get(pk=a.pk).gender == "f"


def test_post_replays_when_the_idempotency_key_is_reused(client, rep_a):
    a, b = PartyFactory(owner=rep_a), PartyFactory(owner=rep_a)
    headers = {**bearer(rep_a), "Idempotency-Key": "k-1"}
    body = {"survivor_id": a.pk, "merged_id": b.pk}

    first = _post(client, "/api/v1/merges", body, headers=headers)
    second = _post(client, "/api/v1/merges", body, headers=headers)

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json() == second.json()
    assert Merge.objects.count() == 1


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("itself", 422, "validation_error"),
        ("unknown", 404, "not_found"),
        ("already", 409, "already_merged"),
        ("org", 422, "validation_error"),
    ],
)
def test_post_answers_a_problem_when_the_merge_is_impossible(
    client, admin_user, case, status, code
):
    client.force_login(admin_user)
    a, b, c = PartyFactory(), PartyFactory(), PartyFactory()
    merge_parties(c, b, by=admin_user)
    other = {
        "itself": a.pk,
        "unknown": 999_999,
        "already": b.pk,
        "org": OrganizationFactory().pk,
    }[case]

    response = _post(client, "/api/v1/merges", {"survivor_id": a.pk, "merged_id": other})

    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"].endswith(code)
    assert Merge.objects.count() == 1


def test_post_answers_403_when_the_role_may_not_merge(client):
    marketer = UserFactory(role=Role.MARKETER)
    client.force_login(marketer)
    a, b = PartyFactory(), PartyFactory()

    response = _post(client, "/api/v1/merges", {"survivor_id": a.pk, "merged_id": b.pk})

    assert response.status_code == 403
    assert Merge.objects.count() == 0


def test_unmerge_answers_409_when_repeated(client, admin_user):
    client.force_login(admin_user)
    a, b = PartyFactory(), PartyFactory()
    merge = merge_parties(a, b, by=admin_user)

    first = _post(client, f"/api/v1/merges/{merge.pk}/unmerge", {})
    second = _post(client, f"/api/v1/merges/{merge.pk}/unmerge", {})

    assert first.status_code == 200
    assert first.json()["unmerged_by_id"] == admin_user.pk
    assert second.status_code == 409
    assert Party.objects.get(pk=b.pk).status == PartyStatus.ACTIVE


def test_get_merge_answers_404_when_a_party_is_invisible(client, rep_a, rep_b):
    client.force_login(rep_a)
    merge = merge_parties(PartyFactory(owner=rep_b), PartyFactory(owner=rep_b), by=rep_b)

    assert client.get(f"/api/v1/merges/{merge.pk}").status_code == 404
    assert client.get("/api/v1/merges").json()["items"] == []


def test_merge_list_query_count_does_not_grow(client, admin_user):
    client.force_login(admin_user)
    merge_parties(PartyFactory(), PartyFactory(), by=admin_user)
    one = count_queries(client, "/api/v1/merges")
    for _ in range(2):
        merge_parties(PartyFactory(), PartyFactory(), by=None, auto=True, probability=0.99)

    three = count_queries(client, "/api/v1/merges")

    assert len(client.get("/api/v1/merges").json()["items"]) == 3
    assert [m["auto"] for m in client.get("/api/v1/merges?auto=true").json()["items"]] == [
        True, True,
    ]  # fmt: skip
    assert three == one
