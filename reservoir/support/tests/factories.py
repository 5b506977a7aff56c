"""Factories and helpers for service tests."""

from __future__ import annotations

import factory

from reservoir.iam.enums import Role
from reservoir.iam.tests.factories import UserFactory
from reservoir.support.models import AgentProfile


class AgentFactory(UserFactory):
    role = Role.SERVICE_AGENT


class AgentProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgentProfile

    user = factory.SubFactory(AgentFactory)
    skills = factory.LazyFunction(list)
    regions = factory.LazyFunction(list)
    capacity = 10
    available = True
