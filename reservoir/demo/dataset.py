"""The generated demo data set as plain Python rows, before anything touches the database.

Rows refer to each other by local keys (list positions) and to staff by username, so the
whole data set can be generated, compared and digested without a database.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from reservoir.demo.places import Address


@dataclass(slots=True)
class ContactRow:
    kind: str
    value: str  # normalized
    raw: str
    label: str = ""
    is_primary: bool = False
    verified: bool = False


@dataclass(slots=True)
class PartyRow:
    key: int
    kind: str
    display_name: str
    segment: str  # consumer, contact, lead, distributor, partner, supplier, business, prospect_org
    region: str  # east, north, south, west, hk, tw, intl
    tz: str = "Asia/Shanghai"
    family_name: str = ""
    given_name: str = ""
    name_order: str = "western"
    legal_name: str = ""
    industry: str = ""
    website: str = ""
    birth_date: dt.date | None = None
    gender: str = ""
    language: str = ""
    source: str = ""
    owner: str | None = None
    team: str | None = None
    roles: list[str] = field(default_factory=list)
    role_since: dt.date | None = None
    contacts: list[ContactRow] = field(default_factory=list)
    addresses: list[tuple[Address, str, bool]] = field(default_factory=list)
    profile: dict[str, Any] | None = None
    traits: list[tuple[str, Any, dt.datetime]] = field(default_factory=list)
    employer: int | None = None
    last_interaction_at: dt.datetime | None = None

    def contact(self, kind: str) -> str:
        """Return the primary value of contact kind `kind`, or ""."""
        for cp in self.contacts:
            if cp.kind == kind:
                return cp.value
        return ""


@dataclass(slots=True)
class RelationshipRow:
    from_key: int
    to_key: int
    kind: str
    title: str = ""
    since: dt.date | None = None


@dataclass(slots=True)
class OrderRow:
    key: int
    party_key: int
    number: str
    ordered_at: dt.datetime
    status: str
    channel: str
    owner: str | None
    external_id: str
    lines: list[tuple[str, int, Decimal]]  # sku, quantity, unit price
    total: Decimal


@dataclass(slots=True)
class ConversationRow:
    key: int
    party_key: int
    subject: str
    channel: str
    started_at: dt.datetime
    last_at: dt.datetime
    is_open: bool = False


@dataclass(slots=True)
class InteractionRow:
    party_key: int
    channel: str
    direction: str
    kind: str
    occurred_at: dt.datetime
    staff: str | None = None
    subject: str = ""
    body: str = ""
    outcome: str = ""
    duration_seconds: int | None = None
    cost: Decimal | None = None
    contact_address: str = ""
    conversation: int | None = None
    order: int | None = None
    source: str = "demo"


@dataclass
class DemoData:
    """Everything `load_demo` writes besides teams, staff and the catalogue."""

    today: dt.date
    parties: list[PartyRow]
    relationships: list[RelationshipRow]
    orders: list[OrderRow]
    conversations: list[ConversationRow]
    interactions: list[InteractionRow]

    def digest(self) -> str:
        """Return a SHA-256 over every generated row (equal digests: identical data)."""
        sha = hashlib.sha256(self.today.isoformat().encode())
        for rows in (
            self.parties,
            self.relationships,
            self.orders,
            self.conversations,
            self.interactions,
        ):
            for row in rows:
                values = [getattr(row, f.name) for f in dataclasses.fields(row)]
                sha.update(json.dumps(values, default=repr, sort_keys=True).encode())
        return sha.hexdigest()
