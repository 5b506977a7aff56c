"""API schemas for parties, contact points, addresses, relationships, profiles and traits."""

import datetime as dt
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import AfterValidator

from reservoir.core.api import BodyId, Id, Input, PageQuery
from reservoir.parties.enums import (
    AddressFormat,
    ContactKind,
    PartyKind,
    PartyRoleKind,
    PartyStatus,
    RelationshipKind,
    TraitSource,
)

NameOrder = Literal["eastern", "western"]
TRAIT_KEY_PATTERN = r"^[A-Za-z0-9_.:\-]{1,100}$"


def _small_json(value: Any) -> Any:
    """Refuse trait values that are huge or absurdly nested (they are facts, not documents)."""
    if value is None:
        raise ValueError(_("A trait value cannot be null."))
    pending, nodes = [(value, 0)], 0
    while pending:
        item, depth = pending.pop()
        nodes += 1
        if depth > 10 or nodes > 1000:
            raise ValueError(_("The value is too large or too deeply nested."))
        if isinstance(item, dict):
            pending.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            pending.extend((v, depth + 1) for v in item)
        elif isinstance(item, int) and not isinstance(item, bool) and abs(item) > 2**63 - 1:
            raise ValueError(_("The number is too large."))
    return value


TraitValue = Annotated[Any, AfterValidator(_small_json)]


# ---------------------------------------------------------------- input


class ContactPointIn(Input):
    kind: ContactKind
    value: str = Field(min_length=1, max_length=255, description="Phones in any format.")
    label: str = Field("", max_length=50)
    is_primary: bool = Field(False, strict=True)


class PartyIn(Input):
    kind: PartyKind
    display_name: str = Field("", max_length=200, description="Composed from the names if empty.")
    family_name: str = Field("", max_length=100)
    given_name: str = Field("", max_length=100)
    name_order: NameOrder | None = None
    legal_name: str = Field("", max_length=200)
    industry: str = Field("", max_length=100)
    website: str = Field("", max_length=200, pattern=r"^(https?://\S+)?$")
    birth_date: dt.date | None = None
    gender: str = Field("", max_length=16)
    language: str = Field("", max_length=10)
    source: str = Field("", max_length=100)
    roles: list[PartyRoleKind] = Field(default_factory=list, max_length=5)
    contact_points: list[ContactPointIn] = Field(default_factory=list, max_length=50)
    owner_id: BodyId | None = Field(None, description="Omit to own it yourself; null: unowned.")
    team_id: BodyId | None = Field(None, description="Defaults to the owner's team.")


class PartyPatch(Input):
    """Only the fields sent change; null clears a text field."""

    display_name: str | None = Field(None, max_length=200)
    family_name: str | None = Field(None, max_length=100)
    given_name: str | None = Field(None, max_length=100)
    name_order: NameOrder | None = None
    status: PartyStatus | None = None
    legal_name: str | None = Field(None, max_length=200)
    industry: str | None = Field(None, max_length=100)
    website: str | None = Field(None, max_length=200, pattern=r"^(https?://\S+)?$")
    birth_date: dt.date | None = None
    gender: str | None = Field(None, max_length=16)
    language: str | None = Field(None, max_length=10)
    source: str | None = Field(None, max_length=100)
    roles: list[PartyRoleKind] | None = Field(None, max_length=5)
    owner_id: BodyId | None = None
    team_id: BodyId | None = None


class TraitIn(Input):
    value: TraitValue
    source: TraitSource = TraitSource.MANUAL


class PartyFilters(PageQuery):
    q: str = Field("", max_length=200, description="Name, phone in any format, email, company.")
    kind: PartyKind | None = None
    role: PartyRoleKind | None = None
    status: PartyStatus | None = None
    owner: Id | None = None
    team: Id | None = None


class IdentifyQuery(Schema):
    phone: str | None = Field(None, max_length=64)
    email: str | None = Field(None, max_length=255)
    kind: ContactKind | None = None
    value: str | None = Field(None, max_length=255)


# ---------------------------------------------------------------- output


class PartySummary(Schema):
    id: int
    kind: PartyKind
    status: PartyStatus
    display_name: str
    owner_id: int | None
    team_id: int | None
    last_interaction_at: dt.datetime | None


class PartyOut(PartySummary):
    family_name: str
    given_name: str
    name_order: str
    legal_name: str
    industry: str
    website: str
    birth_date: dt.date | None
    gender: str
    language: str
    source: str
    roles: list[PartyRoleKind]
    merged_into: int | None = Field(
        None, description="Set on a merged party: the id of the party that absorbed it."
    )
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_merged_into(obj: Any) -> int | None:
        return getattr(obj, "survivor_id", None) or obj.merged_into_id

    @staticmethod
    def resolve_roles(obj: Any) -> list[str]:
        return sorted(r.role for r in obj.roles.all())


class ContactPointOut(Schema):
    id: int
    kind: ContactKind
    value: str = Field(description="Normalized: E.164 phones, lower-case emails.")
    raw: str
    label: str
    is_primary: bool
    verified: bool


class PartyDetail(PartyOut):
    contact_points: list[ContactPointOut]

    @staticmethod
    def resolve_contact_points(obj: Any) -> list[Any]:
        return list(obj.contact_points.all())


class AddressOut(Schema):
    id: int
    label: str
    format: AddressFormat
    country: str
    region: str
    city: str
    district: str
    street: str
    postal_code: str
    is_primary: bool
    one_line: str

    @staticmethod
    def resolve_one_line(obj: Any) -> str:
        return str(obj.one_line())


class RelationshipOut(Schema):
    direction: Literal["out", "in"]
    kind: RelationshipKind
    title: str
    since: dt.date | None
    until: dt.date | None
    party: PartySummary


class ProfileOut(Schema):
    demographics: dict[str, Any]
    psychographics: dict[str, Any]
    needs: list[Any]
    preferences: dict[str, Any]


class TraitOut(Schema):
    key: str
    value: Any
    source: TraitSource
    model_version: str
    computed_at: dt.datetime
