"""Factories for parties and their contact points."""

import factory

from reservoir.parties.enums import ContactKind, PartyKind
from reservoir.parties.models import ContactPoint, Party


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party

    kind = PartyKind.PERSON
    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    display_name = factory.LazyAttribute(lambda p: f"{p.given_name} {p.family_name}")
    search_text = factory.LazyAttribute(lambda p: p.display_name.lower())
    owner = None
    team = factory.LazyAttribute(lambda p: p.owner.team if p.owner else None)


class OrganizationFactory(PartyFactory):
    kind = PartyKind.ORGANIZATION
    given_name = ""
    family_name = ""
    display_name = factory.Faker("company")


class ContactPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPoint

    party = factory.SubFactory(PartyFactory)
    kind = ContactKind.EMAIL
    value = factory.Sequence(lambda n: f"person{n}@example.com")
    raw = factory.SelfAttribute("value")
