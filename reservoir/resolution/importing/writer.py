"""Writing import rows: new parties in bulk, existing parties through the parties services.

Why a bulk path: `parties.services.create_party` costs a dozen queries per party; a 100,000
row file would take an hour. New parties are inserted with one `bulk_create` (it returns
the ids) and their contact points, roles, addresses, employers, traits and row keys with
`core.bulk.insert_rows`, with one audit entry per party (`audit.record_many`) and the match
index refreshed for the chunk. Per-party PartyCreated events are not published: their
receivers (a matching task and a completeness rescoring per party) would cost more than the
import itself; the import matches the rows itself and rescores the chunk in one call.
Instead, the row loop (engine) publishes one `PartiesImported` per committed chunk with the
ids created, for the apps that react to new customers (automation) without that cost.
Updates of existing parties take the same bulk path (fill empty fields, add contact points,
address, roles), with one audit entry per changed party.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from reservoir.audit import services as audit
from reservoir.core.bulk import db_now, insert_rows
from reservoir.iam.models import User
from reservoir.parties.enums import (
    AddressFormat,
    PartyKind,
    PartyRoleKind,
    PartyStatus,
    RelationshipKind,
    TraitSource,
)
from reservoir.parties.models import (
    ContactPoint,
    Party,
    PartyRole,
    PostalAddress,
    Relationship,
    Trait,
    TraitHistory,
)
from reservoir.parties.services import compose_display_name
from reservoir.resolution.importing.rows import ImportRow
from reservoir.resolution.models import ImportJob, ImportRowKey

_CJK_COUNTRIES = {"CN", "TW", "HK", "MO"}


def _name_order(row: ImportRow) -> str:
    return (
        "eastern"
        if any("\u3400" <= c <= "\u9fff" for c in row.family_name + row.given_name)
        else "western"
    )


def _display(row: ImportRow) -> str:
    if row.display_name:
        return row.display_name[:200]
    return compose_display_name(row.family_name, row.given_name, _name_order(row))[:200]


class OrganizationCache:
    """Company name → organization id, shared by the chunks of one job."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def resolve(self, names: set[str], *, owner_team: dict[int | None, int | None],
                owner_id: int | None, source: str, by: User | None) -> None:  # fmt: skip
        missing = sorted(n for n in names if n and n not in self.ids)
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            found = (
                Party.objects.filter(
                    kind=PartyKind.ORGANIZATION,
                    display_name__in=chunk,
                    status__in=(PartyStatus.ACTIVE, PartyStatus.PROVISIONAL),
                )
                .order_by("-pk")
                .values_list("display_name", "pk")
            )
            self.ids.update(found)
        new = [n for n in missing if n not in self.ids]
        if not new:
            return
        orgs = Party.objects.bulk_create(
            [
                Party(
                    kind=PartyKind.ORGANIZATION,
                    display_name=name[:200],
                    name_order="western",
                    source=source,
                    owner_id=owner_id,
                    team_id=owner_team.get(owner_id),
                    search_text=name.lower(),
                )
                for name in new
            ],
            batch_size=500,
        )
        insert_rows(PartyRole, ("party", "role"), [(o.pk, PartyRoleKind.PROSPECT) for o in orgs])
        audit.record_many(by, "parties.party.created", orgs)
        self.ids.update((o.display_name, o.pk) for o in orgs)


def create_parties(
    rows: Sequence[tuple[ImportRow, int | None]],
    *,
    job: ImportJob,
    by: User | None,
    orgs: OrganizationCache,
    teams: dict[int | None, int | None],
) -> dict[int, int]:
    """Create one party per (row, owner id); return {row line: party id}.

    Side effects: inserts parties, organizations for unknown companies, contact points,
    roles, addresses, employee-of relationships, traits (notes, tags), row keys, one audit
    entry per party, and the match-index keys. Runs in the caller's transaction.
    """
    if not rows:
        return {}
    source = job.source_tag
    companies = {r.company for r, _o in rows if r.kind == PartyKind.PERSON and r.company}
    orgs.resolve(companies, owner_team=teams, owner_id=rows[0][1], source=source, by=by)
    parties = [
        Party(
            kind=row.kind,
            display_name=_display(row),
            family_name=row.family_name[:100],
            given_name=row.given_name[:100],
            name_order=_name_order(row),
            birth_date=row.birth_date,
            gender=row.gender,
            language=row.language,
            website=row.website[:200],
            industry=row.industry[:100],
            source=source,
            owner_id=owner,
            team_id=teams.get(owner),
            search_text=_search_text(row),
        )
        for row, owner in rows
    ]
    Party.objects.bulk_create(parties, batch_size=500)
    now = db_now()
    ids = [p.pk for p in parties]
    _write_related(rows, ids, orgs, now)
    insert_rows(
        ImportRowKey,
        ("key", "party", "job", "created_at"),
        [(row.key, pid, job.pk, now) for (row, _o), pid in zip(rows, ids, strict=True)],
    )
    audit.record_many(by, "parties.party.created", parties)
    _after_create(ids)
    return {row.line: pid for (row, _o), pid in zip(rows, ids, strict=True)}


def _search_text(row: ImportRow) -> str:
    parts = [row.display_name, row.family_name, row.given_name, *row.emails]
    parts += [p for p, _label in row.phones] + [v for _k, v in row.chats] + [row.company]
    return " ".join(p for p in parts if p).lower()


def _write_related(
    rows: Sequence[tuple[ImportRow, int | None]], ids: list[int], orgs: OrganizationCache, now: Any
) -> None:
    points, roles, addresses, rels, traits = [], [], [], [], []
    for (row, _owner), pid in zip(rows, ids, strict=True):
        seen_kinds: set[str] = set()
        for kind, value in row.identifiers:
            label = next((lb for p, lb in row.phones if p == value), "") if kind == "phone" else ""
            points.append((pid, kind, value, value, label, kind not in seen_kinds, False, now, now))
            seen_kinds.add(kind)
        for role in row.roles or (PartyRoleKind.PROSPECT,):
            roles.append((pid, role))
        if row.address:
            street, district, city, region, code, country = row.address
            fmt = AddressFormat.CHINESE if country in _CJK_COUNTRIES else AddressFormat.WESTERN
            addresses.append(
                (pid, "", fmt, country, region, city, district, street, code, True, now, now)
            )
        if row.kind == PartyKind.PERSON and row.company in orgs.ids:
            rels.append(
                (pid, orgs.ids[row.company], RelationshipKind.EMPLOYEE_OF, row.title, now, now)
            )
        if row.notes:
            traits.append((pid, "notes", json.dumps(row.notes, ensure_ascii=False)))
        if row.tags:
            traits.append((pid, "tags", json.dumps(list(row.tags), ensure_ascii=False)))
    insert_rows(
        ContactPoint,
        ("party", "kind", "value", "raw", "label", "is_primary", "verified", "created_at", "updated_at"),
        points,
    )  # fmt: skip
    insert_rows(PartyRole, ("party", "role"), roles)
    insert_rows(
        PostalAddress,
        ("party", "label", "format", "country", "region", "city", "district", "street",
         "postal_code", "is_primary", "created_at", "updated_at"),
        addresses,
    )  # fmt: skip
    insert_rows(
        Relationship, ("from_party", "to_party", "kind", "title", "created_at", "updated_at"), rels
    )
    if traits:
        fields = ("party", "key", "value", "source", "model_version", "computed_at")
        values = [(pid, key, value, TraitSource.IMPORT, "", now) for pid, key, value in traits]
        insert_rows(Trait, fields, values)
        insert_rows(TraitHistory, fields, values)


def _after_create(ids: list[int]) -> None:
    """Index the new parties for matching and score their completeness, in bulk."""
    from reservoir.resolution import matchindex

    if not ids:
        return

    matchindex.refresh_match_keys(ids)
    try:
        from reservoir.resolution.completeness.services import recompute
    except ImportError:  # pragma: no cover - completeness ships with the resolution app
        return
    if getattr(settings, "IMPORT_SCORE_COMPLETENESS", True):
        recompute(trigger="import", party_ids=ids)


_FILLABLE = ("birth_date", "gender", "language", "website", "industry")


def update_parties(pairs: Sequence[tuple[ImportRow, Party]], *, by: User | None) -> set[int]:
    """Fill each party's empty fields from its row and add the row's new contact points,
    address and roles; return the ids of the parties that changed.

    Bulk, like `create_parties`: five reads and a few bulk writes per chunk, one audit
    entry per changed party (with the field diff and what was added), then the match index
    and completeness refreshed for the changed parties. Never overwrites a filled field.
    """
    if not pairs:
        return set()
    ids = [party.pk for _row, party in pairs]
    have = set(
        ContactPoint.objects.filter(party_id__in=ids).values_list("party_id", "kind", "value")
    )
    kinds = {(pid, kind) for pid, kind, _v in have}
    places = set(
        PostalAddress.objects.filter(party_id__in=ids).values_list(
            "party_id", "street", "city", "region"
        )
    )
    roles = set(PartyRole.objects.filter(party_id__in=ids).values_list("party_id", "role"))
    now = db_now()
    points, addresses, new_roles, changed_parties, notes = [], [], [], [], []
    for row, party in pairs:
        pid, added = party.pk, []
        fields = {
            n: getattr(row, n) for n in _FILLABLE if getattr(row, n) and not getattr(party, n)
        }
        for kind, value in row.identifiers:
            if (pid, kind, value) not in have:
                have.add((pid, kind, value))
                points.append(
                    (pid, kind, value, value, "", (pid, kind) not in kinds, False, now, now)
                )
                kinds.add((pid, kind))
                added.append(f"{kind}:{value}")
        if row.address and (pid, row.address[0], row.address[2], row.address[3]) not in places:
            street, district, city, region, code, country = row.address
            places.add((pid, street, city, region))
            fmt = AddressFormat.CHINESE if country in _CJK_COUNTRIES else AddressFormat.WESTERN
            addresses.append(
                (pid, "", fmt, country, region, city, district, street, code, False, now, now)
            )
            added.append("address")
        for role in row.roles:
            if (pid, role) not in roles:
                roles.add((pid, role))
                new_roles.append((pid, role))
                added.append(f"role:{role}")
        if not fields and not added:
            continue
        before = audit.snapshot(party, list(fields))
        for name, value in fields.items():
            setattr(party, name, value)
        changes = audit.diff(before, audit.snapshot(party, list(fields)))
        party.updated_at = timezone.now()
        extra = " ".join(
            a.partition(":")[2] for a in added if ":" in a and not a.startswith("role:")
        )
        party.search_text = f"{party.search_text} {extra.lower()}".strip()
        changed_parties.append(party)
        notes.append((party, changes, added))
    insert_rows(
        ContactPoint,
        ("party", "kind", "value", "raw", "label", "is_primary", "verified", "created_at", "updated_at"),
        points,
    )  # fmt: skip
    insert_rows(
        PostalAddress,
        ("party", "label", "format", "country", "region", "city", "district", "street",
         "postal_code", "is_primary", "created_at", "updated_at"),
        addresses,
    )  # fmt: skip
    insert_rows(PartyRole, ("party", "role"), new_roles)
    Party.objects.bulk_update(
        changed_parties, [*_FILLABLE, "search_text", "updated_at"], batch_size=500
    )
    for party, changes, added in notes:
        audit.record(
            by, "parties.party.updated", party, changes, data={"added": added, "via": "import"}
        )
    changed = [p.pk for p in changed_parties]
    _after_create(changed)
    return set(changed)


def remember_rows(pairs: Sequence[tuple[ImportRow, int]], *, job: ImportJob) -> None:
    """Record the row keys of rows that matched an existing party, so that importing the
    same rows again is recognised at once. Side effects: inserts ImportRowKey rows."""
    if pairs:
        now = db_now()
        fields = ("key", "party", "job", "created_at")
        insert_rows(ImportRowKey, fields, [(row.key, pid, job.pk, now) for row, pid in pairs])


def skip_message(party_id: int) -> str:
    return _("Customer #%(id)s exists but belongs to another team; it was left unchanged.") % {
        "id": party_id
    }
