"""API schemas for interactions (the Customer Contact Repository)."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from ninja import Field, Schema

from reservoir.core.api import BodyId, Id, Input, Instant, PageQuery
from reservoir.parties.enums import ContactKind
from reservoir.timeline.enums import Channel, Direction, Kind, Outcome

BATCH_MAX = 1000


class ContactIn(Input):
    kind: ContactKind | None = Field(
        None, description="Defaults to the channel's (phone for calls and SMS, email for email)."
    )
    value: str = Field(min_length=1, max_length=255, description="Phones in any format.")
    name: str = Field("", max_length=200, description="Names a new provisional party.")


class LinkIn(Input):
    app: str = Field(max_length=50)
    model: str = Field(max_length=50)
    pk: str = Field(max_length=64)
    label: str = Field("", max_length=200)


class InteractionIn(Input):
    """One contact; give `party_id` or `contact` (an unknown contact becomes a provisional party)."""

    party_id: BodyId | None = None
    contact: ContactIn | None = None
    channel: Channel
    direction: Direction
    kind: Kind = Kind.MESSAGE
    occurred_at: Instant | None = Field(None, description="Defaults to now.")
    subject: str = Field("", max_length=255)
    body: str = Field("", max_length=settings.INTERACTION_BODY_MAX_CHARS)
    outcome: Outcome = Outcome.NONE
    duration_seconds: int | None = Field(None, ge=0, le=2**31 - 1, strict=True)
    cost: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    currency: str = Field("", pattern=r"^([A-Z]{3})?$")
    conversation_id: BodyId | None = None
    link: LinkIn | None = None
    source: str = Field("api", min_length=1, max_length=50)
    external_id: str = Field("", max_length=200, description="With `source`, makes retries safe.")


class InteractionBatchIn(Input):
    items: list[InteractionIn] = Field(min_length=1, max_length=BATCH_MAX)


class BatchResult(Schema):
    received: int
    created: int = Field(description="New rows; repeats of (source, external_id) are skipped.")


class InteractionFilters(PageQuery):
    party_id: Id | None = None
    channel: list[Channel] = Field(default_factory=list, description="Repeatable.")
    kind: list[Kind] = Field(default_factory=list, description="Repeatable.")
    direction: Direction | None = None
    since: Instant | None = Field(None, description="Inclusive.")
    until: Instant | None = Field(None, description="Exclusive.")
    conversation_id: Id | None = None


class LinkOut(Schema):
    app: str
    model: str
    pk: str
    label: str


class InteractionOut(Schema):
    id: int
    party_id: int
    channel: Channel
    direction: Direction
    kind: Kind
    occurred_at: dt.datetime
    subject: str
    body: str
    outcome: str
    duration_seconds: int | None
    cost: Decimal | None
    currency: str
    contact_address: str
    conversation_id: int | None
    link: LinkOut | None
    staff_id: int | None
    source: str
    external_id: str
    recorded_by_id: int | None
    created_at: dt.datetime

    @staticmethod
    def resolve_link(obj: Any) -> dict[str, str] | None:
        if not obj.link_app:
            return None
        return {
            "app": obj.link_app,
            "model": obj.link_model,
            "pk": obj.link_pk,
            "label": obj.link_label,
        }
