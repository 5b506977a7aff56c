"""API schemas for decisions, the decision log and decision tables."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Field, Schema

from reservoir.core.api import BodyId, Input, PageQuery
from reservoir.decisions.enums import DecisionChannel


class DecideContextIn(Input):
    intent: str = Field("", max_length=100, description="Why the customer is in contact.")
    basket_skus: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        default_factory=list, max_length=100, description="SKUs in the basket or quote."
    )


class DecideIn(Input):
    party_id: BodyId
    channel: DecisionChannel
    context: DecideContextIn | None = None


class OfferOut(Schema):
    code: str
    kind: str
    margin: float | None
    propensity: float | None
    expected_value: float | None
    table: str
    row: int
    reason: str


class DiscountOut(Schema):
    pct: str = Field(description="Percent, as a decimal string.")
    applies_to: str = Field(description="A category or SKU; empty for everything.")
    table: str
    row: int
    reason: str


class SuppressionOut(Schema):
    kind: str
    reason: str
    source: str


class FiredRowOut(Schema):
    table: str
    table_name: str
    version: int
    row: int
    tests: list[tuple[str, Any, str]]
    reason: str


class DecisionOut(Schema):
    party_id: int
    channel: str
    offers: list[OfferOut]
    withheld: list[OfferOut] = Field(description="Eligible offers held back by a suppression.")
    discounts: list[DiscountOut]
    price_list: str
    suppressions: list[SuppressionOut]
    priority: int | None
    scripts: list[str]
    reasons: list[str]
    fired: list[FiredRowOut]
    versions: dict[str, int]
    facts_digest: str
    outputs_digest: str


class LogFilters(PageQuery):
    party_id: int | None = Field(None, ge=1, le=2**63 - 1)
    channel: DecisionChannel | None = None


class LogEntryOut(Schema):
    id: int
    decided_at: dt.datetime
    party_id: int
    channel: str
    actor_id: int | None
    facts_digest: str
    outputs_digest: str
    versions: dict[str, int]
    outputs: dict[str, Any]
    duration_us: int


class TableOut(Schema):
    id: int
    key: str
    name: str
    description: str
    position: int
    published_version: int | None
    hit_policy: str | None
    rows: int
