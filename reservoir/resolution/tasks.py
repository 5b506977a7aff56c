"""Background work of identity resolution: thin wrappers over the services, by id."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from reservoir.resolution import duplicates, matchindex


@task()
def match_party(party_id: int) -> dict[str, Any]:
    """Match a new party against the base (auto-merge or queue it). Idempotent."""
    return duplicates.match_new_party(party_id)


@task()
def detect_duplicates() -> dict[str, int]:
    """Scan the whole base for duplicates and refresh the review queue."""
    scan = duplicates.detect_duplicates()
    return {"scan": scan.pk, "pairs": scan.pairs, "new": scan.new_pairs}


@task()
def rebuild_match_index() -> int:
    """Rebuild the blocking-key index from the parties table; return the number of keys."""
    return matchindex.rebuild_match_index()
