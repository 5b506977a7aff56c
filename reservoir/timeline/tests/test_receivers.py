"""The timeline follows merges: rows move to the survivor and back, exactly and once."""

import pytest

from reservoir.core.models import MoveMark, RowMove
from reservoir.parties.events import PartiesMerged, PartiesUnmerged
from reservoir.parties.models import ContactPoint
from reservoir.parties.tests.factories import ContactPointFactory, PartyFactory
from reservoir.timeline import receivers
from reservoir.timeline.models import Conversation, Interaction
from reservoir.timeline.services import InteractionInput, ingest_batch, record_interaction
from reservoir.timeline.tests.factories import InteractionFactory

pytestmark = pytest.mark.django_db


def test_merge_moves_interactions_once_when_the_event_is_delivered_twice():
    survivor, merged = PartyFactory(), PartyFactory()
    mine = InteractionFactory(party=survivor)
    theirs = InteractionFactory.create_batch(2, party=merged)
    event = PartiesMerged(merge_id=7, survivor_id=survivor.pk, merged_id=merged.pk)

    receivers.on_parties_merged(event)
    receivers.on_parties_merged(event)

    assert Interaction.objects.filter(party=survivor).count() == 3
    assert RowMove.objects.filter(table="timeline.interaction").count() == 2
    assert MoveMark.objects.filter(operation="merge:7").count() == 2
    assert Interaction.objects.get(pk=mine.pk).party_id == survivor.pk
    assert {i.pk for i in theirs} <= set(
        Interaction.objects.filter(party=survivor).values_list("pk", flat=True)
    )


def test_unmerge_moves_back_only_the_moved_rows_when_delivered_twice():
    survivor, merged = PartyFactory(), PartyFactory()
    mine = InteractionFactory(party=survivor)
    theirs = InteractionFactory(party=merged)
    conv = Conversation.objects.create(
        party=merged, channel="phone", started_at=theirs.occurred_at, last_at=theirs.occurred_at
    )
    receivers.on_parties_merged(PartiesMerged(7, survivor.pk, merged.pk))
    event = PartiesUnmerged(merge_id=7, survivor_id=survivor.pk, restored_id=merged.pk)

    receivers.on_parties_unmerged(event)
    receivers.on_parties_unmerged(event)

    assert Interaction.objects.get(pk=mine.pk).party_id == survivor.pk
    assert Interaction.objects.get(pk=theirs.pk).party_id == merged.pk
    assert Conversation.objects.get(pk=conv.pk).party_id == merged.pk


def test_unmerge_routes_a_later_interaction_by_address_when_it_arrived_after_the_merge():
    survivor, merged = PartyFactory(), PartyFactory()
    receivers.on_parties_merged(PartiesMerged(7, survivor.pk, merged.pk))
    ContactPointFactory(party=survivor, kind="phone", value="+8613800138000")
    later, _new = record_interaction(
        InteractionInput(channel="sms", direction="inbound", contact_value="138 0013 8000"),
        by=None,
    )
    stays, _new = record_interaction(
        InteractionInput(channel="phone", direction="inbound", party_id=survivor.pk), by=None
    )
    # the unmerge gives the phone back to the restored party before the event is delivered
    ContactPoint.objects.filter(party=survivor).update(party=merged)

    receivers.on_parties_unmerged(PartiesUnmerged(7, survivor.pk, merged.pk))

    assert Interaction.objects.get(pk=later.pk).party_id == merged.pk
    assert Interaction.objects.get(pk=stays.pk).party_id == survivor.pk
    merged.refresh_from_db()
    assert merged.last_interaction_at == later.occurred_at


def test_interaction_lands_on_the_survivor_when_given_a_merged_party_id():
    survivor = PartyFactory()
    merged = PartyFactory(status="merged", merged_into=survivor)

    interaction, _new = record_interaction(
        InteractionInput(channel="phone", direction="inbound", party_id=merged.pk), by=None
    )

    assert interaction.party_id == survivor.pk


def test_batch_ingest_lands_on_the_survivor_when_given_a_merged_party_id():
    survivor, merged = PartyFactory(), PartyFactory()
    merged.status, merged.merged_into = "merged", survivor
    merged.save(update_fields=["status", "merged_into"])
    item = InteractionInput(channel="web", direction="inbound", party_id=merged.pk)

    stored = ingest_batch([item], by=None)

    assert stored == 1
    assert Interaction.objects.get().party_id == survivor.pk
