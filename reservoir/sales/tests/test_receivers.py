"""Orders follow merges: to the survivor and back, exactly the moved ones, once."""

import pytest

from reservoir.parties.events import PartiesMerged, PartiesUnmerged
from reservoir.parties.tests.factories import PartyFactory
from reservoir.sales import receivers
from reservoir.sales.models import Order
from reservoir.sales.tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


def test_merge_moves_orders_once_when_the_event_is_delivered_twice():
    survivor, merged = PartyFactory(), PartyFactory()
    OrderFactory(party=survivor)
    OrderFactory.create_batch(2, party=merged)
    event = PartiesMerged(merge_id=3, survivor_id=survivor.pk, merged_id=merged.pk)

    receivers.on_parties_merged(event)
    receivers.on_parties_merged(event)

    assert Order.objects.filter(party=survivor).count() == 3
    assert Order.objects.filter(party=merged).count() == 0


def test_unmerge_moves_back_only_moved_orders_when_one_was_placed_since():
    survivor, merged = PartyFactory(), PartyFactory()
    theirs = OrderFactory(party=merged)
    receivers.on_parties_merged(PartiesMerged(3, survivor.pk, merged.pk))
    since = OrderFactory(party=survivor)
    event = PartiesUnmerged(merge_id=3, survivor_id=survivor.pk, restored_id=merged.pk)

    receivers.on_parties_unmerged(event)
    receivers.on_parties_unmerged(event)

    assert Order.objects.get(pk=theirs.pk).party_id == merged.pk
    assert Order.objects.get(pk=since.pk).party_id == survivor.pk
