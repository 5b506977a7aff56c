"""identify_visible is hand-written SQL: it must see exactly what `for_user` (visible_q) sees."""

import pytest

from reservoir.iam.enums import Role
from reservoir.iam.tests.factories import TeamFactory, UserFactory
from reservoir.parties import selectors
from reservoir.parties.enums import ContactKind, PartyStatus
from reservoir.parties.tests.factories import ContactPointFactory, PartyFactory

pytestmark = pytest.mark.django_db

SHARED = "shared@example.com"


def _orm_identify(user, value):
    return (
        selectors.for_user(user)
        .filter(contact_points__kind=ContactKind.EMAIL, contact_points__value=value)
        .order_by("status", "id")
        .first()
    )


@pytest.fixture
def world():
    """Users of every scope and parties in every ownership situation, each with its own
    address, plus one address that several parties share."""
    home, managed, other = TeamFactory(), TeamFactory(), TeamFactory()
    users = [UserFactory(role=role, team=home) for role in Role.values]
    users += [
        UserFactory(role=Role.MANAGER, team=home, manages=[managed]),
        UserFactory(role=Role.SALES_REP, team=None),
        UserFactory(role=Role.ANALYST, team=home, is_active=False),
        UserFactory(role=Role.SALES_REP, team=other, is_superuser=True),
    ]
    me = users[0]
    colleague = UserFactory(team=home)
    situations = [
        {"owner": None, "team": None},
        {"owner": None, "team": home},
        {"owner": None, "team": managed},
        {"owner": None, "team": other},
        {"owner": colleague, "team": home},
        {"owner": colleague, "team": other},
        {"owner": me, "team": other},
        {"owner": None, "team": None, "status": PartyStatus.PROVISIONAL},
        {"owner": None, "team": None, "status": PartyStatus.MERGED},
        {"owner": None, "team": managed, "status": PartyStatus.PROVISIONAL},
    ]
    values = []
    for n, fields in enumerate(situations):
        party = PartyFactory(**fields)
        values.append(f"situation{n}@example.com")
        ContactPointFactory(party=party, value=values[-1])
        if n % 3 != 1:
            ContactPointFactory(party=party, value=SHARED)
    return users, [*values, SHARED, "nobody@example.com"]


def test_identify_visible_finds_what_for_user_finds_when_compared_over_every_scope(world):
    users, values = world

    mismatches = [
        (user.role, user.is_superuser, user.is_active, value)
        for user in users
        for value in values
        if selectors.identify_visible(actor=user, kind=ContactKind.EMAIL, value=value)
        != _orm_identify(user, value)
    ]

    assert mismatches == []


def test_identify_visible_sees_own_party_in_another_team_when_scope_is_own():
    rep = UserFactory(role=Role.SALES_REP)
    party = PartyFactory(owner=rep, team=TeamFactory())
    ContactPointFactory(party=party, value="mine@example.com")

    found = selectors.identify_visible(actor=rep, kind=ContactKind.EMAIL, value="mine@example.com")

    assert found == party


def test_identify_visible_finds_nothing_when_the_only_owner_is_another_team():
    rep = UserFactory(role=Role.SALES_REP)
    party = PartyFactory(owner=UserFactory(), team=TeamFactory())
    ContactPointFactory(party=party, value="theirs@example.com")

    found = selectors.identify_visible(
        actor=rep, kind=ContactKind.EMAIL, value="theirs@example.com"
    )

    assert found is None
