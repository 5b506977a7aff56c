"""Shared pytest fixtures: staff users in two teams, for visibility tests; thread cleanup."""

import asyncio

import pytest
from asgiref.sync import sync_to_async
from django.db import connections

from reservoir.iam.enums import Role
from reservoir.iam.tests.factories import TeamFactory, UserFactory


def pytest_configure(config):
    """Hash test passwords fast: the production hasher's cost is deliberate, not under test."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def team_a(db):
    return TeamFactory(name="Team A")


@pytest.fixture
def team_b(db):
    return TeamFactory(name="Team B")


@pytest.fixture
def rep_a(team_a):
    return UserFactory(username="rep_a", role=Role.SALES_REP, team=team_a)


@pytest.fixture
def rep_b(team_b):
    return UserFactory(username="rep_b", role=Role.SALES_REP, team=team_b)


@pytest.fixture
def manager_b(team_b):
    return UserFactory(username="manager_b", role=Role.MANAGER, team=None, manages=[team_b])


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", role=Role.ADMINISTRATOR, team=None, is_superuser=True)


@pytest.fixture
def close_sync_thread_connections():
    """After the test, close the database connections of asgiref's shared sync thread.

    `database_sync_to_async` (channels consumers) and `sync_to_async` called outside a request
    run the ORM on that one long-lived thread. With CONN_MAX_AGE its connection survives
    `close_old_connections` and the test, and PostgreSQL then refuses to drop the test
    database ("is being accessed by other users"). `sync_to_async` with no sync caller above
    it runs on that same thread, so `close_all` there closes exactly those connections.
    """
    yield
    asyncio.run(sync_to_async(connections.close_all)())


@pytest.fixture(autouse=True)
def _no_chat_start_limits(settings):
    """Switch the chat-start limits off for tests that are not about them.

    With Redis (the PostgreSQL stage of CI) their counters live in a cache that outlives the
    test, the worker and the run, so chats started from the test client's one address would
    add up across tests. contact_center/tests/test_throttle.py turns them on per test.
    """
    settings.CHAT_SESSIONS_PER_IP = 0
    settings.CHAT_SESSIONS_PER_VISITOR = 0
