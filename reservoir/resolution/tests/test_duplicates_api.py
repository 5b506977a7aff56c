import pytest

from reservoir.core.tests.api_support import bearer, count_queries
from reservoir.parties.tests.factories import ContactPointFactory, PartyFactory
from reservoir.resolution.matchindex import rebuild_match_index
from reservoir.resolution.models import CandidateStatus, DuplicateCandidate

pytestmark = pytest.mark.django_db


def _pair(owner=None, probability=0.9):
    a, b = PartyFactory(owner=owner), PartyFactory(owner=owner)
    return DuplicateCandidate.objects.create(
        party_a=a, party_b=b, probability=probability, cluster_key=str(a.pk)
    )


def test_list_returns_visible_open_pairs_best_first_when_called(client, rep_a, rep_b):
    low = _pair(owner=rep_a, probability=0.7)
    high = _pair(owner=rep_a, probability=0.95)
    _pair(owner=rep_b)

    response = client.get("/api/v1/duplicates", headers=bearer(rep_a))

    assert response.status_code == 200
    assert [row["id"] for row in response.json()["items"]] == [high.pk, low.pk]


def test_list_filters_by_min_probability_when_given(client, admin_user):
    _pair(probability=0.7)
    high = _pair(probability=0.95)

    response = client.get("/api/v1/duplicates?min_probability=0.9", headers=bearer(admin_user))

    assert [row["id"] for row in response.json()["items"]] == [high.pk]


def test_list_takes_the_same_queries_when_it_has_more_items(client, admin_user):
    api = client.__class__(headers=bearer(admin_user))
    _pair()
    count_queries(api, "/api/v1/duplicates")
    one = count_queries(api, "/api/v1/duplicates")
    _pair()
    _pair()

    three = count_queries(api, "/api/v1/duplicates")

    assert three == one


def test_dismiss_marks_the_pair_when_posted(client, admin_user):
    pair = _pair()

    response = client.post(f"/api/v1/duplicates/{pair.pk}/dismiss", headers=bearer(admin_user))

    pair.refresh_from_db()
    assert response.status_code == 200
    assert response.json()["status"] == "not_duplicate"
    assert pair.status == CandidateStatus.NOT_DUPLICATE


def test_dismiss_answers_404_when_the_pair_is_invisible(client, rep_a, rep_b):
    pair = _pair(owner=rep_b)

    response = client.post(f"/api/v1/duplicates/{pair.pk}/dismiss", headers=bearer(rep_a))

    pair.refresh_from_db()
    assert response.status_code == 404
    assert pair.status == CandidateStatus.OPEN


def test_match_returns_candidates_with_evidence_when_a_record_is_posted(client, admin_user):
    party = PartyFactory(family_name="张", given_name="伟", display_name="张伟")
    ContactPointFactory(party=party, kind="phone", value="+8613800138000")
    rebuild_match_index()

    response = client.post(
        "/api/v1/match",
        {"full_name": "Zhang Wei", "phones": ["138 0013 8000"]},
        content_type="application/json",
        headers=bearer(admin_user),
    )

    body = response.json()
    assert response.status_code == 200
    assert [c["party_id"] for c in body["candidates"]] == [party.pk]
    assert "phone" in {e["field"] for e in body["candidates"][0]["evidence"]}


def test_match_answers_422_when_the_phone_is_malformed(client, admin_user):
    response = client.post(
        "/api/v1/match",
        {"full_name": "Zhang Wei", "phones": ["not a phone"]},
        content_type="application/json",
        headers=bearer(admin_user),
    )

    assert response.status_code in (400, 422)
    assert "phones[0]" in response.content.decode()


def test_match_answers_422_when_the_record_is_empty(client, admin_user):
    response = client.post(
        "/api/v1/match", {}, content_type="application/json", headers=bearer(admin_user)
    )

    assert response.status_code in (400, 422)
