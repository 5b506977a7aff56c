"""The timeline's part of a merge: move interactions and conversations to the survivor.

On `PartiesMerged` the merged party's rows move to the survivor, each move written to the
core ledger (`core.moves`) in the same transaction. On `PartiesUnmerged` exactly those rows
move back; interactions that arrived after the merge go to the party that owns the contact
address they came from (a conversation opened since follows when all its interactions do).
Both handlers are idempotent: events may be delivered more than once.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, Max
from django.utils.translation import gettext_lazy

from reservoir.audit import services as audit
from reservoir.core import events, moves
from reservoir.core.errors import InvalidInput
from reservoir.parties import related
from reservoir.parties import selectors as party_selectors
from reservoir.parties import services as party_services
from reservoir.parties.events import PartiesMerged, PartiesUnmerged
from reservoir.parties.models import Party
from reservoir.parties.normalize import normalize
from reservoir.timeline.enums import CHANNEL_IDENTITY
from reservoir.timeline.models import Conversation, Interaction


def _operation(merge_id: int) -> str:
    return f"merge:{merge_id}"


@transaction.atomic
def on_parties_merged(event: PartiesMerged) -> None:
    """Move the merged party's interactions and conversations to the survivor.

    Side effects: ledger entries; an audit entry on the survivor when rows moved.
    """
    op = _operation(event.merge_id)
    moved: dict[str, int] = {}
    for model in (Conversation, Interaction):
        if moves.begin(op, model) is None:
            continue
        ids = list(model.objects.filter(party_id=event.merged_id).values_list("pk", flat=True))
        model.objects.filter(pk__in=ids).update(party_id=event.survivor_id)
        moved[model._meta.model_name or ""] = moves.record(
            op, model, [(pk, event.merged_id, event.survivor_id) for pk in ids]
        )
    survivor = Party.objects.filter(pk=event.survivor_id).first()
    if survivor is not None and any(moved.values()):
        audit.record(
            None, "timeline.rows.reassigned", survivor, data={"merge": event.merge_id, **moved}
        )


@transaction.atomic
def on_parties_unmerged(event: PartiesUnmerged) -> None:
    """Move back exactly the rows moved for the merge; route later interactions by address.

    Side effects: moves rows; moves the parties' last contact time forward for interactions
    that arrived after the merge; an audit entry on the restored party.
    """
    op = _operation(event.merge_id)
    back: dict[str, int] = {}
    watermarks: dict[str, int] = {}
    for model in (Conversation, Interaction):
        mark, rows = moves.pending(op, model)
        if mark is None:
            continue
        name = model._meta.model_name or ""
        watermarks[name] = mark.watermark
        back[name] = 0
        for row in rows:
            back[name] += model.objects.filter(pk=row.row_pk, party_id=row.to_id).update(
                party_id=row.from_id
            )
        moves.finish(mark)
    if "interaction" not in watermarks:
        return
    back["routed"] = _route_later_interactions(event, watermarks["interaction"])
    _route_later_conversations(event, watermarks.get("conversation", 0))
    for party_id in (event.survivor_id, event.restored_id):
        latest = Interaction.objects.filter(
            party_id=party_id, pk__gt=watermarks["interaction"]
        ).aggregate(when=Max("occurred_at"))["when"]
        if latest is not None:
            party_services.note_last_interaction(party_id, latest)
    restored = Party.objects.filter(pk=event.restored_id).first()
    if restored is not None:
        audit.record(
            None, "timeline.rows.restored", restored, data={"merge": event.merge_id, **back}
        )


def _address_owner(channel: str, address: str) -> int | None:
    kinds = [CHANNEL_IDENTITY[channel]] if channel in CHANNEL_IDENTITY else []
    kinds += [k for k in ("email", "phone") if k not in kinds]
    for kind in kinds:
        try:
            value = normalize(kind, address)
        except InvalidInput:
            continue
        party = party_selectors.identify(kind, value)
        if party is not None:
            return party.pk
    return None


def _route_later_interactions(event: PartiesUnmerged, watermark: int) -> int:
    """Give interactions recorded on the survivor since the merge to their address's owner."""
    later = Interaction.objects.filter(party_id=event.survivor_id, pk__gt=watermark).exclude(
        contact_address=""
    )
    owners: dict[tuple[str, str], int | None] = {}
    ids = []
    for pk, channel, address in later.values_list("pk", "channel", "contact_address"):
        key = (channel, address)
        if key not in owners:
            owners[key] = _address_owner(channel, address)
        if owners[key] == event.restored_id:
            ids.append(pk)
    return Interaction.objects.filter(pk__in=ids).update(party_id=event.restored_id)


def _route_later_conversations(event: PartiesUnmerged, watermark: int) -> None:
    """A conversation opened on the survivor since the merge follows its interactions."""
    for conv in Conversation.objects.filter(party_id=event.survivor_id, pk__gt=watermark):
        owners = set(conv.interactions.values_list("party_id", flat=True))
        if owners == {event.restored_id}:
            Conversation.objects.filter(pk=conv.pk).update(party_id=event.restored_id)


def count_interactions(party_ids: list[int]) -> dict[int, int]:
    """{party_id: number of interactions} in one query (for screens below the timeline)."""
    rows = (
        Interaction.objects.filter(party_id__in=party_ids)
        .values("party_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["party_id"]: row["n"] for row in rows}


def subscribe() -> None:
    """Register the handlers and the counter (called from TimelineConfig.ready)."""
    events.subscribe(PartiesMerged, on_parties_merged)
    events.subscribe(PartiesUnmerged, on_parties_unmerged)
    related.register("interactions", gettext_lazy("Interactions"), count_interactions)
