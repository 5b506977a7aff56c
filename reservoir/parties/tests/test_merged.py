"""A merged party disappears from lists, search and identification; its id leads on."""

import pytest

from reservoir.core.errors import NotFound
from reservoir.parties import selectors
from reservoir.parties.enums import PartyStatus
from reservoir.parties.tests.factories import ContactPointFactory, PartyFactory

pytestmark = pytest.mark.django_db


def _merged_pair(owner=None):
    survivor = PartyFactory(owner=owner, display_name="Wei Zhang", search_text="wei zhang")
    merged = PartyFactory(
        owner=owner,
        status=PartyStatus.MERGED,
        merged_into=survivor,
        display_name="Wei Zhang",
        search_text="wei zhang",
    )
    return survivor, merged


def test_merged_party_is_hidden_when_listing_or_searching(rep_a):
    survivor, _merged = _merged_pair(rep_a)

    found = list(selectors.list_parties(actor=rep_a, search="wei"))

    assert found == [survivor]


def test_identify_skips_a_merged_party_when_it_still_holds_the_point():
    survivor, merged = _merged_pair()
    ContactPointFactory(party=merged, kind="email", value="wei@example.com")

    assert selectors.identify("email", "wei@example.com") is None


def test_get_party_names_the_survivor_when_the_party_was_merged(rep_a):
    survivor, merged = _merged_pair(rep_a)

    with pytest.raises(NotFound) as exc:
        selectors.get_party(actor=rep_a, party_id=merged.pk)

    assert exc.value.code == "party_merged"
    assert str(survivor.pk) in exc.value.message


def test_survivor_id_of_follows_the_chain_when_merged_twice():
    first = PartyFactory()
    middle = PartyFactory(status=PartyStatus.MERGED, merged_into=first)
    last = PartyFactory(status=PartyStatus.MERGED, merged_into=middle)

    assert selectors.survivor_id_of(last.pk) == first.pk


def test_api_answers_the_tombstone_when_reading_a_merged_party(client, rep_a):
    client.force_login(rep_a)
    survivor, merged = _merged_pair(rep_a)

    body = client.get(f"/api/v1/parties/{merged.pk}").json()

    assert (body["id"], body["status"], body["merged_into"]) == (merged.pk, "merged", survivor.pk)


def test_api_answers_404_naming_the_survivor_when_writing_to_a_merged_party(client, rep_a):
    client.force_login(rep_a)
    survivor, merged = _merged_pair(rep_a)

    response = client.patch(
        f"/api/v1/parties/{merged.pk}", {"gender": "f"}, content_type="application/json"
    )

    assert response.status_code == 404
    assert response.json()["type"] == "urn:reservoir:problem:party_merged"
    merged.refresh_from_db()
    assert merged.gender == ""


def test_api_answers_404_when_the_survivor_is_invisible(client, rep_a, rep_b):
    client.force_login(rep_a)
    _survivor, merged = _merged_pair(rep_b)

    assert client.get(f"/api/v1/parties/{merged.pk}").status_code == 404
