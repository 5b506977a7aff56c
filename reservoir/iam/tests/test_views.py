"""Sign-in, users, teams and API-token pages."""

import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reservoir.audit.models import AuditEntry
from reservoir.iam.enums import Role
from reservoir.iam.models import APIToken, Team, User
from reservoir.iam.services import issue_token
from reservoir.iam.tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def _queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


# --- sign-in -----------------------------------------------------------------------------


def test_login_signs_in_and_redirects_home_when_credentials_are_right(client, rep_a):
    url = reverse("iam:login")

    response = client.post(url, {"username": "rep_a", "password": "pass-word-123"})

    assert response.status_code == 302
    assert response["Location"] == reverse("workspace:home")
    assert client.session["_auth_user_id"] == str(rep_a.pk)


def test_login_shows_the_error_when_password_is_wrong(client, rep_a):
    url = reverse("iam:login")

    response = client.post(url, {"username": "rep_a", "password": "wrong"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert 'id="login-error"' in response.content.decode()
    assert "Please enter a correct username and password" in response.content.decode()


def test_logout_signs_out_when_posted(client, rep_a):
    client.force_login(rep_a)

    response = client.post(reverse("iam:logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("iam:login")
    assert "_auth_user_id" not in client.session


def test_pages_redirect_to_login_when_signed_out(client):
    url = reverse("iam:token_list")

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('iam:login')}?next={url}"


# --- users -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["iam:user_list", "iam:user_create", "iam:team_list", "iam:team_create"]
)
def test_admin_pages_are_forbidden_when_user_is_not_an_administrator(client, manager_b, name):
    client.force_login(manager_b)

    response = client.get(reverse(name))

    assert response.status_code == 403


def test_user_edit_is_forbidden_when_user_is_not_an_administrator(client, rep_a, rep_b):
    client.force_login(rep_a)

    response = client.post(reverse("iam:user_edit", args=[rep_b.pk]), {"role": Role.ADMINISTRATOR})

    assert response.status_code == 403
    rep_b.refresh_from_db()
    assert rep_b.role == Role.SALES_REP


def test_user_list_filters_by_search_role_and_team_when_given(client, admin_user, rep_a, rep_b):
    client.force_login(admin_user)

    response = client.get(
        reverse("iam:user_list"),
        {"q": "rep_", "role": Role.SALES_REP, "team": rep_b.team_id},
    )

    assert response.status_code == 200
    assert [u.username for u in response.context["users"]] == ["rep_b"]


def test_user_list_runs_the_same_queries_when_it_shows_more_users(client, admin_user):
    client.force_login(admin_user)
    UserFactory()
    one = _queries(client, reverse("iam:user_list"))

    UserFactory.create_batch(2)
    three = _queries(client, reverse("iam:user_list"))

    assert one == three


def test_user_create_makes_a_user_who_can_sign_in_when_form_is_valid(client, admin_user, team_a):
    client.force_login(admin_user)
    data = {
        "username": "new.rep",
        "first_name": "New",
        "last_name": "Rep",
        "email": "new.rep@example.com",
        "role": Role.SALES_REP,
        "team": team_a.pk,
        "password": "a-Strong-pass-9",
    }

    response = client.post(reverse("iam:user_create"), data)

    assert response.status_code == 302
    user = User.objects.get(username="new.rep")
    assert (user.role, user.team_id, user.email) == (Role.SALES_REP, team_a.pk, data["email"])
    assert user.check_password("a-Strong-pass-9")
    assert AuditEntry.objects.filter(action="iam.user.created", object_pk=str(user.pk)).count() == 1


def test_user_create_shows_the_error_and_writes_nothing_when_username_is_taken(
    client, admin_user, rep_a
):
    client.force_login(admin_user)
    before = User.objects.count()

    response = client.post(
        reverse("iam:user_create"),
        {"username": "REP_A", "role": Role.SALES_REP, "password": "a-Strong-pass-9"},
    )

    assert response.status_code == 422
    assert response.context["form"].errors == {"username": ["That username is taken."]}
    assert User.objects.count() == before


def test_user_edit_changes_role_team_and_active_when_posted(client, admin_user, rep_a, team_b):
    client.force_login(admin_user)
    data = {
        "first_name": rep_a.first_name,
        "last_name": rep_a.last_name,
        "email": rep_a.email,
        "role": Role.MANAGER,
        "team": team_b.pk,
        "new_password": "",
    }

    response = client.post(reverse("iam:user_edit", args=[rep_a.pk]), data)

    assert response.status_code == 302
    rep_a.refresh_from_db()
    assert (rep_a.role, rep_a.team_id, rep_a.is_active) == (Role.MANAGER, team_b.pk, False)
    entry = AuditEntry.objects.get(action="iam.user.updated", object_pk=str(rep_a.pk))
    assert sorted(entry.changes) == ["is_active", "role", "team_id"]


def test_user_edit_sets_the_password_when_a_new_one_is_given(client, admin_user, rep_a):
    client.force_login(admin_user)
    data = {
        "first_name": rep_a.first_name,
        "last_name": rep_a.last_name,
        "email": rep_a.email,
        "role": rep_a.role,
        "team": rep_a.team_id,
        "is_active": "on",
        "new_password": "another-Pass-42",
    }

    response = client.post(reverse("iam:user_edit", args=[rep_a.pk]), data)

    assert response.status_code == 302
    rep_a.refresh_from_db()
    assert rep_a.check_password("another-Pass-42")
    assert AuditEntry.objects.filter(action="iam.user.updated").count() == 0
    assert AuditEntry.objects.filter(action="iam.user.password_changed").count() == 1


# --- teams -------------------------------------------------------------------------------


def test_team_list_shows_member_counts_and_managers(client, admin_user, rep_a, manager_b):
    client.force_login(admin_user)

    response = client.get(reverse("iam:team_list"))

    teams = {t.name: t for t in response.context["teams"]}
    assert teams["Team A"].member_count == 1
    assert [m.username for m in teams["Team B"].managers.all()] == ["manager_b"]


def test_team_list_runs_the_same_queries_when_it_shows_more_teams(client, admin_user):
    client.force_login(admin_user)
    UserFactory(manages=[TeamFactory()])
    one = _queries(client, reverse("iam:team_list"))

    UserFactory(manages=[TeamFactory(), TeamFactory()])
    three = _queries(client, reverse("iam:team_list"))

    assert one == three


def test_team_create_saves_the_team_and_its_managers_when_posted(client, admin_user, manager_b):
    client.force_login(admin_user)

    response = client.post(
        reverse("iam:team_create"),
        {
            "name": "North",
            "description": "Northern accounts",
            "region": "Beijing",
            "managers": [manager_b.pk],
        },
    )

    assert response.status_code == 302
    team = Team.objects.get(name="North")
    assert (team.description, team.region) == ("Northern accounts", "Beijing")
    assert list(team.managers.all()) == [manager_b]


def test_team_edit_shows_the_error_when_name_clashes(client, admin_user, team_a, team_b):
    client.force_login(admin_user)

    response = client.post(reverse("iam:team_edit", args=[team_b.pk]), {"name": "team a"})

    assert response.status_code == 422
    assert response.context["form"].errors == {"name": ["A team with that name exists."]}
    team_b.refresh_from_db()
    assert team_b.name == "Team B"


# --- API tokens --------------------------------------------------------------------------


def test_token_create_shows_the_raw_token_once_when_posted(client, rep_a):
    client.force_login(rep_a)

    created = client.post(reverse("iam:token_list"), {"name": "Sheets sync"})
    listed = client.get(reverse("iam:token_list"))

    raw = created.context["raw_token"]
    token = APIToken.objects.get(user=rep_a)
    assert created.status_code == 201
    assert created["Cache-Control"] == "no-store"
    assert hashlib.sha256(raw.encode()).hexdigest() == token.digest
    assert raw in created.content.decode()
    assert raw not in listed.content.decode()
    assert token.prefix in listed.content.decode()


def test_token_create_shows_the_error_when_expiry_is_in_the_past(client, rep_a):
    client.force_login(rep_a)

    response = client.post(reverse("iam:token_list"), {"name": "Old", "expires_on": "2000-01-01"})

    assert response.status_code == 422
    assert response.context["form"].errors == {"expires_on": ["Pick a day in the future."]}
    assert APIToken.objects.count() == 0


def test_token_revoke_revokes_the_users_own_token(client, rep_a):
    token, _raw = issue_token(user=rep_a, name="CI")
    client.force_login(rep_a)

    response = client.post(reverse("iam:token_revoke", args=[token.pk]))

    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_token_revoke_is_404_when_token_belongs_to_someone_else(client, rep_a, rep_b):
    token, _raw = issue_token(user=rep_b, name="Theirs")
    client.force_login(rep_a)

    response = client.post(reverse("iam:token_revoke", args=[token.pk]))

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_token_list_shows_only_the_users_own_tokens(client, rep_a, rep_b):
    issue_token(user=rep_a, name="Mine")
    issue_token(user=rep_b, name="Theirs")
    client.force_login(rep_a)

    response = client.get(reverse("iam:token_list"))

    assert [t.name for t in response.context["tokens"]] == ["Mine"]


def test_token_list_runs_the_same_queries_when_it_shows_more_tokens(client, rep_a):
    client.force_login(rep_a)
    issue_token(user=rep_a, name="one")
    one = _queries(client, reverse("iam:token_list"))

    issue_token(user=rep_a, name="two")
    issue_token(user=rep_a, name="three")
    three = _queries(client, reverse("iam:token_list"))

    assert one == three
