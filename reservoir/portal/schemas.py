"""Portal API schemas: what a customer sees of their cases and orders."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from reservoir.core.api import BodyId, Input, PageQuery


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int


class MessageOut(Schema):
    id: int
    author_kind: str
    body_text: str
    created_at: dt.datetime
    attachments: list[AttachmentOut]


class CaseOut(Schema):
    id: int
    number: str | None
    subject: str
    type: str
    status: str
    opened_at: dt.datetime
    resolved_at: dt.datetime | None


class CaseDetailOut(CaseOut):
    messages: list[MessageOut]


class CaseIn(Input):
    subject: str = Field(..., min_length=1, max_length=200)
    body: str = Field(..., min_length=1, max_length=20000)
    type: str = Field("question", pattern="^(question|problem|complaint|repair|request)$")
    product_id: BodyId | None = None


class ReplyIn(Input):
    body: str = Field(..., min_length=1, max_length=20000)


class OrderLineOut(Schema):
    sku: str
    product: str
    quantity: int
    unit_price: Decimal
    amount: Decimal


class OrderOut(Schema):
    id: int
    number: str
    ordered_at: dt.datetime
    status: str
    total: Decimal
    currency: str


class OrderDetailOut(OrderOut):
    lines: list[OrderLineOut]


class Filters(PageQuery):
    pass
