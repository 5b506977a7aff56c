"""Token authentication: one hand-written query per request, never a stale answer."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reservoir.iam.models import APIToken
from reservoir.iam.services import authenticate_token, issue_token, revoke_token, update_user

pytestmark = pytest.mark.django_db


def test_token_is_refused_at_once_when_revoked_after_use(client, rep_a):
    token, raw = issue_token(user=rep_a, name="laptop")
    before = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})

    revoke_token(user=rep_a, token_id=token.pk)
    after = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})

    assert before.status_code == 200
    assert after.status_code == 401


def test_token_is_refused_at_once_when_its_user_is_deactivated(rep_a):
    _token, raw = issue_token(user=rep_a, name="laptop")
    assert authenticate_token(raw) == rep_a

    update_user(rep_a, by=None, is_active=False)

    assert authenticate_token(raw) is None


def test_token_is_refused_when_expired_since_its_last_use(rep_a):
    token, raw = issue_token(user=rep_a, name="ci")
    assert authenticate_token(raw) == rep_a

    APIToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    assert authenticate_token(raw) is None


def test_authenticated_user_has_typed_fields_when_read_by_hand_written_sql(rep_a, team_a):
    _token, raw = issue_token(user=rep_a, name="laptop")

    user = authenticate_token(raw)

    assert user is not None
    assert (user.pk, user.username, user.team_id, user.role) == (
        rep_a.pk,
        "rep_a",
        team_a.pk,
        "sales_rep",
    )
    assert user.is_active is True
    assert user.is_superuser is False
    assert timezone.is_aware(user.date_joined)


def test_authentication_takes_one_query_when_last_use_is_recent(rep_a):
    _token, raw = issue_token(user=rep_a, name="laptop")
    authenticate_token(raw)  # stamps last_used_at

    with CaptureQueriesContext(connection) as ctx:
        user = authenticate_token(raw)

    assert user == rep_a
    assert len(ctx.captured_queries) == 1


def test_last_use_is_stamped_when_the_token_is_first_used(rep_a):
    token, raw = issue_token(user=rep_a, name="laptop")

    authenticate_token(raw)

    token.refresh_from_db()
    assert token.last_used_at is not None
