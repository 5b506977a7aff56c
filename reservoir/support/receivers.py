"""Support's part of a party merge: cases and surveys follow the party, and go back on unmerge.

Same ledger pattern as sales (core.moves): an unmerge moves back exactly the rows the merge
moved; cases opened since stay with the survivor. Idempotent: events may be redelivered.
"""

from __future__ import annotations

from django.db import models, transaction
from django.db.models import Count
from django.utils.translation import gettext_lazy

from reservoir.audit import services as audit
from reservoir.core import events, moves
from reservoir.parties import related
from reservoir.parties.events import PartiesMerged, PartiesUnmerged
from reservoir.parties.models import Party
from reservoir.support.models import Case, Survey

_MODELS: tuple[type[models.Model], ...] = (Case, Survey)


def _operation(merge_id: int) -> str:
    return f"merge:{merge_id}"


@transaction.atomic
def on_parties_merged(event: PartiesMerged) -> None:
    """Move the merged party's cases and surveys to the survivor. Side effects: ledger; audit."""
    op = _operation(event.merge_id)
    moved = 0
    for model in _MODELS:
        if moves.begin(op, model) is None:
            continue
        manager = model._default_manager
        ids = list(manager.filter(party_id=event.merged_id).values_list("pk", flat=True))
        manager.filter(pk__in=ids).update(party_id=event.survivor_id)
        moves.record(op, model, [(pk, event.merged_id, event.survivor_id) for pk in ids])
        moved += len(ids)
    survivor = Party.objects.filter(pk=event.survivor_id).first()
    if moved and survivor is not None:
        audit.record(
            None,
            "support.cases.reassigned",
            survivor,
            data={"merge": event.merge_id, "rows": moved},
        )


@transaction.atomic
def on_parties_unmerged(event: PartiesUnmerged) -> None:
    """Move back exactly the rows the merge moved. Side effects: audit entry."""
    op = _operation(event.merge_id)
    back = 0
    for model in _MODELS:
        mark, rows = moves.pending(op, model)
        if mark is None:
            continue
        manager = model._default_manager
        back += sum(
            manager.filter(pk=row.row_pk, party_id=row.to_id).update(party_id=row.from_id)
            for row in rows
        )
        moves.finish(mark)
    restored = Party.objects.filter(pk=event.restored_id).first()
    if back and restored is not None:
        audit.record(
            None, "support.cases.restored", restored, data={"merge": event.merge_id, "rows": back}
        )


def count_cases(party_ids: list[int]) -> dict[int, int]:
    """{party_id: cases} in one query (for screens below support, e.g. the merge preview)."""
    rows = (
        Case.objects.filter(party_id__in=party_ids)
        .values("party_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["party_id"]: row["n"] for row in rows}


def subscribe() -> None:
    """Register the handlers and the counter (called from SupportConfig.ready)."""
    events.subscribe(PartiesMerged, on_parties_merged)
    events.subscribe(PartiesUnmerged, on_parties_unmerged)
    related.register("cases", gettext_lazy("Cases"), count_cases)
