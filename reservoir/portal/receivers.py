"""The portal's part of a merge: the absorbed customer's account follows them.

An account moves to the survivor when the survivor has none; otherwise it is switched off
(the survivor's account stays the one to use; an e-mailed link for the absorbed address
reaches the survivor's account, since the contact points moved too). Both are written to
the core move ledger, so an unmerge restores exactly what the merge changed. A moved
account's open sessions end (the session's party no longer matches). Idempotent.
"""

from __future__ import annotations

from django.db import transaction

from reservoir.audit import services as audit
from reservoir.core import events, moves
from reservoir.parties.events import PartiesMerged, PartiesUnmerged
from reservoir.parties.models import Party
from reservoir.portal.models import PortalAccount


def _operation(merge_id: int) -> str:
    return f"merge:{merge_id}"


@transaction.atomic
def on_parties_merged(event: PartiesMerged) -> None:
    """Move or switch off the merged party's account. Side effects: ledger; audit entry."""
    op = _operation(event.merge_id)
    if moves.begin(op, PortalAccount) is None:
        return
    account = PortalAccount.objects.filter(party_id=event.merged_id).first()
    if account is None:
        return
    if PortalAccount.objects.filter(party_id=event.survivor_id).exists():
        PortalAccount.objects.filter(pk=account.pk).update(is_active=False)
        moves.record(op, PortalAccount, [(account.pk, event.merged_id, event.merged_id)])
        action = "portal.account.deactivated_by_merge"
    else:
        PortalAccount.objects.filter(pk=account.pk).update(party_id=event.survivor_id)
        moves.record(op, PortalAccount, [(account.pk, event.merged_id, event.survivor_id)])
        action = "portal.account.moved_by_merge"
    survivor = Party.objects.filter(pk=event.survivor_id).first()
    if survivor is not None:
        audit.record(None, action, survivor, data={"merge": event.merge_id, "account": account.pk})


@transaction.atomic
def on_parties_unmerged(event: PartiesUnmerged) -> None:
    """Undo exactly what the merge did to accounts. Side effects: audit entry."""
    op = _operation(event.merge_id)
    mark, rows = moves.pending(op, PortalAccount)
    if mark is None:
        return
    for row in rows:
        if row.from_id == row.to_id:
            PortalAccount.objects.filter(pk=row.row_pk).update(is_active=True)
        else:
            PortalAccount.objects.filter(pk=row.row_pk, party_id=row.to_id).update(
                party_id=row.from_id
            )
    moves.finish(mark)
    restored = Party.objects.filter(pk=event.restored_id).first()
    if rows and restored is not None:
        audit.record(None, "portal.account.restored", restored, data={"merge": event.merge_id})


def subscribe() -> None:
    events.subscribe(PartiesMerged, on_parties_merged)
    events.subscribe(PartiesUnmerged, on_parties_unmerged)
