"""Reads for identity resolution: match one record against the base; the duplicates queue.

Every read that takes an `actor` returns only what that user may see: a duplicate pair is
shown only when both of its parties are visible.
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Max, Prefetch, QuerySet

from reservoir.iam.models import User
from reservoir.iam.visibility import visible_q
from reservoir.parties.enums import ContactKind
from reservoir.parties.models import ContactPoint, Party
from reservoir.parties.selectors import for_user
from reservoir.resolution.matchindex import (
    INDEXED_STATUSES,
    candidate_ids,
    party_records,
    record_keys,
)
from reservoir.resolution.matching.records import Evidence, PartyRecord
from reservoir.resolution.models import CandidateStatus, DuplicateCandidate, DuplicateScan

__all__ = [
    "Candidate",
    "get_last_scan",
    "get_matcher",
    "list_candidate_pairs",
    "list_clusters",
    "match_record",
    "visible_candidates",
]

MAX_SCORED = 60  # candidates scored per record, most (and rarest) shared blocking keys first


@dataclass(frozen=True)
class Candidate:
    """A party of the base that may be the same customer as the record matched."""

    party_id: int
    probability: float
    evidence: tuple[Evidence, ...]


@functools.cache
def get_matcher() -> Any:
    """The process-wide Matcher (built once; it caches prepared records)."""
    from reservoir.resolution.matching import Matcher

    return Matcher()


def _identifier_owners(record: PartyRecord) -> list[int]:
    """Ids of active/provisional parties holding one of the record's exact identifiers.

    Raw SQL over the (kind, value) index: this runs on every incoming record.
    """
    pairs: list[tuple[str, str]] = [(ContactKind.EMAIL, e) for e in record.emails]
    pairs += [(ContactKind.PHONE, p) for p in record.phones]
    for other in record.other_ids:
        kind, sep, value = other.partition(":")
        if sep and kind in ContactKind.values:
            pairs.append((kind, value))
    if not pairs:
        return []
    party, cp = Party._meta.db_table, ContactPoint._meta.db_table
    where = " OR ".join(["(c.kind = %s AND c.value = %s)"] * len(pairs))
    sql = (
        f"SELECT DISTINCT c.party_id FROM {cp} c JOIN {party} p ON p.id = c.party_id "  # noqa: S608
        f"WHERE ({where}) AND p.status IN (%s, %s) LIMIT 50"
    )
    params = [v for pair in pairs for v in pair] + list(INDEXED_STATUSES)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def match_record(
    record: PartyRecord,
    *,
    actor: User | None = None,
    limit: int = 5,
    exclude: Collection[int] = (),
) -> list[Candidate]:
    """Return the parties that may be `record`, best first, at or above the review threshold.

    Exact identifier owners come first into the candidate set, then parties sharing
    blocking keys; all are scored by the engine. With `actor`, only parties that user may
    see are returned (None: the system sees all). Read-only; about six queries.
    """
    skip = set(exclude)
    exact = [pid for pid in _identifier_owners(record) if pid not in skip]
    blocked = candidate_ids(record_keys(record), exclude=skip, limit=MAX_SCORED)
    ids = list(dict.fromkeys([*exact, *blocked]))[:MAX_SCORED]
    if actor is not None and ids:
        ids = list(for_user(actor).filter(pk__in=ids).values_list("pk", flat=True))
    if not ids:
        return []
    records = party_records(ids)
    others = [records[pid] for pid in ids if pid in records]
    results = get_matcher().score_many(record, others)
    floor = settings.RESOLUTION_REVIEW_THRESHOLD
    found = [
        Candidate(int(other.key), float(result.probability), tuple(result.evidence))
        for other, result in zip(others, results, strict=True)
        if result.probability >= floor
    ]
    found.sort(key=lambda c: (-c.probability, c.party_id))
    return found[:limit]


# ------------------------------------------------------------------ the duplicates queue


def visible_candidates(
    *, actor: User, status: str = CandidateStatus.OPEN, min_probability: float = 0.0
) -> QuerySet[DuplicateCandidate]:
    """Return candidate pairs whose two parties `actor` may see, filtered by status."""
    qs = DuplicateCandidate.objects.filter(
        visible_q(actor, prefix="party_a__"), visible_q(actor, prefix="party_b__")
    )
    if status:
        qs = qs.filter(status=status)
    if status == CandidateStatus.OPEN:
        qs = qs.filter(party_a__status__in=INDEXED_STATUSES, party_b__status__in=INDEXED_STATUSES)
    if min_probability:
        qs = qs.filter(probability__gte=min_probability)
    return qs


def list_clusters(
    *, actor: User, status: str = CandidateStatus.OPEN, min_probability: float = 0.0
) -> QuerySet[Any]:
    """Return visible clusters as rows {"cluster_key", "top"}, highest probability first."""
    return (
        visible_candidates(actor=actor, status=status, min_probability=min_probability)
        .values("cluster_key")
        .annotate(top=Max("probability"))
        .order_by("-top", "cluster_key")
    )


def list_candidate_pairs(
    *,
    actor: User,
    cluster_keys: Collection[str],
    status: str = CandidateStatus.OPEN,
    min_probability: float = 0.0,
) -> list[DuplicateCandidate]:
    """Return the visible pairs of `cluster_keys` with parties, owners and contact points.

    Three queries whatever the number of pairs (pairs with parties and owners joined, then
    the phones and emails of each side).
    """
    points = ContactPoint.objects.filter(kind__in=[ContactKind.PHONE, ContactKind.EMAIL]).order_by(
        "kind", "-is_primary", "id"
    )
    qs = (
        visible_candidates(actor=actor, status=status, min_probability=min_probability)
        .filter(cluster_key__in=list(cluster_keys))
        .select_related("party_a__owner", "party_b__owner", "decided_by")
        .prefetch_related(
            Prefetch("party_a__contact_points", queryset=points, to_attr="contact_list"),
            Prefetch("party_b__contact_points", queryset=points, to_attr="contact_list"),
        )
        .order_by("-probability", "pk")
    )
    return list(qs)


def get_candidate(*, actor: User, candidate_id: int) -> DuplicateCandidate | None:
    """Return one candidate pair whose two parties `actor` may see, whatever its status."""
    return (
        visible_candidates(actor=actor, status="")
        .select_related("party_a", "party_b")
        .filter(pk=candidate_id)
        .first()
    )


def get_last_scan() -> DuplicateScan | None:
    return DuplicateScan.objects.order_by("-started_at").first()


def parties_by_id(ids: Collection[int]) -> dict[int, Party]:
    return {p.pk: p for p in Party.objects.filter(pk__in=list(ids))}
