"""Reads for contact rules: tables with their versions, the decision log, consistency."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from reservoir.core.errors import NotFound
from reservoir.decisions.enums import VersionStatus
from reservoir.decisions.models import DecisionLog, DecisionTable, TableVersion


def list_tables() -> QuerySet[DecisionTable]:
    """Tables in evaluation order, with `version_list` (newest first, with row counts)."""
    versions = TableVersion.objects.annotate(row_count=Count("rows")).order_by("-number")
    return DecisionTable.objects.prefetch_related(
        Prefetch("versions", queryset=versions, to_attr="version_list")
    ).order_by("position", "key")


def get_table(key: str) -> DecisionTable:
    table = list_tables().filter(key=key).first()
    if table is None:
        raise NotFound(f"No decision table {key!r}.")
    return table


def published(table: DecisionTable) -> TableVersion | None:
    """The newest published version among the prefetched `version_list`."""
    return next((v for v in table.version_list if v.status == VersionStatus.PUBLISHED), None)  # type: ignore[attr-defined]


def draft(table: DecisionTable) -> TableVersion | None:
    return next((v for v in table.version_list if v.status == VersionStatus.DRAFT), None)  # type: ignore[attr-defined]


def get_version(table: DecisionTable, number: int) -> TableVersion:
    version = (
        table.versions.filter(number=number)
        .select_related("created_by", "published_by")
        .prefetch_related("inputs", "rows")
        .first()
    )
    if version is None:
        raise NotFound(f"No version {number}.")
    return version


def list_log(
    *,
    channel: str = "",
    party_id: int | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
) -> QuerySet[DecisionLog]:
    """Decision-log entries, newest first (for staff who may read the log: all parties)."""
    qs = DecisionLog.objects.select_related("actor")
    if channel:
        qs = qs.filter(channel=channel)
    if party_id:
        qs = qs.filter(party_id=party_id)
    if since:
        qs = qs.filter(decided_at__gte=since)
    if until:
        qs = qs.filter(decided_at__lt=until)
    return qs.order_by("-decided_at", "-id")


@dataclass(frozen=True)
class ConsistencyReport:
    decisions: int
    groups: int  # (party, facts) pairs asked about in two or more channels
    inconsistent: int  # of those, pairs whose commercial outputs differ
    examples: list[tuple[int, str, list[str]]]  # (party id, facts digest, channels)


def consistency(
    *, since: dt.datetime | None = None, until: dt.datetime | None = None, examples: int = 10
) -> ConsistencyReport:
    """Compare decisions for the same party and the same facts across channels (P3).

    Two GROUP BY queries over the (party_id, facts_digest) index, plus one for examples.
    """
    qs = list_log(since=since, until=until).order_by()
    total = qs.count()
    groups = (
        qs.values("party_id", "facts_digest")
        .annotate(
            channels=Count("channel", distinct=True), outputs=Count("outputs_digest", distinct=True)
        )
        .filter(channels__gte=2)
    )
    multi = groups.count()
    bad = groups.filter(outputs__gte=2)
    rows = list(bad[:examples])
    sample = []
    for row in rows:
        channels = sorted(
            set(
                qs.filter(
                    Q(party_id=row["party_id"]) & Q(facts_digest=row["facts_digest"])
                ).values_list("channel", flat=True)
            )
        )
        sample.append((row["party_id"], row["facts_digest"], channels))
    return ConsistencyReport(total, multi, bad.count(), sample)
