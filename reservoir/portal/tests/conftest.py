"""Portal test fixtures: two customers with accounts, files on a temporary media root."""

from __future__ import annotations

import pytest
from django.test import Client

from reservoir.parties.tests.factories import ContactPointFactory, PartyFactory
from reservoir.portal.tests.factories import portal_account

PASSWORD = "Blue-lantern-2718"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANGUAGE_CODE = "en"
    return settings.MEDIA_ROOT


@pytest.fixture
def alice(db):
    party = PartyFactory(display_name="Alice Wong", given_name="Alice", family_name="Wong")
    ContactPointFactory(party=party, value="alice@example.com", raw="alice@example.com")
    return portal_account(party, PASSWORD)


@pytest.fixture
def bob(db):
    party = PartyFactory(display_name="Bob Li", given_name="Bob", family_name="Li")
    ContactPointFactory(party=party, value="bob@example.com", raw="bob@example.com")
    return portal_account(party, PASSWORD)


def sign_in(client: Client, account, password: str = PASSWORD) -> Client:
    """Sign `account` in through the login form (the way a browser does)."""
    response = client.post("/portal/login/", {"email": account.email, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


@pytest.fixture
def alice_client(alice):
    return sign_in(Client(), alice)


@pytest.fixture
def bob_client(bob):
    return sign_in(Client(), bob)
