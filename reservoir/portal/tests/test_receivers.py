"""Accounts follow merges and come back on unmerge; old sign-in records are purged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from reservoir.parties.events import PartiesMerged, PartiesUnmerged
from reservoir.parties.tests.factories import PartyFactory
from reservoir.portal import services
from reservoir.portal.models import LoginAttempt, PortalAccount
from reservoir.portal.receivers import on_parties_merged, on_parties_unmerged
from reservoir.portal.tests.factories import portal_account

pytestmark = pytest.mark.django_db


def test_account_moves_to_survivor_without_one_and_back_on_unmerge():
    survivor, merged = PartyFactory(), PartyFactory()
    account = portal_account(merged, "Pw-for-merge-1", email="m1@example.com")

    on_parties_merged(PartiesMerged(merge_id=7, survivor_id=survivor.pk, merged_id=merged.pk))
    on_parties_merged(PartiesMerged(merge_id=7, survivor_id=survivor.pk, merged_id=merged.pk))
    moved = PortalAccount.objects.get(pk=account.pk).party_id
    on_parties_unmerged(PartiesUnmerged(merge_id=7, survivor_id=survivor.pk, restored_id=merged.pk))

    assert moved == survivor.pk
    assert PortalAccount.objects.get(pk=account.pk).party_id == merged.pk


def test_account_switched_off_when_survivor_has_one_and_on_again_on_unmerge():
    survivor, merged = PartyFactory(), PartyFactory()
    portal_account(survivor, "Pw-for-merge-2", email="s2@example.com")
    account = portal_account(merged, "Pw-for-merge-2", email="m2@example.com")

    on_parties_merged(PartiesMerged(merge_id=8, survivor_id=survivor.pk, merged_id=merged.pk))
    active = PortalAccount.objects.get(pk=account.pk).is_active
    on_parties_unmerged(PartiesUnmerged(merge_id=8, survivor_id=survivor.pk, restored_id=merged.pk))

    assert active is False
    assert PortalAccount.objects.get(pk=account.pk).is_active is True


def test_purge_forgets_day_old_failures_only():
    LoginAttempt.objects.create(email="a@example.com", ip="1.2.3.4")
    old = LoginAttempt.objects.create(email="b@example.com", ip="1.2.3.4")
    LoginAttempt.objects.filter(pk=old.pk).update(at=timezone.now() - dt.timedelta(days=2))

    gone = services.purge_attempts()

    assert gone == 1
    assert list(LoginAttempt.objects.values_list("email", flat=True)) == ["a@example.com"]
