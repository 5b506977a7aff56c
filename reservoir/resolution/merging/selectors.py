"""Reads for merges, filtered by what the actor may see (both parties of the merge)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from reservoir.core import moves
from reservoir.core.errors import NotFound
from reservoir.iam.models import User
from reservoir.iam.visibility import visible_q
from reservoir.resolution.models import Merge

# Ledger tables shown as moved-row counts, with the parties rows the merge itself counted.
MOVED_TABLES = {
    "timeline.interaction": "interactions",
    "timeline.conversation": "conversations",
    "sales.order": "orders",
}


def list_merges(
    *, actor: User, auto: bool | None = None, party_id: int | None = None
) -> QuerySet[Merge]:
    """Merges whose two parties `actor` may see, newest first; filter automatic/manual."""
    qs = Merge.objects.filter(
        visible_q(actor, prefix="survivor__"), visible_q(actor, prefix="merged__")
    ).select_related("survivor", "merged", "by", "unmerged_by")
    if auto is not None:
        qs = qs.filter(auto=auto)
    if party_id is not None:
        qs = qs.filter(Q(survivor_id=party_id) | Q(merged_id=party_id))
    return qs.order_by("-created_at", "-id")


def get_merge(*, actor: User, merge_id: int) -> Merge:
    """One visible merge, or NotFound."""
    merge = list_merges(actor=actor).filter(pk=merge_id).first()
    if merge is None:
        raise NotFound(_("No merge with id %(id)s.") % {"id": merge_id})
    return merge


def attach_moved(merges: list[Merge]) -> list[Merge]:
    """Set `moved` ({"interactions": n, "conversations": n, "orders": n, parties rows…})
    on each merge, from the core ledger, in one query."""
    counts = moves.counts(f"merge:{m.pk}" for m in merges)
    for merge in merges:
        ledger = counts.get(f"merge:{merge.pk}", {})
        moved = {name: ledger.get(table, 0) for table, name in MOVED_TABLES.items()}
        merge.moved = {**moved, **merge.counts}  # type: ignore[attr-defined]
    return merges


def live_merges_into(party_id: int, *, limit: int = 5) -> list[Merge]:
    """The merges not undone whose survivor is `party_id`, newest first (one query).

    System-level: the caller has already checked that the party is visible.
    """
    return list(
        Merge.objects.filter(survivor_id=party_id, unmerged_at__isnull=True)
        .select_related("merged")
        .order_by("-pk")[:limit]
    )
