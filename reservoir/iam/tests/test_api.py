"""API: the signed-in user, personal tokens, and how requests authenticate."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reservoir.core.tests.api_support import bearer
from reservoir.iam.models import APIToken
from reservoir.iam.services import issue_token, revoke_token

pytestmark = pytest.mark.django_db


def test_me_describes_the_token_owner(client, manager_b, team_b):
    response = client.get("/api/v1/me", headers=bearer(manager_b))

    body = response.json()
    assert response.status_code == 200
    assert (body["username"], body["role"], body["scope"]) == ("manager_b", "manager", "managed")
    assert body["managed_team_ids"] == [team_b.pk]
    assert body["team"] is None


def test_me_works_with_the_session(client, rep_a, team_a):
    client.force_login(rep_a)

    response = client.get("/api/v1/me")

    assert response.status_code == 200
    assert response.json()["team"] == {"id": team_a.pk, "name": "Team A"}


def test_anonymous_request_is_401_problem(client):
    response = client.get("/api/v1/me")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 401


@pytest.mark.parametrize("header", ["Bearer rsv_not-a-token", "Bearer ", "Basic dXNlcjpwdw==", "x"])
def test_bad_authorization_header_is_401(client, header):
    response = client.get("/api/v1/me", headers={"Authorization": header})

    assert response.status_code == 401
    assert response.json()["type"] == "urn:reservoir:problem:unauthenticated"


def test_revoked_token_is_401(client, rep_a):
    token, raw = issue_token(user=rep_a, name="laptop")
    revoke_token(user=rep_a, token_id=token.pk)

    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})

    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]


def test_revoked_token_cannot_write(client, rep_a):
    token, raw = issue_token(user=rep_a, name="laptop")
    revoke_token(user=rep_a, token_id=token.pk)

    response = client.post(
        "/api/v1/tokens",
        {"name": "again"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )

    assert response.status_code == 401
    assert APIToken.objects.count() == 1


def test_expired_token_is_401(client, rep_a):
    _token, raw = issue_token(
        user=rep_a, name="old", expires_at=timezone.now() - dt.timedelta(seconds=1)
    )

    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})

    assert response.status_code == 401


def test_token_is_shown_once_and_works(client, rep_a):
    client.force_login(rep_a)

    created = client.post("/api/v1/tokens", {"name": "cli"}, content_type="application/json")
    listed = client.get("/api/v1/tokens")
    me = Client().get("/api/v1/me", headers={"Authorization": f"Bearer {created.json()['token']}"})

    assert created.status_code == 201
    assert created.json()["token"].startswith("rsv_")
    assert [t["name"] for t in listed.json()["items"]] == ["cli"]
    assert "token" not in listed.json()["items"][0]
    assert me.json()["username"] == "rep_a"


def test_session_write_without_csrf_token_is_403(rep_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(rep_a)

    response = client.post("/api/v1/tokens", {"name": "cli"}, content_type="application/json")

    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert APIToken.objects.count() == 0


def test_token_write_needs_no_csrf_token(rep_a):
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        "/api/v1/tokens", {"name": "cli"}, content_type="application/json", headers=bearer(rep_a)
    )

    assert response.status_code == 201
    assert APIToken.objects.count() == 2


def test_token_name_is_required(client, rep_a):
    response = client.post(
        "/api/v1/tokens", {"name": ""}, content_type="application/json", headers=bearer(rep_a)
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "name"
    assert APIToken.objects.count() == 1


def test_naive_expiry_is_refused(client, rep_a):
    response = client.post(
        "/api/v1/tokens",
        {"name": "cli", "expires_at": "2031-01-01T00:00:00"},
        content_type="application/json",
        headers=bearer(rep_a),
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "expires_at"
    assert APIToken.objects.count() == 1


def test_revoking_another_users_token_is_404(client, rep_a, rep_b):
    theirs, _raw = issue_token(user=rep_b, name="theirs")

    response = client.delete(f"/api/v1/tokens/{theirs.pk}", headers=bearer(rep_a))

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_revoking_own_token_is_204(client, rep_a):
    mine, _raw = issue_token(user=rep_a, name="mine")

    response = client.delete(f"/api/v1/tokens/{mine.pk}", headers=bearer(rep_a))

    assert response.status_code == 204
    mine.refresh_from_db()
    assert mine.revoked_at is not None


def test_token_list_query_count_does_not_grow(client, rep_a):
    client.force_login(rep_a)
    issue_token(user=rep_a, name="one")
    with CaptureQueriesContext(connection) as one:
        client.get("/api/v1/tokens")
    issue_token(user=rep_a, name="two")
    issue_token(user=rep_a, name="three")

    with CaptureQueriesContext(connection) as three:
        response = client.get("/api/v1/tokens")

    assert len(response.json()["items"]) == 3
    assert len(three) == len(one)
