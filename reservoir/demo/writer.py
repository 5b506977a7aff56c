"""Write teams, staff, the catalogue and a generated DemoData set with bulk inserts.

A bulk load skips the per-row services (they audit and publish per write) but keeps their
invariants: contact points normalized, `Party.search_text` as `refresh_search_text` builds
it, `Party.last_interaction_at` the latest interaction, order totals the sum of their
lines, and one transaction interaction per order linked like `place_order` links it.
Callers run this inside one transaction.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection

from reservoir.core.bulk import db_now, insert_rows
from reservoir.demo import company
from reservoir.demo.dataset import DemoData, PartyRow
from reservoir.iam.models import Team, User
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
from reservoir.sales.models import Order, OrderLine
from reservoir.timeline.models import Conversation, Interaction

BATCH = 2000


class Writer:
    """Inserts the demo rows and remembers the primary keys it was given."""

    def __init__(self, progress: Callable[[str], None]) -> None:
        self.progress = progress
        self.counts: dict[str, int] = {}
        self.users: dict[str, User] = {}
        self.teams: dict[str, Team] = {}
        self.product_ids: dict[str, int] = {}
        self._clock = time.perf_counter()

    def _done(self, label: str, count: int) -> None:
        self.counts[label] = count
        now = time.perf_counter()
        self.progress(f"  {label:<15} {count:>9,}  ({now - self._clock:.1f} s)")
        self._clock = now

    def staff(self) -> None:
        """Create the teams and the staff users."""
        self.teams, self.users = company.create_staff()
        self._done("teams", len(self.teams))
        self._done("users", len(self.users))

    def catalogue(self) -> None:
        """Create the category tree and the products."""
        categories, self.product_ids = company.create_catalogue()
        self._done("categories", categories)
        self._done("products", len(self.product_ids))

    def _user_id(self, username: str | None) -> int | None:
        return self.users[username].pk if username else None

    def _team_id(self, name: str | None) -> int | None:
        return self.teams[name].pk if name else None

    def parties(self, data: DemoData) -> list[int]:
        """Insert parties and everything hanging off them; return party pks by key."""
        rows = data.parties
        employer = {
            r.from_key: rows[r.to_key].display_name
            for r in data.relationships
            if r.kind == "employee_of"
        }
        parties = Party.objects.bulk_create(
            [self._party(p, employer.get(p.key, "")) for p in rows], batch_size=BATCH
        )
        ids = [p.pk for p in parties]
        self._done("parties", len(ids))
        self._bulk(
            "roles",
            PartyRole,
            [
                PartyRole(party_id=ids[p.key], role=r, since=p.role_since)
                for p in rows
                for r in p.roles
            ],
        )
        now = db_now()
        count = insert_rows(
            ContactPoint,
            (
                "party",
                "kind",
                "value",
                "raw",
                "label",
                "is_primary",
                "verified",
                "created_at",
                "updated_at",
            ),  # fmt: skip
            [
                (ids[p.key], c.kind, c.value, c.raw, c.label, c.is_primary, c.verified, now, now)
                for p in rows
                # In index order, so that heap order (PostgreSQL) matches it too.
                for c in sorted(p.contacts, key=lambda c: (c.kind, c.value))
            ],
        )
        self._done("contact_points", count)
        count = insert_rows(
            PostalAddress,
            (
                "party",
                "label",
                "format",
                "country",
                "region",
                "city",
                "district",
                "street",
                "postal_code",
                "is_primary",
                "created_at",
                "updated_at",
            ),  # fmt: skip
            [
                (
                    ids[p.key],
                    label,
                    a.format,
                    a.country,
                    a.region,
                    a.city,
                    a.district,
                    a.street,
                    a.postal_code,
                    primary,
                    now,
                    now,
                )  # fmt: skip
                for p in rows
                for a, label, primary in p.addresses
            ],
        )
        self._done("addresses", count)
        self._bulk(
            "relationships",
            Relationship,
            [
                Relationship(
                    from_party_id=ids[r.from_key],
                    to_party_id=ids[r.to_key],
                    kind=r.kind,
                    title=r.title,
                    since=r.since,
                )
                for r in data.relationships
            ],
        )
        self._bulk(
            "profiles",
            Profile,
            [Profile(party_id=ids[p.key], **p.profile) for p in rows if p.profile],
        )
        traits = [(ids[p.key], key, value, at) for p in rows for key, value, at in p.traits]
        self._bulk(
            "traits",
            Trait,
            [
                Trait(party_id=i, key=k, value=v, source="manual", computed_at=at)
                for i, k, v, at in traits
            ],
        )
        TraitHistory.objects.bulk_create(
            [
                TraitHistory(party_id=i, key=k, value=v, source="manual", computed_at=at)
                for i, k, v, at in traits
            ],
            batch_size=BATCH,
        )
        return ids

    def _party(self, p: PartyRow, employer: str) -> Party:
        # The text parties.services.refresh_search_text builds (contact points in the order
        # of their unique index, which is how SQLite returns them there).
        parts = [p.display_name, p.legal_name, p.family_name, p.given_name]
        parts += [value for _kind, value in sorted((c.kind, c.value) for c in p.contacts)]
        parts.append(employer)
        return Party(
            kind=p.kind,
            display_name=p.display_name,
            family_name=p.family_name,
            given_name=p.given_name,
            name_order=p.name_order,
            legal_name=p.legal_name,
            industry=p.industry,
            website=p.website,
            birth_date=p.birth_date,
            gender=p.gender,
            language=p.language,
            source=p.source,
            owner_id=self._user_id(p.owner),
            team_id=self._team_id(p.team),
            search_text=" ".join(x for x in parts if x).lower(),
            last_interaction_at=p.last_interaction_at,
        )

    def _bulk(self, label: str, model: Any, objs: list[Any]) -> list[Any]:
        created = model.objects.bulk_create(objs, batch_size=BATCH)
        self._done(label, len(created))
        return created

    def orders(self, data: DemoData, party_ids: list[int]) -> list[int]:
        """Insert orders and their lines; return order pks by key."""
        now, db_dt = db_now(), connection.ops.adapt_datetimefield_value
        currency = settings.DEFAULT_CURRENCY
        count = insert_rows(
            Order,
            (
                "party",
                "number",
                "ordered_at",
                "status",
                "channel",
                "total",
                "currency",
                "owner",
                "source",
                "external_id",
                "created_at",
            ),  # fmt: skip
            [
                (
                    party_ids[o.party_key],
                    o.number,
                    db_dt(o.ordered_at),
                    o.status,
                    o.channel,
                    o.total,
                    currency,
                    self._user_id(o.owner),
                    "demo",
                    o.external_id,
                    now,
                )  # fmt: skip
                for o in data.orders
            ],
        )
        by_number = dict(Order.objects.filter(source="demo").values_list("number", "pk"))
        ids = [by_number[o.number] for o in data.orders]
        self._done("orders", count)
        count = insert_rows(
            OrderLine,
            ("order", "product", "quantity", "unit_price", "amount"),
            [
                (ids[o.key], self.product_ids[sku], qty, price, price * qty)
                for o in data.orders
                for sku, qty, price in o.lines
            ],
        )
        self._done("order_lines", count)
        return ids

    def timeline(self, data: DemoData, party_ids: list[int], order_ids: list[int]) -> None:
        """Insert conversations and interactions (transactions linked to their orders)."""
        db_dt = connection.ops.adapt_datetimefield_value
        count = insert_rows(
            Conversation,
            (
                "party",
                "subject",
                "channel",
                "started_at",
                "last_at",
                "is_open",
                "source",
                "external_id",
            ),
            [
                (
                    party_ids[c.party_key],
                    c.subject,
                    c.channel,
                    db_dt(c.started_at),
                    db_dt(c.last_at),
                    c.is_open,
                    "demo",
                    f"c{c.key}",
                )  # fmt: skip
                for c in data.conversations
            ],
        )
        by_key = dict(Conversation.objects.filter(source="demo").values_list("external_id", "pk"))
        conv_ids = [by_key[f"c{c.key}"] for c in data.conversations]
        self._done("conversations", count)
        orders, now, currency = data.orders, db_now(), settings.DEFAULT_CURRENCY
        rows = []
        for i in data.interactions:
            link: tuple[str, str, str, str, str] = ("", "", "", "", "")
            if i.order is not None:
                pk = str(order_ids[i.order])
                link = ("sales", "order", pk, orders[i.order].number, pk)
            rows.append(
                (
                    party_ids[i.party_key],
                    i.channel,
                    i.direction,
                    i.kind,
                    db_dt(i.occurred_at),
                    self._user_id(i.staff),
                    i.subject,
                    i.body,
                    i.outcome,
                    i.duration_seconds,
                    i.cost,
                    currency if i.cost is not None else "",
                    i.contact_address,
                    conv_ids[i.conversation] if i.conversation is not None else None,
                    i.source,
                    *link,
                    None,
                    now,
                )  # fmt: skip
            )
        count = insert_rows(
            Interaction,
            (
                "party",
                "channel",
                "direction",
                "kind",
                "occurred_at",
                "staff",
                "subject",
                "body",
                "outcome",
                "duration_seconds",
                "cost",
                "currency",
                "contact_address",
                "conversation",
                "source",
                "link_app",
                "link_model",
                "link_pk",
                "link_label",
                "external_id",
                "recorded_by",
                "created_at",
            ),  # fmt: skip
            rows,
        )
        self._done("interactions", count)
