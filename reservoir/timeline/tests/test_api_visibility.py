"""The API's cached visibility check must agree with `parties.selectors.for_user`."""

import pytest

from reservoir.iam.models import User
from reservoir.iam.tests.factories import UserFactory
from reservoir.parties import selectors as party_selectors
from reservoir.parties.enums import PartyStatus
from reservoir.parties.tests.factories import PartyFactory
from reservoir.timeline.api import _visible_party_ids

pytestmark = pytest.mark.django_db


@pytest.fixture
def party_ids(rep_a, rep_b, team_a, team_b) -> list[int]:
    survivor = PartyFactory()
    made = [
        PartyFactory(owner=rep_a),
        PartyFactory(owner=rep_b),
        PartyFactory(team=team_a),
        PartyFactory(team=team_b),
        survivor,
        PartyFactory(status=PartyStatus.MERGED, merged_into=survivor),
    ]
    return sorted(p.pk for p in made)


def _expected(user: User, ids: list[int]) -> set[int]:
    return set(party_selectors.for_user(user).filter(pk__in=ids).values_list("pk", flat=True))


def test_visible_ids_match_for_user_when_scopes_differ(
    party_ids, rep_a, rep_b, manager_b, admin_user
):
    ids = party_ids
    inactive = UserFactory(username="gone", team=rep_a.team, is_active=False)

    for user in (rep_a, rep_b, manager_b, admin_user, inactive):
        for chosen in (ids, ids[:1], ids[1:2], ids[2:4], ids[3:5], [*ids[:2], 999_999]):
            assert _visible_party_ids(user, chosen) == _expected(user, chosen)


def test_visible_ids_follow_the_team_when_a_user_moves(party_ids, rep_a, team_b):
    ids = party_ids
    before = _visible_party_ids(rep_a, ids)

    rep_a.team = team_b
    rep_a.save()
    moved = User.objects.get(pk=rep_a.pk)

    assert _visible_party_ids(moved, ids) == _expected(moved, ids)
    assert _visible_party_ids(moved, ids) != before
