"""Helpers shared by the API tests of every app."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from reservoir.iam.services import issue_token


def bearer(user) -> dict[str, str]:
    """Headers authenticating as `user` with a fresh personal token."""
    _token, raw = issue_token(user=user, name="test")
    return {"Authorization": f"Bearer {raw}"}


def count_queries(client, url: str) -> int:
    """Number of queries a successful GET of `url` takes."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)
