import pytest

from reservoir.iam.enums import Role
from reservoir.iam.tests.factories import UserFactory


@pytest.fixture
def agent(db):
    return UserFactory(username="agent", role=Role.SERVICE_AGENT)


@pytest.fixture
def rep(db):
    return UserFactory(username="rep", role=Role.SALES_REP)
