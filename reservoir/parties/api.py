"""API: parties, their contact points and traits, and identification by a contact point.

Every read goes through the visibility-filtered selectors: a party the actor may not see
answers 404, exactly like a missing one. The 360 view composes apps above this one and
lives in `reservoir.sales.api`.
"""

from typing import Annotated, Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Path, Query, Router

from reservoir.core.api import Id, IdempotencyKey, Page, PageQuery, idempotent, paginate
from reservoir.core.errors import InvalidInput, NotFound
from reservoir.iam.models import Team, User
from reservoir.parties import selectors, services
from reservoir.parties.enums import ContactKind
from reservoir.parties.models import Party
from reservoir.parties.normalize import normalize
from reservoir.parties.schemas import (
    TRAIT_KEY_PATTERN,
    ContactPointIn,
    ContactPointOut,
    IdentifyQuery,
    PartyDetail,
    PartyFilters,
    PartyIn,
    PartyOut,
    PartyPatch,
    PartySummary,
    TraitIn,
    TraitOut,
)

router = Router()
TraitKey = Annotated[str, Path(pattern=TRAIT_KEY_PATTERN, description="e.g. rfm_cell")]
_NOT_NULL = {"display_name", "status", "name_order"}


def _party(request: HttpRequest, party_id: int) -> Party:
    return selectors.get_party(actor=request.auth, party_id=party_id)  # type: ignore[attr-defined]


def _user(user_id: int, field: str) -> User:
    user = User.objects.filter(pk=user_id, is_active=True).select_related("team").first()
    if user is None:
        raise InvalidInput(_("No active user with id %(id)s.") % {"id": user_id}, field=field)
    return user


def _team(team_id: int, field: str) -> Team:
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise InvalidInput(_("No team with id %(id)s.") % {"id": team_id}, field=field)
    return team


def _normalized(kind: str, raw: str, field: str) -> str:
    try:
        return normalize(kind, raw)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, field=field) from exc


@router.get("/parties", response=Page[PartyOut], summary="Search parties")
def list_parties(request: HttpRequest, filters: Query[PartyFilters]) -> dict[str, Any]:
    qs = selectors.list_parties(
        actor=request.auth,  # type: ignore[attr-defined]
        search=filters.q,
        kind=filters.kind or "",
        role=filters.role or "",
        owner_id=filters.owner,
        team_id=filters.team,
        status=filters.status or "",
    ).prefetch_related("roles")
    order = ("-last_interaction_at", "-id")
    return paginate(qs, order, cursor=filters.cursor, limit=filters.limit)


@router.post("/parties", response={201: PartyDetail}, summary="Create a person or organization")
@idempotent("parties.create")
def create_party(
    request: HttpRequest, payload: PartyIn, idempotency_key: IdempotencyKey = None
) -> tuple[int, PartyDetail]:
    actor = request.auth  # type: ignore[attr-defined]
    for i, cp in enumerate(payload.contact_points):
        _normalized(cp.kind, cp.value, f"contact_points[{i}].value")
    owner = actor
    if "owner_id" in payload.model_fields_set:
        owner = _user(payload.owner_id, "owner_id") if payload.owner_id else None
    fields = payload.model_dump(
        exclude={"kind", "roles", "contact_points", "owner_id", "team_id", "name_order"}
    )
    if payload.team_id is not None:
        fields["team"] = _team(payload.team_id, "team_id")
    party = services.create_party(
        by=actor,
        kind=payload.kind,
        name_order=payload.name_order or "",
        roles=list(payload.roles),
        owner=owner,
        **fields,
    )
    for cp in payload.contact_points:
        services.add_contact_point(
            party, kind=cp.kind, raw=cp.value, label=cp.label, is_primary=cp.is_primary, by=actor
        )
    return 201, PartyDetail.from_orm(party)


@router.get("/parties/{party_id}", response=PartyDetail, summary="One party")
def get_party(request: HttpRequest, party_id: Id) -> Party:
    """A merged party answers 200 with its own record: status "merged" and `merged_into`
    set to the survivor's id (the end of the merge chain), so a client holding an old id
    learns where the customer went. Writes to a merged party answer 404 naming the survivor.
    """
    actor = request.auth  # type: ignore[attr-defined]
    merged = selectors.get_merged_party(actor=actor, party_id=party_id)
    return merged if merged is not None else _party(request, party_id)


@router.patch("/parties/{party_id}", response=PartyDetail, summary="Update a party")
@transaction.atomic
def update_party(request: HttpRequest, party_id: Id, payload: PartyPatch) -> Party:
    actor = request.auth  # type: ignore[attr-defined]
    party = _party(request, party_id)
    data = payload.model_dump(exclude_unset=True)
    roles = data.pop("roles", None)
    fields: dict[str, Any] = {}
    for name, value in data.items():
        if name == "owner_id":
            fields["owner"] = _user(value, name) if value else None
        elif name == "team_id":
            fields["team"] = _team(value, name) if value else None
        elif value is None and name in _NOT_NULL:
            raise InvalidInput(_("This field cannot be null."), field=name)
        elif value is None and name != "birth_date":
            fields[name] = ""
        else:
            fields[name] = value
    if fields:
        services.update_party(party, by=actor, **fields)
    if roles is not None:
        services.set_roles(party, roles, by=actor)
    return party  # maybe no longer visible (handed to another team): answer anyway


@router.get(
    "/parties/{party_id}/contact-points",
    response=Page[ContactPointOut],
    summary="A party's contact points",
)
def list_contact_points(
    request: HttpRequest, party_id: Id, page: Query[PageQuery]
) -> dict[str, Any]:
    qs = selectors.list_contact_points(_party(request, party_id))
    order = ("kind", "-is_primary", "id")
    return paginate(qs, order, cursor=page.cursor, limit=page.limit)


@router.post(
    "/parties/{party_id}/contact-points",
    response={201: ContactPointOut, 200: ContactPointOut},
    summary="Add a contact point (200 when it exists)",
)
@transaction.atomic
def add_contact_point(
    request: HttpRequest, party_id: Id, payload: ContactPointIn
) -> tuple[int, Any]:
    party = _party(request, party_id)
    value = _normalized(payload.kind, payload.value, "value")
    existed = selectors.list_contact_points(party).filter(kind=payload.kind, value=value).exists()
    cp = services.add_contact_point(
        party,
        kind=payload.kind,
        raw=payload.value,
        label=payload.label,
        is_primary=payload.is_primary,
        by=request.auth,  # type: ignore[attr-defined]
    )
    return (200 if existed else 201), cp


@router.delete(
    "/parties/{party_id}/contact-points/{cp_id}",
    response={204: None},
    summary="Remove a contact point",
)
@transaction.atomic
def remove_contact_point(request: HttpRequest, party_id: Id, cp_id: Id) -> HttpResponse:
    party = _party(request, party_id)
    cp = selectors.list_contact_points(party).filter(pk=cp_id).first()
    if cp is None:
        raise NotFound(_("No contact point with id %(id)s.") % {"id": cp_id})
    services.remove_contact_point(cp, by=request.auth)  # type: ignore[attr-defined]
    return HttpResponse(status=204)


@router.get("/parties/{party_id}/traits", response=Page[TraitOut], summary="A party's traits")
def list_traits(request: HttpRequest, party_id: Id, page: Query[PageQuery]) -> dict[str, Any]:
    qs = selectors.list_traits(_party(request, party_id))
    return paginate(qs, ("key", "id"), cursor=page.cursor, limit=page.limit)


@router.put("/parties/{party_id}/traits/{key}", response=TraitOut, summary="Set a trait")
def set_trait(request: HttpRequest, party_id: Id, key: TraitKey, payload: TraitIn) -> Any:
    return services.set_trait(
        _party(request, party_id),
        key=key,
        value=payload.value,
        source=payload.source,
        by=request.auth,  # type: ignore[attr-defined]
    )


@router.get("/identify", response=PartySummary, summary="Find the party of a phone or email")
def identify(request: HttpRequest, query: Query[IdentifyQuery]) -> Party:
    given = [
        (kind, raw, field)
        for kind, raw, field in (
            (ContactKind.PHONE, query.phone, "phone"),
            (ContactKind.EMAIL, query.email, "email"),
            (query.kind, query.value, "value"),
        )
        if raw
    ]
    if len(given) != 1 or not given[0][0]:
        raise InvalidInput(
            _("Give exactly one of: phone, email, or kind and value."), field="phone"
        )
    kind, raw, field = str(given[0][0]), str(given[0][1]), given[0][2]
    value = _normalized(kind, raw, field)
    party = selectors.identify_visible(actor=request.auth, kind=kind, value=value)  # type: ignore[attr-defined]
    if party is None:
        raise NotFound(_("No customer you can see has this contact point."))
    return party
