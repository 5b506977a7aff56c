"""Factories for interactions."""

import factory
from django.utils import timezone

from reservoir.parties.tests.factories import PartyFactory
from reservoir.timeline.enums import Channel, Direction, Kind
from reservoir.timeline.models import Interaction


class InteractionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Interaction

    party = factory.SubFactory(PartyFactory)
    channel = Channel.PHONE
    direction = Direction.INBOUND
    kind = Kind.CALL
    occurred_at = factory.LazyFunction(timezone.now)
    subject = factory.Sequence(lambda n: f"Call {n}")
