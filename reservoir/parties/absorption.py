"""The parties side of a merge: snapshot two parties' rows, absorb one into the other, undo.

`reservoir.resolution.merging` decides which values survive and keeps the merge record;
the writes on parties tables happen here because only the parties app writes them.
Snapshots are plain JSON (every concrete column of every row, by attname) so that
`restore` can put back every row exactly: same primary keys, same values, same stamps.
Written by hand rather than with django-reversion: reversion snapshots one object per
version and restores by save() (which re-stamps auto_now fields and cannot undo moves of
rows between two parties in one step).
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from reservoir.core import events
from reservoir.core.errors import Conflict
from reservoir.parties.enums import PartyStatus
from reservoir.parties.events import PartyUpdated
from reservoir.parties.models import (
    ContactPoint,
    Party,
    PartyRole,
    PostalAddress,
    Profile,
    Relationship,
    Trait,
    TraitHistory,
)
from reservoir.parties.services import refresh_search_text

Row = dict[str, Any]
Snapshot = dict[str, list[Row]]

# Every table the parties app owns that holds a party's data, in restore order.
OWNED: tuple[tuple[str, type[models.Model]], ...] = (
    ("party", Party),
    ("role", PartyRole),
    ("contact_point", ContactPoint),
    ("address", PostalAddress),
    ("relationship", Relationship),
    ("profile", Profile),
    ("trait", Trait),
    ("trait_history", TraitHistory),
)
_ADDRESS_KEY = ("country", "region", "city", "district", "street", "postal_code")


def _owned_q(name: str, ids: list[int]) -> Q:
    if name == "party":
        return Q(pk__in=ids)
    if name == "relationship":
        return Q(from_party_id__in=ids) | Q(to_party_id__in=ids)
    return Q(party_id__in=ids)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def row_dict(obj: models.Model) -> Row:
    """Every concrete column of `obj` by attname, as JSON-safe values."""
    return {f.attname: _plain(getattr(obj, f.attname)) for f in obj._meta.concrete_fields}


def _typed(model: type[models.Model], row: Row) -> Row:
    fields = {f.attname: f for f in model._meta.concrete_fields}
    return {name: fields[name].to_python(value) for name, value in row.items() if name in fields}


def snapshot_rows(party_ids: list[int]) -> Snapshot:
    """Return every parties-owned row of `party_ids` (parties included) as plain dicts."""
    return {
        name: [
            row_dict(obj)
            for obj in model._default_manager.filter(_owned_q(name, party_ids)).order_by("pk")
        ]
        for name, model in OWNED
    }


@transaction.atomic
def absorb(survivor: Party, merged: Party, *, values: dict[str, Any]) -> dict[str, int]:
    """Move `merged`'s rows to `survivor`, set the survivor's `values`, mark `merged` merged.

    Contact points, roles, addresses, relationships identical to the survivor's are dropped
    (never a self-relation); the newer value of a trait wins and the trait history is kept;
    profile sections are merged (the survivor's keys win). Returns counts per row kind.
    Side effects: locks both parties; PartyUpdated for the survivor after commit. The caller
    audits (it knows why the merge happened).
    """
    list(Party.objects.select_for_update().filter(pk__in=[survivor.pk, merged.pk]))
    counts = {
        "roles": _move_roles(survivor, merged),
        "contact_points": _move_contact_points(survivor, merged),
        "addresses": _move_addresses(survivor, merged),
        "relationships": _move_relationships(survivor, merged),
        "profile": _merge_profile(survivor, merged),
        "traits": _merge_traits(survivor, merged),
        "trait_history": TraitHistory.objects.filter(party=merged).update(party=survivor),
    }
    latest = [t for t in (survivor.last_interaction_at, merged.last_interaction_at) if t]
    fields = {**values, "last_interaction_at": max(latest) if latest else None}
    if PartyStatus.ACTIVE in (survivor.status, merged.status):
        fields["status"] = PartyStatus.ACTIVE
    Party.objects.filter(pk=survivor.pk).update(**fields, updated_at=timezone.now())
    Party.objects.filter(pk=merged.pk).update(
        status=PartyStatus.MERGED, merged_into=survivor, updated_at=timezone.now()
    )
    survivor.refresh_from_db()
    merged.refresh_from_db()
    refresh_search_text(survivor)
    events.publish(PartyUpdated(party_id=survivor.pk, fields=("merged", *sorted(values))))
    return counts


def _move_roles(survivor: Party, merged: Party) -> int:
    have = set(PartyRole.objects.filter(party=survivor).values_list("role", flat=True))
    PartyRole.objects.filter(party=merged, role__in=have).delete()
    return PartyRole.objects.filter(party=merged).update(party=survivor)


def _move_contact_points(survivor: Party, merged: Party) -> int:
    mine = {(cp.kind, cp.value): cp for cp in ContactPoint.objects.filter(party=survivor)}
    primary_kinds = {kind for (kind, _v), cp in mine.items() if cp.is_primary}
    moved = 0
    for cp in ContactPoint.objects.filter(party=merged).order_by("pk"):
        same = mine.get((cp.kind, cp.value))
        if same is not None:
            if cp.verified and not same.verified:
                ContactPoint.objects.filter(pk=same.pk).update(verified=True)
            cp.delete()
            continue
        primary = cp.is_primary and cp.kind not in primary_kinds
        ContactPoint.objects.filter(pk=cp.pk).update(party=survivor, is_primary=primary)
        moved += 1
    return moved


def _move_addresses(survivor: Party, merged: Party) -> int:
    mine = {
        tuple(a) for a in PostalAddress.objects.filter(party=survivor).values_list(*_ADDRESS_KEY)
    }
    has_primary = PostalAddress.objects.filter(party=survivor, is_primary=True).exists()
    moved = 0
    for address in PostalAddress.objects.filter(party=merged).order_by("pk"):
        if tuple(getattr(address, f) for f in _ADDRESS_KEY) in mine:
            address.delete()
            continue
        PostalAddress.objects.filter(pk=address.pk).update(
            party=survivor, is_primary=address.is_primary and not has_primary
        )
        moved += 1
    return moved


def _move_relationships(survivor: Party, merged: Party) -> int:
    moved = 0
    for rel in Relationship.objects.filter(Q(from_party=merged) | Q(to_party=merged)):
        src = survivor.pk if rel.from_party_id == merged.pk else rel.from_party_id
        dst = survivor.pk if rel.to_party_id == merged.pk else rel.to_party_id
        duplicate = (
            Relationship.objects.filter(from_party_id=src, to_party_id=dst, kind=rel.kind)
            .exclude(pk=rel.pk)
            .exists()
        )
        if src == dst or duplicate:
            rel.delete()
            continue
        Relationship.objects.filter(pk=rel.pk).update(from_party_id=src, to_party_id=dst)
        moved += 1
    return moved


def _merge_profile(survivor: Party, merged: Party) -> int:
    theirs = Profile.objects.filter(party=merged).first()
    if theirs is None:
        return 0
    mine = Profile.objects.filter(party=survivor).first()
    if mine is None:
        return Profile.objects.filter(pk=theirs.pk).update(party=survivor)
    Profile.objects.filter(pk=mine.pk).update(
        demographics={**theirs.demographics, **mine.demographics},
        psychographics={**theirs.psychographics, **mine.psychographics},
        preferences={**theirs.preferences, **mine.preferences},
        needs=list(dict.fromkeys([*mine.needs, *theirs.needs])),
        updated_at=timezone.now(),
    )
    theirs.delete()
    return 1


def _merge_traits(survivor: Party, merged: Party) -> int:
    mine = {t.key: t for t in Trait.objects.filter(party=survivor)}
    moved = 0
    for trait in Trait.objects.filter(party=merged).order_by("pk"):
        current = mine.get(trait.key)
        if current is None:
            Trait.objects.filter(pk=trait.pk).update(party=survivor)
            moved += 1
            continue
        if trait.computed_at > current.computed_at:
            Trait.objects.filter(pk=current.pk).update(
                value=trait.value,
                source=trait.source,
                model_version=trait.model_version,
                computed_at=trait.computed_at,
            )
            moved += 1
        trait.delete()
    return moved


@transaction.atomic
def restore(snapshot: Snapshot, *, survivor_id: int, keep: Iterable[str] = ()) -> None:
    """Put every snapshotted row back exactly (same primary keys, values and stamps).

    Rows that still exist are updated, rows the merge deleted are re-inserted. The
    survivor's fields named in `keep` (edited after the merge) keep their current value.
    Rows added after the merge are left alone. Raises Conflict when a row added since then
    occupies a restored row's unique key. Side effects: PartyUpdated for both parties.
    """
    keep = set(keep)
    party_ids = [int(row["id"]) for row in snapshot.get("party", [])]
    before_cps = {
        (row["kind"], row["value"])
        for row in snapshot.get("contact_point", [])
        if row["party_id"] == survivor_id
    }
    try:
        with transaction.atomic():
            for name, model in OWNED:
                rows = sorted(
                    snapshot.get(name, []),
                    key=lambda r: r.get("party_id", r.get("from_party_id")) == survivor_id,
                )
                _restore_table(model, rows, survivor_id=survivor_id, keep=keep)
    except IntegrityError as exc:
        raise Conflict(
            _("A record added since the merge clashes with a record to restore: %(e)s") % {"e": exc}
        ) from exc
    survivor = Party.objects.get(pk=survivor_id)
    now_cps = set(ContactPoint.objects.filter(party=survivor).values_list("kind", "value"))
    if now_cps - before_cps:
        refresh_search_text(survivor)
    for pid in party_ids:
        events.publish(PartyUpdated(party_id=pid, fields=("unmerged",)))


def _restore_table(
    model: type[models.Model], rows: list[Row], *, survivor_id: int, keep: set[str]
) -> None:
    manager = model._default_manager
    existing = set(manager.filter(pk__in=[r["id"] for r in rows]).values_list("pk", flat=True))
    missing = [model(**_typed(model, r)) for r in rows if r["id"] not in existing]
    if missing:
        manager.bulk_create(missing)  # stamps are re-set below: bulk_create runs auto_now
    for row in rows:
        values = _typed(model, row)
        pk = values.pop("id")
        if model is Party and pk == survivor_id and keep:
            for name in keep:
                values.pop(name, None)
            values["updated_at"] = timezone.now()
        manager.filter(pk=pk).update(**values)
