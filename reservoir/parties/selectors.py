"""Reads for parties, all filtered by what the actor may see."""

from __future__ import annotations

import functools

from django.db.models import Count, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from reservoir.core.errors import NotFound
from reservoir.iam.enums import Scope
from reservoir.iam.models import User
from reservoir.iam.visibility import scope_for, visible_q, visible_team_ids
from reservoir.parties.enums import ContactKind, PartyStatus, RelationshipKind
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
from reservoir.parties.normalize import try_normalize_phone


def for_user(user: User, qs: QuerySet[Party] | None = None) -> QuerySet[Party]:
    """Return the parties `user` may see (merged parties are gone: see `get_merged_party`)."""
    return (
        (qs if qs is not None else Party.objects.all())
        .filter(visible_q(user))
        .exclude(status=PartyStatus.MERGED)
    )


def get_party(*, actor: User, party_id: int) -> Party:
    """Return one visible party or raise NotFound (invisible and missing look the same).

    A merged party raises NotFound too, with a message (code "party_merged") naming the
    survivor when the actor may see it.
    """
    party = for_user(actor).select_related("owner", "team").filter(pk=party_id).first()
    if party is None:
        merged = get_merged_party(actor=actor, party_id=party_id)
        if merged is not None:
            raise NotFound(
                _("Customer %(id)s was merged into customer %(survivor)s.")
                % {"id": party_id, "survivor": merged.survivor_id},  # type: ignore[attr-defined]
                code="party_merged",
            )
        raise NotFound(_("No customer with id %(id)s.") % {"id": party_id})
    return party


def survivor_id_of(party_id: int) -> int:
    """Follow a chain of merges from `party_id` to the party that absorbed it in the end.

    System-level (no visibility filter); returns `party_id` itself when it was never merged.
    One query per link of the chain, bounded so that a corrupt cycle cannot loop forever.
    """
    current = party_id
    for _step in range(50):
        nxt = Party.objects.filter(pk=current).values_list("merged_into_id", flat=True).first()
        if not nxt:
            return current
        current = nxt
    return current


def get_merged_party(*, actor: User, party_id: int) -> Party | None:
    """Return a merged party whose final survivor `actor` may see, else None.

    The returned party carries `survivor_id` (the end of its merge chain).
    """
    party = Party.objects.filter(pk=party_id, status=PartyStatus.MERGED).first()
    if party is None:
        return None
    survivor_id = survivor_id_of(party_id)
    if survivor_id == party_id or not for_user(actor).filter(pk=survivor_id).exists():
        return None
    party.survivor_id = survivor_id  # type: ignore[attr-defined]
    return party


def list_parties(
    *,
    actor: User,
    search: str = "",
    kind: str = "",
    role: str = "",
    owner_id: int | None = None,
    team_id: int | None = None,
    status: str = "",
) -> QuerySet[Party]:
    """Return visible parties matching the filters, newest contact first."""
    qs = for_user(actor).select_related("owner", "team")
    if search:
        qs = qs.filter(search_q(search))
    if kind:
        qs = qs.filter(kind=kind)
    if role:
        qs = qs.filter(roles__role=role)
    if owner_id:
        qs = qs.filter(owner_id=owner_id)
    if team_id:
        qs = qs.filter(team_id=team_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by(F("last_interaction_at").desc(nulls_last=True), "-id")


def search_q(text: str) -> Q:
    """Match a name, company, email or chat id fragment, or a phone typed in any format."""
    text = text.strip()
    phone = try_normalize_phone(text)
    if phone:
        ids = ContactPoint.objects.filter(kind=ContactKind.PHONE, value=phone).values("party_id")
        return Q(pk__in=ids)
    q = Q(search_text__contains=text.lower())
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) >= 4 and len(digits) == len(text.replace(" ", "").replace("-", "")):
        q |= Q(
            pk__in=ContactPoint.objects.filter(
                kind=ContactKind.PHONE, value__contains=digits
            ).values("party_id")
        )
    return q


def identify(kind: str, value: str) -> Party | None:
    """Return the party owning the normalized contact point, preferring active parties.

    System-level (no visibility filter): used by ingestion to attach a contact to its party.
    Raw SQL because this runs on every inbound contact and the ORM's query compilation costs
    ten times the indexed lookup itself.
    """
    rows = list(Party.objects.raw(_IDENTIFY_SQL(), [kind, value]))
    return rows[0] if rows else None


@functools.cache
def _IDENTIFY_SQL() -> str:  # noqa: N802 - a constant computed once the models are loaded
    party, cp = Party._meta.db_table, ContactPoint._meta.db_table
    return (
        f"SELECT p.* FROM {party} p JOIN {cp} c ON c.party_id = p.id "  # noqa: S608
        "WHERE c.kind = %s AND c.value = %s AND p.status <> 'merged' "
        "ORDER BY p.status, p.id LIMIT 1"
    )


def list_contact_points(party: Party) -> QuerySet[ContactPoint]:
    return party.contact_points.order_by("kind", "-is_primary", "id")


def list_relationships(party: Party, *, actor: User) -> list[tuple[str, Relationship, Party]]:
    """Return (direction, relationship, other party) for relationships whose other side is visible."""
    visible = for_user(actor)
    out = Relationship.objects.filter(from_party=party, to_party__in=visible).select_related(
        "to_party"
    )
    inc = Relationship.objects.filter(to_party=party, from_party__in=visible).select_related(
        "from_party"
    )
    rows = [("out", r, r.to_party) for r in out] + [("in", r, r.from_party) for r in inc]
    return sorted(rows, key=lambda row: (row[1].kind, row[2].display_name))


def list_people_of(org: Party, *, actor: User) -> QuerySet[Party]:
    """Return the visible persons employed by `org`."""
    ids = Relationship.objects.filter(to_party=org, kind=RelationshipKind.EMPLOYEE_OF).values(
        "from_party_id"
    )
    return for_user(actor).filter(pk__in=ids).order_by("display_name")


def list_traits(party: Party) -> QuerySet[Trait]:
    return party.traits.order_by("key")


def list_trait_history(party: Party, key: str, *, limit: int = 20) -> QuerySet[TraitHistory]:
    return TraitHistory.objects.filter(party=party, key=key).order_by("-computed_at")[:limit]


def with_list_details(qs: QuerySet[Party], *, actor: User) -> QuerySet[Party]:
    """Prefetch what a list row shows, in three queries whatever the page size.

    Adds `role_list` (roles), `contact_list` (phones and emails, primary first) and
    `employer_list` (employee-of relationships whose organization `actor` may see).
    """
    return qs.prefetch_related(
        Prefetch("roles", queryset=PartyRole.objects.order_by("role"), to_attr="role_list"),
        Prefetch(
            "contact_points",
            queryset=ContactPoint.objects.filter(
                kind__in=[ContactKind.PHONE, ContactKind.EMAIL]
            ).order_by("kind", "-is_primary", "id"),
            to_attr="contact_list",
        ),
        Prefetch(
            "relationships_out",
            queryset=Relationship.objects.filter(
                kind=RelationshipKind.EMPLOYEE_OF, to_party__in=for_user(actor)
            )
            .select_related("to_party")
            .order_by("-since", "id"),
            to_attr="employer_list",
        ),
    )


def with_people_count(qs: QuerySet[Party], *, actor: User) -> QuerySet[Party]:
    """Annotate organizations with `people_count`: the visible persons employed there."""
    people = (
        Relationship.objects.filter(
            to_party=OuterRef("pk"),
            kind=RelationshipKind.EMPLOYEE_OF,
            from_party__in=for_user(actor),
        )
        .order_by()
        .values("to_party")
        .annotate(n=Count("id"))
        .values("n")
    )
    return qs.annotate(people_count=Coalesce(Subquery(people), 0))


def get_profile(party: Party) -> Profile | None:
    """Return the party's profile, or None when nothing has been learned yet."""
    return Profile.objects.filter(party=party).first()


def list_addresses(party: Party) -> QuerySet[PostalAddress]:
    return party.addresses.order_by("-is_primary", "id")


def identify_visible(*, actor: User, kind: str, value: str) -> Party | None:
    """Return the visible party owning the normalized contact point, preferring active ones.

    One query over the (kind, value) index, joined to the party for visibility. Hand-written
    SQL like `identify` (the ORM's compilation costs several times the lookup): the WHERE
    clause is exactly `for_user`'s, i.e. `iam.visibility.visible_q` spelled out per scope
    (tests compare both for every scope).
    """
    scope = scope_for(actor)
    if not scope:
        return None
    sql = _IDENTIFY_SQL()
    params: list[object] = [kind, value]
    if scope != Scope.ALL:
        teams = sorted(visible_team_ids(actor))
        visible = "(p.owner_id IS NULL AND p.team_id IS NULL) OR p.owner_id = %s"
        params.append(actor.pk)
        if teams:
            visible += f" OR p.team_id IN ({', '.join(['%s'] * len(teams))})"
            params.extend(teams)
        sql = sql.replace(" ORDER BY ", f" AND ({visible}) ORDER BY ", 1)
    rows = list(Party.objects.raw(sql, params))
    return rows[0] if rows else None


def list_visible_relationships(
    party: Party, *, actor: User
) -> list[tuple[str, Relationship, Party]]:
    """Like `list_relationships`, in one query that joins the other side's visibility.

    The IN (visible parties) subquery of `list_relationships` walks every visible party of
    a team scope; joining keeps the Customer 360 within its latency budget.
    """
    rows = Relationship.objects.filter(
        (Q(from_party=party) & visible_q(actor, prefix="to_party__"))
        | (Q(to_party=party) & visible_q(actor, prefix="from_party__"))
    ).select_related("from_party", "to_party")
    out = [
        ("out", r, r.to_party) if r.from_party_id == party.pk else ("in", r, r.from_party)
        for r in rows
    ]
    return sorted(out, key=lambda row: (row[1].kind, row[2].display_name))


def get_party_360(*, actor: User, party_id: int) -> Party:
    """Return one visible party with its profile joined and its roles, contact points,
    addresses and traits prefetched (five queries), or raise NotFound."""
    party = (
        for_user(actor)
        .select_related("profile")
        .prefetch_related(
            Prefetch("roles", queryset=PartyRole.objects.order_by("role")),
            Prefetch(
                "contact_points",
                queryset=ContactPoint.objects.order_by("kind", "-is_primary", "id"),
            ),
            Prefetch("addresses", queryset=PostalAddress.objects.order_by("-is_primary", "id")),
            Prefetch("traits", queryset=Trait.objects.order_by("key")),
        )
        .filter(pk=party_id)
        .first()
    )
    if party is None:
        raise NotFound(_("No customer with id %(id)s.") % {"id": party_id})
    return party
