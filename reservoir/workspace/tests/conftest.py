"""Fixtures for the workspace pages: customers owned by team A and team B."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reservoir.parties.enums import ContactKind, PartyRoleKind
from reservoir.parties.models import ContactPoint, PartyRole
from reservoir.parties.tests.factories import OrganizationFactory, PartyFactory


@pytest.fixture
def party_a(rep_a):
    party = PartyFactory(owner=rep_a, display_name="Alice Able", search_text="alice able")
    PartyRole.objects.create(party=party, role=PartyRoleKind.CUSTOMER)
    ContactPoint.objects.create(
        party=party, kind=ContactKind.PHONE, value="+8613800138000", is_primary=True
    )
    return party


@pytest.fixture
def party_b(rep_b):
    return PartyFactory(owner=rep_b, display_name="Bob Bravo", search_text="bob bravo")


@pytest.fixture
def org_b(rep_b):
    return OrganizationFactory(
        owner=rep_b, display_name="Bravo Trading", search_text="bravo trading"
    )


def count_queries(client, url: str) -> int:
    """The number of queries one GET of `url` runs (after a warm-up request)."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx)


def ids_in(response, attribute: str) -> list[int]:
    """The ids carried by `attribute` in the response's HTML, in document order."""
    return [int(x) for x in re.findall(rf'{attribute}="(\d+)"', response.content.decode())]
