"""Factories for automation rules."""

import factory

from reservoir.automation.enums import TriggerKind
from reservoir.automation.models import Rule


class RuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rule

    name = factory.Sequence(lambda n: f"Rule {n}")
    trigger = TriggerKind.PARTY_CREATED
    condition = ""
    actions = factory.LazyFunction(list)
