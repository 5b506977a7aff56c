"""Writes for parties, contact points, addresses, relationships, profiles and traits.

Every write is audited in the caller's transaction and publishes its event after commit.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from reservoir.audit import services as audit
from reservoir.core import events
from reservoir.core.bulk import db_datetime, insert_rows
from reservoir.core.errors import InvalidInput
from reservoir.iam.models import User
from reservoir.parties.enums import (
    AddressFormat,
    PartyKind,
    PartyRoleKind,
    PartyStatus,
    RelationshipKind,
    TraitSource,
)
from reservoir.parties.events import PartyCreated, PartyUpdated, TraitChanged
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
from reservoir.parties.normalize import normalize

PARTY_FIELDS = (
    "kind",
    "status",
    "display_name",
    "family_name",
    "given_name",
    "name_order",
    "legal_name",
    "industry",
    "website",
    "birth_date",
    "gender",
    "language",
    "source",
    "owner_id",
    "team_id",
)


def compose_display_name(family: str, given: str, order: str) -> str:
    """Join a person's names in their own order ("张伟" vs "Alice Smith")."""
    if order == "eastern":
        sep = "" if _is_cjk(family + given) else " "
        return f"{family}{sep}{given}".strip()
    return f"{given} {family}".strip()


def _is_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" for ch in text)


def refresh_search_text(party: Party) -> None:
    """Recompute the denormalized text that global search matches (name, contacts, employer)."""
    parts = [party.display_name, party.legal_name, party.family_name, party.given_name]
    parts += list(party.contact_points.values_list("value", flat=True))
    parts += list(
        Relationship.objects.filter(
            from_party=party, kind=RelationshipKind.EMPLOYEE_OF
        ).values_list("to_party__display_name", flat=True)
    )
    party.search_text = " ".join(p for p in parts if p).lower()
    Party.objects.filter(pk=party.pk).update(search_text=party.search_text)


def _validate_party(party: Party) -> None:
    if party.kind not in PartyKind.values:
        raise InvalidInput(_("Kind must be person or organization."), field="kind")
    if party.status not in PartyStatus.values:
        raise InvalidInput(_("Unknown status."), field="status")
    if not party.display_name.strip():
        raise InvalidInput(_("A name is required."), field="display_name")
    if len(party.display_name) > 200:
        raise InvalidInput(
            _("The name is too long (200 characters at most)."), field="display_name"
        )


@transaction.atomic
def create_party(
    *,
    by: User | None,
    kind: str,
    display_name: str = "",
    family_name: str = "",
    given_name: str = "",
    name_order: str = "",
    roles: list[str] | None = None,
    contact_points: list[tuple[str, str]] | None = None,
    owner: User | None = None,
    status: str = PartyStatus.ACTIVE,
    **fields: Any,
) -> Party:
    """Create a party with its roles and contact points.

    Side effects: audit entry; PartyCreated after commit. The owner's team becomes the
    party's team unless one is given.
    """
    if not name_order:
        name_order = "eastern" if _is_cjk(family_name + given_name) else "western"
    if kind == PartyKind.PERSON and not display_name:
        display_name = compose_display_name(family_name, given_name, name_order)
    party = Party(
        kind=kind,
        display_name=display_name.strip(),
        family_name=family_name.strip(),
        given_name=given_name.strip(),
        name_order=name_order,
        owner=owner,
        status=status,
        **fields,
    )
    if owner is not None and "team" not in fields and "team_id" not in fields:
        party.team_id = owner.team_id
    _validate_party(party)
    party.save()
    set_roles(party, roles or [], by=by, audited=False)
    for kind_, raw in contact_points or []:
        add_contact_point(party, kind=kind_, raw=raw, by=by, audited=False)
    refresh_search_text(party)
    audit.record(by, "parties.party.created", party, data={"roles": roles or []})
    events.publish(PartyCreated(party_id=party.pk, provisional=status == PartyStatus.PROVISIONAL))
    return party


@transaction.atomic
def update_party(party: Party, *, by: User | None, **fields: Any) -> Party:
    """Update a party's own fields. Side effects: audit entry with the diff; PartyUpdated."""
    unknown = set(fields) - set(PARTY_FIELDS) - {"owner", "team"}
    if unknown:
        raise InvalidInput(_("Unknown field: %(f)s") % {"f": ", ".join(sorted(unknown))})
    before = audit.snapshot(party, PARTY_FIELDS)
    for name, value in fields.items():
        setattr(party, name, value.strip() if isinstance(value, str) else value)
    names_changed = {"family_name", "given_name"} & fields.keys()
    if party.kind == PartyKind.PERSON and names_changed and "display_name" not in fields:
        party.display_name = compose_display_name(
            party.family_name, party.given_name, party.name_order
        )
    if "owner" in fields and "team" not in fields and party.owner is not None:
        party.team_id = party.owner.team_id
    _validate_party(party)
    party.save()
    changes = audit.diff(before, audit.snapshot(party, PARTY_FIELDS))
    if changes:
        refresh_search_text(party)
        audit.record(by, "parties.party.updated", party, changes)
        events.publish(PartyUpdated(party_id=party.pk, fields=tuple(changes)))
    return party


def set_roles(party: Party, roles: list[str], *, by: User | None, audited: bool = True) -> None:
    """Replace the party's roles. Side effects: audit entry when `audited`."""
    bad = [r for r in roles if r not in PartyRoleKind.values]
    if bad:
        raise InvalidInput(_("Unknown role: %(r)s") % {"r": ", ".join(bad)}, field="roles")
    before = sorted(party.roles.values_list("role", flat=True)) if party.pk else []
    PartyRole.objects.filter(party=party).exclude(role__in=roles).delete()
    existing = set(before)
    PartyRole.objects.bulk_create([PartyRole(party=party, role=r) for r in set(roles) - existing])
    if audited and before != sorted(set(roles)):
        audit.record(
            by, "parties.party.roles_changed", party, {"roles": [before, sorted(set(roles))]}
        )


@transaction.atomic
def add_contact_point(
    party: Party,
    *,
    kind: str,
    raw: str,
    by: User | None,
    label: str = "",
    is_primary: bool = False,
    audited: bool = True,
) -> ContactPoint:
    """Add a normalized contact point (idempotent for the same normalized value).

    Side effects: audit entry; refreshes the party's search text; PartyUpdated after commit
    (fields=("contact_points",)) when a point was added.
    """
    value = normalize(kind, raw)
    cp, created = ContactPoint.objects.get_or_create(
        party=party,
        kind=kind,
        value=value,
        defaults={"raw": raw.strip()[:255], "label": label, "is_primary": is_primary},
    )
    if (
        created
        and not is_primary
        and not ContactPoint.objects.filter(party=party, kind=kind, is_primary=True)
        .exclude(pk=cp.pk)
        .exists()
    ):
        cp.is_primary = True
        cp.save(update_fields=["is_primary"])
    if created and audited:
        refresh_search_text(party)
        audit.record(by, "parties.contact_point.added", party, data={"kind": kind, "value": value})
    if created:
        events.publish(PartyUpdated(party_id=party.pk, fields=("contact_points",)))
    return cp


@transaction.atomic
def remove_contact_point(cp: ContactPoint, *, by: User | None) -> None:
    """Delete a contact point. Side effects: audit entry on the party; PartyUpdated."""
    party = cp.party
    data = {"kind": cp.kind, "value": cp.value}
    cp.delete()
    refresh_search_text(party)
    audit.record(by, "parties.contact_point.removed", party, data=data)
    events.publish(PartyUpdated(party_id=party.pk, fields=("contact_points",)))


@transaction.atomic
def add_address(party: Party, *, by: User | None, **fields: Any) -> PostalAddress:
    """Add a postal address. Side effects: audit entry; PartyUpdated(fields=("addresses",))."""
    fmt = fields.get("format") or (
        AddressFormat.CHINESE
        if fields.get("country", "CN") in {"CN", "TW", "HK", "MO"}
        else AddressFormat.WESTERN
    )
    fields["format"] = fmt
    if fmt not in AddressFormat.values:
        raise InvalidInput(_("Unknown address format."), field="format")
    address = PostalAddress.objects.create(party=party, **fields)
    audit.record(by, "parties.address.added", party, data={"address": address.one_line()})
    events.publish(PartyUpdated(party_id=party.pk, fields=("addresses",)))
    return address


@transaction.atomic
def relate(
    from_party: Party,
    to_party: Party,
    *,
    kind: str,
    by: User | None,
    title: str = "",
    since: dt.date | None = None,
) -> Relationship:
    """Relate two parties (idempotent per kind).

    Side effects: audit entry; PartyUpdated(fields=("relationships",)) for both parties.
    """
    if kind not in RelationshipKind.values:
        raise InvalidInput(_("Unknown relationship kind."), field="kind")
    if from_party.pk == to_party.pk:
        raise InvalidInput(_("A party cannot be related to itself."), field="to_party")
    rel, created = Relationship.objects.get_or_create(
        from_party=from_party,
        to_party=to_party,
        kind=kind,
        defaults={"title": title, "since": since},
    )
    if created:
        if kind == RelationshipKind.EMPLOYEE_OF:
            refresh_search_text(from_party)
        audit.record(
            by, "parties.relationship.added", from_party, data={"kind": kind, "to": to_party.pk}
        )
        for pk in (from_party.pk, to_party.pk):
            events.publish(PartyUpdated(party_id=pk, fields=("relationships",)))
    return rel


@transaction.atomic
def update_profile(party: Party, *, by: User | None, **sections: Any) -> Profile:
    """Merge new facts into the party's profile sections.

    Side effects: audit entry; PartyUpdated(fields=("profile",)) when something changed.
    """
    profile, _created = Profile.objects.get_or_create(party=party)
    before = audit.snapshot(profile, ("demographics", "psychographics", "needs", "preferences"))
    for name in ("demographics", "psychographics", "preferences"):
        if name in sections:
            setattr(profile, name, {**getattr(profile, name), **sections[name]})
    if "needs" in sections:
        profile.needs = list(dict.fromkeys([*profile.needs, *sections["needs"]]))
    profile.save()
    after = audit.snapshot(profile, ("demographics", "psychographics", "needs", "preferences"))
    audit.record(by, "parties.profile.updated", party, audit.diff(before, after))
    if before != after:
        events.publish(PartyUpdated(party_id=party.pk, fields=("profile",)))
    return profile


@transaction.atomic
def set_trait(
    party: Party,
    *,
    key: str,
    value: Any,
    source: str = TraitSource.MANUAL,
    by: User | None,
    model_version: str = "",
    computed_at: dt.datetime | None = None,
) -> Trait:
    """Set the current value of a trait and append it to the trait history.

    Side effects: audit entry; TraitChanged after commit when the value changed.
    """
    key = key.strip()
    if not key or len(key) > 100:
        raise InvalidInput(_("A trait key is required (100 characters at most)."), field="key")
    if source not in TraitSource.values:
        raise InvalidInput(_("Unknown trait source."), field="source")
    now = computed_at or timezone.now()
    trait = Trait.objects.filter(party=party, key=key).first()
    old = trait.value if trait else None
    if trait is None:
        try:
            with transaction.atomic():
                trait = Trait.objects.create(
                    party=party,
                    key=key,
                    value=value,
                    source=source,
                    model_version=model_version,
                    computed_at=now,
                )
        except IntegrityError:
            trait = Trait.objects.get(party=party, key=key)
    trait.value, trait.source, trait.model_version, trait.computed_at = (
        value,
        source,
        model_version,
        now,
    )
    trait.save()
    TraitHistory.objects.create(
        party=party,
        key=key,
        value=value,
        source=source,
        model_version=model_version,
        computed_at=now,
    )
    if old != value:
        audit.record(by, "parties.trait.changed", party, {f"trait:{key}": [old, value]})
        events.publish(TraitChanged(party_id=party.pk, key=key))
    return trait


TRAIT_BATCH = 900  # party ids per read: stays under SQLite's host-parameter limit


def set_traits_bulk(
    rows: Sequence[tuple[int, str, Any, str]],
    *,
    by: User | None,
    source: str = TraitSource.COMPUTED,
    computed_at: dt.datetime | None = None,
    publish: bool = True,
) -> int:
    """Set many traits at once from (party id, key, value, model version) rows; return the
    number of rows written.

    A row whose value and model version equal the stored ones is skipped. The rest are
    upserted in one statement per batch; a history row is appended for each changed value
    (as `set_trait` does; a new model version with the same value refreshes the current row
    only). Callers pass existing parties' ids.

    Side effects, in one transaction: Trait upserts; TraitHistory inserts; one batch audit
    entry; with `publish`, one TraitChanged per changed (party, key) after commit (callers
    rescoring the whole base pass `publish=False`: hundreds of thousands of events would
    flood automations and live pushes).
    """
    if source not in TraitSource.values:
        raise InvalidInput(_("Unknown trait source."), field="source")
    if any(not key or len(key) > 100 for _p, key, _v, _m in rows):
        raise InvalidInput(_("A trait key is required (100 characters at most)."), field="key")
    if not rows:
        return 0
    latest = {(party_id, key): (value, version) for party_id, key, value, version in rows}
    stored = _stored_traits({p for p, _k in latest}, {k for _p, k in latest})
    pending = [(p, k, v, m) for (p, k), (v, m) in latest.items() if stored.get((p, k)) != (v, m)]
    if not pending:
        return 0
    changed = [(p, k) for p, k, v, _m in pending if (p, k) not in stored or stored[p, k][0] != v]
    at = db_datetime(computed_at or timezone.now())
    with transaction.atomic():
        _upsert_traits([(p, k, _db_json(v), source, m, at) for p, k, v, m in pending])
        changed_set = set(changed)
        insert_rows(
            TraitHistory,
            ("party", "key", "value", "source", "model_version", "computed_at"),
            [(p, k, _db_json(v), source, m, at) for p, k, v, m in pending if (p, k) in changed_set],
        )
        audit.record_batch(
            by,
            "parties.traits.set",
            Trait,
            {
                "keys": sorted({k for _p, k, _v, _m in pending}),
                "written": len(pending),
                "changed": len(changed),
            },
        )
        if publish:
            for party_id, key in changed:
                events.publish(TraitChanged(party_id=party_id, key=key))
    return len(pending)


def _stored_traits(party_ids: set[int], keys: set[str]) -> dict[tuple[int, str], tuple[Any, str]]:
    """{(party id, key): (value, model version)} of the stored traits among `keys`."""
    out: dict[tuple[int, str], tuple[Any, str]] = {}
    ids = sorted(party_ids)
    for start in range(0, len(ids), TRAIT_BATCH):
        found = Trait.objects.filter(
            party_id__in=ids[start : start + TRAIT_BATCH], key__in=sorted(keys)
        ).values_list("party_id", "key", "value", "model_version")
        for party_id, key, value, version in found:
            out[party_id, key] = (value, version)
    return out


def _upsert_traits(rows: list[tuple[Any, ...]]) -> None:
    """INSERT … ON CONFLICT (party, key) DO UPDATE for rows already in database form."""
    names = ("party", "key", "value", "source", "model_version", "computed_at")
    quote = connection.ops.quote_name
    cols = [quote(str(getattr(Trait._meta.get_field(n), "column", n))) for n in names]
    updates = ", ".join(f"{c} = excluded.{c}" for c in cols[2:])
    sql = (
        f"INSERT INTO {quote(Trait._meta.db_table)} ({', '.join(cols)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(cols))}) "
        f"ON CONFLICT ({cols[0]}, {cols[1]}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


def _db_json(value: Any) -> Any:
    """A JSON value in the form the database driver takes."""
    if connection.vendor == "sqlite":
        return json.dumps(value, ensure_ascii=False)
    return Trait._meta.get_field("value").get_db_prep_value(value, connection)  # type: ignore[union-attr]


def note_last_interaction(party_id: int, when: dt.datetime) -> None:
    """Move the party's last contact time forward to `when`, never back (one UPDATE)."""
    Party.objects.filter(pk=party_id).filter(
        Q(last_interaction_at__isnull=True) | Q(last_interaction_at__lt=when)
    ).update(last_interaction_at=when)
