"""Generate the whole demo data set in memory, deterministically from (seed, scale, today).

Each part draws from its own `random.Random(f"{seed}:{part}")`, so a change in one part
does not reshuffle the random draws of the others.
"""

from __future__ import annotations

import datetime as dt
import random

from reservoir.demo import activity, episodes, profiles, texts
from reservoir.demo.catalog import MAIN_PRODUCTS
from reservoir.demo.clock import Clock
from reservoir.demo.dataset import DemoData, OrderRow, PartyRow, RelationshipRow
from reservoir.demo.duplicates import plant_duplicates
from reservoir.demo.population import build_population
from reservoir.demo.purchases import build_orders

ORDERS_AT_SCALE_1 = 21_000
# Business episodes per organization over the two years, by segment (low, high).
EPISODES = {"distributor": (25, 45), "business": (6, 16), "prospect_org": (2, 6),
            "partner": (4, 10), "supplier": (3, 8)}  # fmt: skip


def generate(seed: int, scale: float, today: dt.date, home_tz: str = "Asia/Shanghai") -> DemoData:
    """Return the demo data set; equal arguments give identical data."""

    def rng(part: str) -> random.Random:
        return random.Random(f"{seed}:{part}")

    clock = Clock(today, home_tz)
    parties, relationships = build_population(rng("parties"), scale, today)
    plant_duplicates(rng("duplicates"), parties)
    orders = build_orders(rng("orders"), parties, today, clock, round(ORDERS_AT_SCALE_1 * scale))
    _add_traits(rng("traits"), parties, orders, clock)
    rec = activity.Recorder(rng("activity"), clock, parties)
    for order in orders:
        activity.order_activity(rec, order)
    _ambient(rec, parties, relationships)
    activity.campaign_sends(rec, _audiences(rng("audiences"), parties, relationships))
    rec.rows.sort(key=lambda row: (row.occurred_at.timestamp(), row.party_key))
    for row in rec.rows:
        party = parties[row.party_key]
        if party.last_interaction_at is None or row.occurred_at > party.last_interaction_at:
            party.last_interaction_at = row.occurred_at
    _role_since(rng("since"), parties, orders, today)
    return DemoData(today, parties, relationships, orders, rec.conversations, rec.rows)


def _add_traits(
    rng: random.Random, parties: list[PartyRow], orders: list[OrderRow], clock: Clock
) -> None:
    """Give parties hand-typed traits; VIP flags go to the biggest buyers of each segment."""
    spend: dict[int, float] = {}
    for order in orders:
        spend[order.party_key] = spend.get(order.party_key, 0.0) + float(order.total)
    ranks: dict[int, float] = {}
    for segment in ("consumer", "distributor", "business"):
        keys = sorted(
            (p.key for p in parties if p.segment == segment), key=lambda k: (spend.get(k, 0.0), k)
        )
        for position, party_key in enumerate(keys):
            ranks[party_key] = (position + 1) / len(keys)
    start = clock.today - dt.timedelta(days=activity.HISTORY_DAYS)
    for party in parties:
        for key, value in profiles.manual_traits(
            rng, segment=party.segment, spend_rank=ranks.get(party.key, 0.0)
        ):
            day = start + dt.timedelta(days=rng.randrange(activity.HISTORY_DAYS))
            party.traits.append((key, value, clock.moment(rng, day, party.tz, office=True)))


def _ambient(
    rec: activity.Recorder, parties: list[PartyRow], relationships: list[RelationshipRow]
) -> None:
    """Record contacts that are not tied to an order: browsing, messaging, episodes, letters."""
    rng = rec.rng
    contacts_of: dict[int, list[PartyRow]] = {}
    for rel in relationships:
        if rel.kind == "employee_of":
            contacts_of.setdefault(rel.to_key, []).append(parties[rel.from_key])
    for party in parties:
        segment = party.segment
        if segment == "consumer":
            activity.browsing(rec, party, rng.randint(6, 24))
            activity.messaging(rec, party, rng.randint(0, 4))
            if rng.random() < 0.4:
                episodes.presale_chat(rec, party)
            if rng.random() < 0.3 and (when := rec.on(party, rec.random_day())):
                spec = rng.choice(MAIN_PRODUCTS)
                rec.add(party, "phone", "inbound", "call", when, "phone_inquiry", staff=rec.agent(),
                        duration=rec.duration("phone"), outcome="resolved", product=spec.name,
                        **texts.question(rng))  # fmt: skip
            if rng.random() < 0.05 and (when := rec.on(party, rec.random_day())):
                rec.add(party, "portal", "inbound", "message", when, "portal_address")
        elif segment == "lead":
            activity.browsing(rec, party, rng.randint(2, 8))
            activity.messaging(rec, party, rng.randint(0, 1))
            for _i in range(rng.randint(1, 3)):
                episodes.lead_nurture(rec, party)
        elif segment == "contact":
            activity.browsing(rec, party, rng.randint(0, 3))
            activity.messaging(rec, party, rng.randint(0, 2))
        else:
            low, high = EPISODES[segment]
            for _i in range(rng.randint(low, high)):
                episodes.business_episode(rec, party, contacts_of.get(party.key, []))
        activity.letters_and_statements(rec, party)


def _audiences(
    rng: random.Random, parties: list[PartyRow], relationships: list[RelationshipRow]
) -> dict[str, list[PartyRow]]:
    """Return who receives campaigns: subscribed members, leads, and business contacts."""
    members = [
        p for p in parties
        if (p.segment == "consumer" and rng.random() < 0.7) or (p.segment == "lead" and rng.random() < 0.5)
    ]  # fmt: skip
    buying = {
        p.key
        for p in parties
        if p.segment in {"distributor", "business", "partner", "prospect_org"}
    }
    business = [
        parties[r.from_key] for r in relationships if r.kind == "employee_of" and r.to_key in buying
    ]
    return {
        "consumers": members,
        "business": business,
        "en": [p for p in members if p.language == "en"],
    }


def _role_since(
    rng: random.Random, parties: list[PartyRow], orders: list[OrderRow], today: dt.date
) -> None:
    """Date each party's roles: customers from their first order, others from first contact."""
    first_order: dict[int, dt.date] = {}
    for order in orders:
        first_order.setdefault(order.party_key, order.ordered_at.date())
    for party in parties:
        if party.key in first_order:
            party.role_since = first_order[party.key]
        else:
            party.role_since = today - dt.timedelta(days=rng.randint(60, 1500))
