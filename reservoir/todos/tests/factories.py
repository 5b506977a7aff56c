"""Factories for to-dos."""

import factory

from reservoir.todos.models import Todo


class TodoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Todo

    title = factory.Sequence(lambda n: f"Task {n}")
    team = factory.LazyAttribute(lambda t: t.assignee.team if t.assignee else None)
