"""Writes for duplicate detection: the batch scan, matching at ingestion, review decisions.

A pair is stored once (party_a < party_b). Decided pairs (not a duplicate, merged) are
never suggested again: the scan and ingestion skip them. Pairs at or above
RESOLUTION_AUTO_MERGE_THRESHOLD are merged without review (survivor by the survivorship
rules); pairs at or above RESOLUTION_REVIEW_THRESHOLD wait in the queue.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from reservoir.audit import services as audit
from reservoir.core.errors import Conflict
from reservoir.iam.models import User
from reservoir.parties.models import Party
from reservoir.resolution.matchindex import INDEXED_STATUSES, iter_party_records, party_records
from reservoir.resolution.matching.records import Evidence
from reservoir.resolution.models import CandidateStatus, DuplicateCandidate, DuplicateScan
from reservoir.resolution.selectors import get_matcher, match_record

logger = logging.getLogger(__name__)
DECIDED = (CandidateStatus.NOT_DUPLICATE, CandidateStatus.MERGED, CandidateStatus.AUTO_MERGED)


def evidence_json(evidence: Iterable[Evidence]) -> list[dict[str, Any]]:
    """Return the evidence as plain JSON rows (labels rendered in the current language)."""
    return [
        {
            "field": e.field,
            "level": e.level,
            "weight": round(float(e.weight), 3),
            "left": str(e.left),
            "right": str(e.right),
            "label": str(e.label),
        }
        for e in evidence
    ]


def _pair(x: int, y: int) -> tuple[int, int]:
    return (x, y) if x < y else (y, x)


def auto_merge(candidate: DuplicateCandidate) -> int | None:
    """Merge the pair of `candidate` without review; return the survivor id, or None.

    The survivor (see `choose_survivor`) keeps its own values; the merged record only fills
    its blanks ("most complete" prefers the survivor, which is the more complete one).
    Side effects: merge_parties(auto=True) (moves everything, audits, PartiesMerged);
    the candidate becomes auto_merged. Skips when a party is no longer active.
    """
    from reservoir.resolution.merging import merge_parties
    from reservoir.resolution.models import MergeRule
    from reservoir.resolution.survivorship import choose_survivor

    with transaction.atomic():
        parties = Party.objects.select_for_update().filter(
            pk__in=[candidate.party_a_id, candidate.party_b_id], status__in=INDEXED_STATUSES
        )
        pair = {p.pk: p for p in parties}
        if len(pair) != 2:
            return None
        survivor, merged = choose_survivor(pair[candidate.party_a_id], pair[candidate.party_b_id])
        merge_parties(
            survivor,
            merged,
            by=None,
            auto=True,
            probability=candidate.probability,
            rule=MergeRule.MOST_COMPLETE,
        )
        DuplicateCandidate.objects.filter(pk=candidate.pk).update(
            status=CandidateStatus.AUTO_MERGED, decided_at=timezone.now()
        )
    return int(survivor.pk)


def _cluster_for(a: int, b: int) -> str:
    """The cluster of an open pair touching a or b, else a new one named by the lower id."""
    rows = DuplicateCandidate.objects.filter(
        Q(party_a_id__in=[a, b]) | Q(party_b_id__in=[a, b]), status=CandidateStatus.OPEN
    ).values_list("cluster_key", flat=True)
    keys = sorted(k for k in rows if k)
    return keys[0] if keys else str(min(a, b))


@transaction.atomic
def suggest_pair(
    a: int, b: int, *, probability: float, evidence: Sequence[Evidence], source: str
) -> DuplicateCandidate | None:
    """Store (or refresh) an open candidate for the pair; None when it was already decided.

    Side effects: inserts or updates one DuplicateCandidate.
    """
    a, b = _pair(a, b)
    existing = DuplicateCandidate.objects.select_for_update().filter(party_a_id=a, party_b_id=b)
    current = existing.first()
    if current is not None:
        if current.status != CandidateStatus.OPEN:
            return None
        current.probability, current.evidence = probability, evidence_json(evidence)
        current.save(update_fields=["probability", "evidence", "updated_at"])
        return current
    return DuplicateCandidate.objects.create(
        party_a_id=a,
        party_b_id=b,
        probability=probability,
        evidence=evidence_json(evidence),
        cluster_key=_cluster_for(a, b),
        source=source,
    )


def match_new_party(party_id: int) -> dict[str, Any]:
    """Match a newly created party against the base: auto-merge or queue for review.

    Idempotent: decided pairs are skipped, open ones refreshed. Side effects: see
    `auto_merge` and `suggest_pair`. Returns {"candidates": n, "merged_into": id | None}.
    """
    record = party_records([party_id]).get(party_id)
    live = Party.objects.filter(pk=party_id, status__in=INDEXED_STATUSES).exists()
    if record is None or not live:
        return {"candidates": 0, "merged_into": None}
    found = match_record(record, exclude={party_id}, limit=5)
    decided = _decided_pairs([_pair(party_id, c.party_id) for c in found])
    found = [c for c in found if _pair(party_id, c.party_id) not in decided]
    stored = []
    for cand in found:
        row = suggest_pair(
            party_id,
            cand.party_id,
            probability=cand.probability,
            evidence=cand.evidence,
            source="ingestion",
        )
        if row is not None:
            stored.append(row)
    if stored and stored[0].probability >= settings.RESOLUTION_AUTO_MERGE_THRESHOLD:
        survivor = auto_merge(stored[0])
        if survivor is not None:
            return {"candidates": len(stored), "merged_into": survivor}
    return {"candidates": len(stored), "merged_into": None}


def _decided_pairs(pairs: Sequence[tuple[int, int]]) -> set[tuple[int, int]]:
    if not pairs:
        return set()
    lows = sorted({a for a, _b in pairs})
    rows = DuplicateCandidate.objects.filter(party_a_id__in=lows, status__in=DECIDED).values_list(
        "party_a_id", "party_b_id"
    )
    return set(rows) & set(pairs)


def detect_duplicates(*, auto_merge_pairs: bool = True) -> DuplicateScan:
    """Scan the whole base for duplicate pairs and clusters; refresh the review queue.

    Side effects: a DuplicateScan row; new open candidates inserted, open ones refreshed,
    open ones no longer found deleted; decided pairs untouched; pairs at or above the
    auto-merge threshold merged (when `auto_merge_pairs`); one audit entry.
    """
    from reservoir.resolution.matching import cluster, find_duplicates

    scan = DuplicateScan.objects.create(started_at=timezone.now())
    records = list(iter_party_records())
    review = settings.RESOLUTION_REVIEW_THRESHOLD
    pairs = find_duplicates(records, matcher=get_matcher(), threshold=review)
    found = {_pair(int(x), int(y)): result for x, y, result in pairs}
    clusters = cluster([(x, y, r) for x, y, r in pairs], threshold=review)
    cluster_of = {int(k): str(min(int(m) for m in group)) for group in clusters for k in group}
    existing = {
        (a, b): (pk, status)
        for pk, a, b, status in DuplicateCandidate.objects.values_list(
            "pk", "party_a_id", "party_b_id", "status"
        )
    }
    new, changed = [], []
    with transaction.atomic():
        for (a, b), result in found.items():
            key = cluster_of.get(a, str(a))
            fields = {
                "probability": float(result.probability),
                "evidence": evidence_json(result.evidence),
                "cluster_key": key,
            }
            if (a, b) not in existing:
                new.append(DuplicateCandidate(party_a_id=a, party_b_id=b, **fields))
            elif existing[(a, b)][1] == CandidateStatus.OPEN:
                changed.append(DuplicateCandidate(pk=existing[(a, b)][0], **fields))
        DuplicateCandidate.objects.bulk_create(new, batch_size=500)
        DuplicateCandidate.objects.bulk_update(
            changed, ["probability", "evidence", "cluster_key"], batch_size=500
        )
        stale = [
            pk
            for pair, (pk, status) in existing.items()
            if status == CandidateStatus.OPEN and pair not in found
        ]
        for start in range(0, len(stale), 500):
            DuplicateCandidate.objects.filter(pk__in=stale[start : start + 500]).delete()
    merged = 0
    if auto_merge_pairs:
        threshold = settings.RESOLUTION_AUTO_MERGE_THRESHOLD
        for cand in DuplicateCandidate.objects.filter(
            status=CandidateStatus.OPEN, probability__gte=threshold
        ).order_by("-probability", "pk"):
            merged += auto_merge(cand) is not None
    scan.finished_at = timezone.now()
    scan.parties, scan.pairs, scan.new_pairs, scan.auto_merged = (
        len(records),
        len(found),
        len(new),
        merged,
    )
    scan.save()
    audit.record(
        None,
        "resolution.duplicates.scanned",
        scan,
        data={"parties": len(records), "pairs": len(found), "new": len(new), "merged": merged},
    )
    return scan


@transaction.atomic
def dismiss_candidate(candidate: DuplicateCandidate, *, by: User | None) -> DuplicateCandidate:
    """Remember that the pair is not a duplicate (it is never suggested again).

    Idempotent for a pair already dismissed; a merged pair raises Conflict. Side effects:
    the candidate's status and decider; audit entry.
    """
    current = DuplicateCandidate.objects.select_for_update().get(pk=candidate.pk)
    if current.status == CandidateStatus.NOT_DUPLICATE:
        return current
    if current.status != CandidateStatus.OPEN:
        raise Conflict(_("These customers were already merged."))
    current.status = CandidateStatus.NOT_DUPLICATE
    current.decided_by = by
    current.decided_at = timezone.now()
    current.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    audit.record(
        by,
        "resolution.duplicate.dismissed",
        current,
        data={"party_a": current.party_a_id, "party_b": current.party_b_id},
    )
    return current


@transaction.atomic
def record_merge(survivor_id: int, merged_id: int) -> None:
    """After a merge: close the pair as merged and drop open pairs of the merged party.

    Side effects: updates/deletes DuplicateCandidate rows (the next scan re-finds what the
    survivor still matches).
    """
    a, b = _pair(survivor_id, merged_id)
    pair = DuplicateCandidate.objects.filter(party_a_id=a, party_b_id=b)
    pair.filter(status=CandidateStatus.OPEN).update(
        status=CandidateStatus.MERGED, decided_at=timezone.now()
    )
    if not pair.exists():
        DuplicateCandidate.objects.create(
            party_a_id=a,
            party_b_id=b,
            probability=1.0,
            cluster_key=str(a),
            status=CandidateStatus.MERGED,
            decided_at=timezone.now(),
            source="merge",
        )
    DuplicateCandidate.objects.filter(status=CandidateStatus.OPEN).filter(
        party_a_id=merged_id
    ).delete()
    DuplicateCandidate.objects.filter(status=CandidateStatus.OPEN, party_b_id=merged_id).delete()


@transaction.atomic
def record_unmerge(survivor_id: int, restored_id: int) -> None:
    """After an unmerge: the pair is remembered as not a duplicate (never auto-merged again).

    Side effects: updates one DuplicateCandidate row.
    """
    a, b = _pair(survivor_id, restored_id)
    DuplicateCandidate.objects.filter(party_a_id=a, party_b_id=b).update(
        status=CandidateStatus.NOT_DUPLICATE, decided_at=timezone.now()
    )
