import pytest

from reservoir.iam.enums import Role
from reservoir.iam.tests.factories import UserFactory
from reservoir.parties import selectors
from reservoir.parties.tests.factories import PartyFactory
from reservoir.timeline import selectors as timeline_selectors
from reservoir.timeline.tests.factories import InteractionFactory

pytestmark = pytest.mark.django_db


def test_sales_rep_sees_own_team_and_unowned_but_not_other_team(rep_a, rep_b, team_a):
    teammate = UserFactory(team=team_a)
    mine = PartyFactory(owner=rep_a)
    teams = PartyFactory(owner=teammate)
    unowned = PartyFactory()
    other = PartyFactory(owner=rep_b)

    visible = set(selectors.for_user(rep_a).values_list("pk", flat=True))

    assert visible == {mine.pk, teams.pk, unowned.pk}
    assert other.pk not in visible


def test_manager_sees_the_teams_they_manage(manager_b, rep_a, rep_b):
    theirs = PartyFactory(owner=rep_b)
    elsewhere = PartyFactory(owner=rep_a)

    visible = set(selectors.for_user(manager_b).values_list("pk", flat=True))

    assert theirs.pk in visible
    assert elsewhere.pk not in visible


@pytest.mark.parametrize(
    "role", [Role.SERVICE_AGENT, Role.CONTACT_CENTER_AGENT, Role.ANALYST, Role.ADMINISTRATOR]
)
def test_contact_roles_see_every_customer(role, rep_a, rep_b):
    user = UserFactory(role=role)
    parties = [PartyFactory(owner=rep_a), PartyFactory(owner=rep_b)]

    visible = set(selectors.for_user(user).values_list("pk", flat=True))

    assert visible == {p.pk for p in parties}


def test_inactive_user_sees_nothing(rep_a):
    PartyFactory(owner=rep_a)
    rep_a.is_active = False

    assert selectors.for_user(rep_a).count() == 0


def test_interactions_follow_their_party_visibility(rep_a, rep_b):
    visible = InteractionFactory(party=PartyFactory(owner=rep_a))
    InteractionFactory(party=PartyFactory(owner=rep_b))

    ids = list(timeline_selectors.list_timeline(actor=rep_a).values_list("pk", flat=True))

    assert ids == [visible.pk]


def test_role_hierarchy_inherits_lower_roles():
    admin = UserFactory.build(role=Role.ADMINISTRATOR)
    manager = UserFactory.build(role=Role.MANAGER)

    assert admin.has_role(Role.SALES_REP)
    assert manager.has_role(Role.SERVICE_AGENT)
    assert not manager.has_role(Role.ANALYST)
    assert not UserFactory.build(role=Role.SALES_REP).has_role(Role.MANAGER)
