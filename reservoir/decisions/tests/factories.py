"""Factories for contact-rule tables, and a helper that builds a published table through the
services (so tests exercise the same validation and compilation as the editor)."""

from __future__ import annotations

from typing import Any

import factory

from reservoir.decisions import services
from reservoir.decisions.enums import HitPolicy, VersionStatus
from reservoir.decisions.models import (
    DecisionLog,
    DecisionTable,
    TableInput,
    TableRow,
    TableVersion,
)


class DecisionTableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DecisionTable

    key = factory.Sequence(lambda n: f"table-{n}")
    name = factory.Sequence(lambda n: f"Table {n}")


class TableVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TableVersion

    table = factory.SubFactory(DecisionTableFactory)
    number = 1
    status = VersionStatus.DRAFT
    hit_policy = HitPolicy.FIRST


class TableInputFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TableInput

    version = factory.SubFactory(TableVersionFactory)
    label = "Segment"
    expression = "customer.segment"
    value_type = "string"


class TableRowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TableRow

    version = factory.SubFactory(TableVersionFactory)
    cells = factory.LazyFunction(lambda: ["gold"])
    reason = "Gold"


class DecisionLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DecisionLog

    decided_at = factory.Faker("date_time_this_month", tzinfo=__import__("datetime").UTC)
    party_id = 1
    channel = "phone"
    facts_digest = "f" * 32
    outputs_digest = "o" * 32


def published_table(
    by: Any,
    *,
    key: str,
    inputs: list[tuple[str, str]],
    rows: list[tuple[list[str], dict[str, Any]]],
    hit_policy: str = HitPolicy.COLLECT,
    position: int = 100,
) -> TableVersion:
    """Create, fill and publish a table through the services; return the published version."""
    table = services.create_table(
        key=key, name=key.replace("-", " ").title(), hit_policy=hit_policy, by=by, position=position
    )
    draft = table.versions.get()
    for label, expression in inputs:
        services.save_input(draft, label=label, expression=expression, by=by)
    for cells, outputs in rows:
        services.save_row(draft, cells=cells, by=by, **outputs)
    return services.publish(draft, by=by)
