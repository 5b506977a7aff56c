"""Merging two parties into one golden record, and undoing it exactly.

`merge_parties` snapshots both parties and every parties-owned row into a `Merge`, applies
field survivorship, moves the rows (parties.absorption) and publishes `PartiesMerged`, on
which timeline and sales move their rows (recorded in the core ledger). `unmerge` restores
the snapshot and publishes `PartiesUnmerged`, on which they move back exactly those rows.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from reservoir.audit import services as audit
from reservoir.core import events
from reservoir.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from reservoir.iam.enums import Role
from reservoir.iam.models import User
from reservoir.iam.visibility import visible_q
from reservoir.parties import absorption
from reservoir.parties.enums import PartyStatus
from reservoir.parties.events import PartiesMerged, PartiesUnmerged
from reservoir.parties.models import ContactPoint, Party
from reservoir.resolution import survivorship
from reservoir.resolution.models import Merge, MergeRule

# Who may merge: managers and administrators any two parties they see; front-line roles
# only parties that are theirs or nobody's yet (e.g. provisional records from a call).
_OWN_OR_UNOWNED = (Role.SALES_REP, Role.SERVICE_AGENT, Role.CONTACT_CENTER_AGENT)


def may_merge(user: User, parties: list[Party]) -> bool:
    """True when `user`'s role lets them merge these (visible) parties."""
    if user.has_role(Role.MANAGER):
        return True
    if user.role not in _OWN_OR_UNOWNED:
        return False
    return all(p.owner_id in (None, user.pk) for p in parties)


def _locked(survivor: Party, merged: Party, by: User | None) -> tuple[Party, Party]:
    """Lock both parties and check, in this order: ids, visibility, state, kind, role."""
    if survivor.pk == merged.pk:
        raise InvalidInput(_("A customer cannot be merged with itself."), field="merged_id")
    qs = Party.objects.select_for_update().filter(pk__in=[survivor.pk, merged.pk])
    rows = {p.pk: p for p in qs}
    visible = (
        set(rows)
        if by is None
        else set(
            Party.objects.filter(visible_q(by), pk__in=list(rows)).values_list("pk", flat=True)
        )
    )
    for party, field in ((survivor, "survivor_id"), (merged, "merged_id")):
        if party.pk not in rows or party.pk not in visible:
            raise NotFound(_("No customer with id %(id)s.") % {"id": party.pk}, field=field)
    for party in (survivor, merged):
        if rows[party.pk].status == PartyStatus.MERGED:
            raise Conflict(
                _("Customer %(id)s was already merged into customer %(into)s.")
                % {"id": party.pk, "into": rows[party.pk].merged_into_id},
                code="already_merged",
            )
    s, m = rows[survivor.pk], rows[merged.pk]
    if s.kind != m.kind:
        raise InvalidInput(_("A person cannot be merged with an organization."), field="merged_id")
    if by is not None and not may_merge(by, [s, m]):
        raise PermissionDenied(_("Your role may not merge these customers."))
    return s, m


@transaction.atomic
def merge_parties(
    survivor: Party,
    merged: Party,
    *,
    by: User | None,
    choices: dict[str, str] | None = None,
    auto: bool = False,
    probability: float | None = None,
    rule: str = MergeRule.MOST_RECENT,
) -> Merge:
    """Merge `merged` into `survivor` and return the Merge record.

    `choices` overrides the survivorship `rule` per field ({"name": "merged", ...}; keys in
    survivorship.FIELD_KEYS). `by=None` is the system (automatic merges).
    Side effects: locks both parties; snapshots and moves every parties-owned row; marks
    `merged` merged; audit entries on both; PartiesMerged after commit (timeline and sales
    then move their rows). Raises InvalidInput, NotFound, Conflict, PermissionDenied.
    """
    if rule not in MergeRule.values:
        raise InvalidInput(_("Unknown survivorship rule “%(r)s”.") % {"r": rule}, field="rule")
    s, m = _locked(survivor, merged, by)
    extras = (
        ContactPoint.objects.filter(party=s).count(),
        ContactPoint.objects.filter(party=m).count(),
    )
    picks = survivorship.pick(rule, s, m, choices=choices, extras=extras)
    values = survivorship.values_for(picks, s, m)
    merge = Merge.objects.create(
        survivor=s,
        merged=m,
        by=by,
        auto=auto,
        probability=probability,
        rule=rule,
        choices=picks,
        snapshot=absorption.snapshot_rows([s.pk, m.pk]),
    )
    merge.counts = absorption.absorb(s, m, values=values)
    merge.applied = {col: absorption.row_dict(s)[col] for col in values}
    merge.save(update_fields=["counts", "applied"])
    data = {"merge": merge.pk, "survivor": s.pk, "merged": m.pk, "auto": auto, "rule": rule}
    if probability is not None:
        data["probability"] = probability
    audit.record(by, "resolution.parties.merged", s, data=data)
    audit.record(by, "resolution.parties.merged", m, data=data)
    events.publish(PartiesMerged(merge_id=merge.pk, survivor_id=s.pk, merged_id=m.pk))
    survivor.refresh_from_db()
    merged.refresh_from_db()
    return merge


def may_unmerge(user: User, merge: Merge) -> bool:
    """Managers and administrators, or whoever made the merge."""
    return user.has_role(Role.MANAGER) or merge.by_id == user.pk


@transaction.atomic
def unmerge(merge: Merge, *, by: User | None) -> None:
    """Undo `merge`: both parties and every parties-owned row as they were before it.

    The survivor's fields edited since the merge keep their new value. Refuses (Conflict)
    a merge already undone, or one followed by a merge that involved its survivor (undo
    that one first). Side effects: locks the merge; restores rows; audit entries on both
    parties; PartiesUnmerged after commit (timeline and sales move back what they moved
    and route records that arrived since by their contact address).
    """
    locked = Merge.objects.select_for_update().filter(pk=merge.pk).first()
    if locked is None:
        raise NotFound(_("No merge with id %(id)s.") % {"id": merge.pk})
    if locked.unmerged_at is not None:
        raise Conflict(
            _("Merge #%(id)s was already undone.") % {"id": locked.pk}, code="already_unmerged"
        )
    if by is not None and not may_unmerge(by, locked):
        raise PermissionDenied(_("Only a manager or the person who merged may undo a merge."))
    later = (
        Merge.objects.filter(unmerged_at__isnull=True, pk__gt=locked.pk)
        .filter(Q(survivor_id=locked.survivor_id) | Q(merged_id=locked.survivor_id))
        .order_by("-pk")
        .first()
    )
    if later is not None:
        raise Conflict(
            _("Customer %(id)s took part in a later merge (#%(later)s); undo that one first.")
            % {"id": locked.survivor_id, "later": later.pk},
            code="later_merge",
        )
    survivor = Party.objects.select_for_update().get(pk=locked.survivor_id)
    current = absorption.row_dict(survivor)
    keep = [col for col, value in locked.applied.items() if current.get(col) != value]
    absorption.restore(locked.snapshot, survivor_id=survivor.pk, keep=keep)
    locked.unmerged_at = timezone.now()
    locked.unmerged_by = by
    locked.save(update_fields=["unmerged_at", "unmerged_by"])
    data: dict[str, Any] = {"merge": locked.pk, "kept": sorted(keep)}
    for pid in (locked.survivor_id, locked.merged_id):
        audit.record(by, "resolution.parties.unmerged", Party.objects.get(pk=pid), data=data)
    events.publish(
        PartiesUnmerged(
            merge_id=locked.pk, survivor_id=locked.survivor_id, restored_id=locked.merged_id
        )
    )
    merge.unmerged_at, merge.unmerged_by = locked.unmerged_at, by
