"""API schemas for products and orders, and the Customer 360 that composes the apps."""

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema

from reservoir.core.api import BodyId, Id, Input, Instant, PageQuery
from reservoir.parties.schemas import (
    AddressOut,
    ContactPointOut,
    PartyOut,
    ProfileOut,
    RelationshipOut,
    TraitOut,
)
from reservoir.sales.models import OrderStatus
from reservoir.timeline.enums import Channel
from reservoir.timeline.schemas import InteractionOut


class OrderLineIn(Input):
    sku: str = Field(min_length=1, max_length=64)
    quantity: int = Field(1, ge=1, le=1_000_000, strict=True)


class OrderIn(Input):
    party_id: BodyId
    lines: list[OrderLineIn] = Field(min_length=1, max_length=200)
    ordered_at: Instant | None = Field(None, description="Defaults to now.")
    channel: Channel = Channel.PORTAL


class OrderFilters(PageQuery):
    party_id: Id | None = None


class ProductFilters(PageQuery):
    q: str = Field("", max_length=200, description="Name or SKU fragment.")


class OrderLineOut(Schema):
    product_id: int
    sku: str
    name: str
    quantity: int
    unit_price: Decimal
    amount: Decimal

    @staticmethod
    def resolve_sku(obj: Any) -> str:
        return str(obj.product.sku)

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.product.name)


class OrderBrief(Schema):
    id: int
    number: str
    party_id: int
    ordered_at: dt.datetime
    status: OrderStatus
    channel: str
    total: Decimal
    currency: str


class OrderOut(OrderBrief):
    owner_id: int | None
    source: str
    external_id: str
    created_at: dt.datetime
    lines: list[OrderLineOut]

    @staticmethod
    def resolve_lines(obj: Any) -> list[Any]:
        return list(obj.lines.all())


class ProductOut(Schema):
    id: int
    sku: str
    name: str
    category: str | None
    price: Decimal
    currency: str
    is_active: bool

    @staticmethod
    def resolve_category(obj: Any) -> str | None:
        return str(obj.category) if obj.category_id else None


class Party360(Schema):
    """Everything a screen needs about one customer, in one call."""

    party: PartyOut
    contact_points: list[ContactPointOut]
    addresses: list[AddressOut]
    relationships: list[RelationshipOut]
    profile: ProfileOut | None
    traits: list[TraitOut]
    orders: list[OrderBrief] = Field(description="The last 5.")
    timeline: list[InteractionOut] = Field(description="The latest 20 interactions.")
