"""Shared pytest fixtures: staff users in two teams, for visibility tests."""

import pytest

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
