"""Demo contact rules for the demo company (Qingliu Electric), and a demo day of decisions.

`load(by)` is called by the demo loader; it writes through the services, so every table,
row and publication is audited like a real one.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.utils import timezone

from reservoir.decisions import services
from reservoir.decisions.engine import decide
from reservoir.decisions.enums import SIMULATED_CHANNELS, HitPolicy
from reservoir.decisions.facts import DecisionContext, party_directory
from reservoir.decisions.models import DecisionTable
from reservoir.iam.models import User

ACCESSORIES = "配件 Accessories"
TV = "影音 TV & Video"
AUDIO = "音频 Audio"
HOME = "生活电器 Home Appliances"

# (key, name, description, hit policy, [(label, expression)], [(cells, outputs)])
TABLES: list[
    tuple[str, str, str, str, list[tuple[str, str]], list[tuple[list[str], dict[str, Any]]]]
] = [
    (
        "gold-benefits",
        "Gold customer benefits",
        "Gold and VIP customers get the same benefits in every channel (P3).",
        HitPolicy.COLLECT,
        [("Gold customer", 'customer.vip || customer.value_tier == "gold"')],
        [
            (
                ["true"],
                {
                    "discount_pct": Decimal("10"),
                    "discount_on": ACCESSORIES,
                    "reason": "Gold customer: 10% on accessories, in every channel",
                },
            ),
            (["true"], {"price_list": "GOLD-2026", "reason": "Gold price list"}),
        ],
    ),
    (
        "cross-sell",
        "Cross-sell and up-sell",
        "What to suggest at the moment of contact (CU2), ranked by expected value.",
        HitPolicy.COLLECT,
        [
            ("Categories owned", "customer.categories_owned"),
            ("Owns a soundbar", 'customer.products_owned.exists(p, p.startsWith("QL-AU-SBR"))'),
            ("Orders", "customer.orders_count"),
            ("Days since last order", "customer.days_since_last_order"),
        ],
        [
            (
                [TV, "false", "-", "-"],
                {
                    "offer_code": "QL-AU-SBR-01",
                    "offer_margin": Decimal("900"),
                    "reason": "Owns a TV but no soundbar: offer the Cinema 5.1 soundbar",
                },
            ),
            (
                [AUDIO, "-", "-", "-"],
                {
                    "offer_code": "QL-AC-CAS-01",
                    "offer_margin": Decimal("25"),
                    "reason": "Owns headphones: offer a protective case",
                },
            ),
            (
                [HOME, "-", "-", "-"],
                {
                    "offer_code": "QL-AC-FLT-01",
                    "offer_margin": Decimal("120"),
                    "reason": "Owns an appliance: filters are due",
                },
            ),
            (
                ["-", "-", ">= 3", "-"],
                {
                    "offer_code": "QL-SV-WAR-01",
                    "offer_margin": Decimal("150"),
                    "reason": "Loyal buyer: offer the extended warranty",
                },
            ),
            (
                ["-", "-", "-", "> 180"],
                {
                    "offer_code": "WINBACK-2026",
                    "offer_kind": "marketing",
                    "offer_margin": Decimal("60"),
                    "reason": "Lapsed buyer: win-back coupon",
                },
            ),
        ],
    ),
    (
        "contact-suppressions",
        "Suppressions",
        "When to hold back a pitch (SV4, MA3) — the same in every channel.",
        HitPolicy.COLLECT,
        [
            ("Open complaint", "customer.has_open_complaint"),
            ("Marketing opt-out", "customer.marketing_opt_out"),
            ("Contacts in 30 days", "customer.contacts_30d"),
        ],
        [
            (
                ["true", "-", "-"],
                {
                    "suppress": "sales",
                    "reason": "Open complaint: no cross-sell until it is resolved",
                },
            ),
            (["-", "true", "-"], {"suppress": "marketing", "reason": "Opted out of marketing"}),
            (
                ["-", "-", ">= 12"],
                {
                    "suppress": "marketing",
                    "reason": "Contacted 12+ times in 30 days: give them a rest",
                },
            ),
        ],
    ),
    (
        "service-routing",
        "Routing priority and scripts",
        "How to greet and route — may differ by channel; never changes what is offered.",
        HitPolicy.FIRST,
        [
            ("Channel", "context.channel"),
            ("Open complaint", "customer.has_open_complaint"),
            ("Gold customer", 'customer.vip || customer.value_tier == "gold"'),
        ],
        [
            (
                ["-", "true", "-"],
                {
                    "priority": 90,
                    "script": "Apologise first and ask about the open complaint before anything else.",
                    "reason": "Open complaint comes first",
                },
            ),
            (
                ["phone, chat", "-", "true"],
                {
                    "priority": 70,
                    "script": "Greet the customer by name: gold line. Mention the gold price list.",
                    "reason": "Gold customer on a live channel",
                },
            ),
            (
                ["campaign, email", "-", "true"],
                {
                    "priority": 40,
                    "script": "Subject line: your gold benefits this month.",
                    "reason": "Gold customer in writing",
                },
            ),
            (["-", "-", "-"], {"priority": 10, "reason": "Standard handling"}),
        ],
    ),
]


def load(by: User) -> list[DecisionTable]:
    """Create and publish the demo tables (skipping existing keys). Side effects: audited writes."""
    made = []
    for position, (key, name, description, hit, inputs, rows) in enumerate(TABLES):
        if DecisionTable.objects.filter(key=key).exists():
            continue
        table = services.create_table(
            key=key, name=name, description=description, position=(position + 1) * 10,
            hit_policy=hit, by=by,
        )  # fmt: skip
        draft = table.versions.get()
        for label, expression in inputs:
            services.save_input(draft, label=label, expression=expression, by=by)
        for cells, outputs in rows:
            services.save_row(draft, cells=cells, by=by, **outputs)
        services.publish(draft, by=by, note="Demo rules")
        made.append(table)
    return made


def record_demo_day(by: User, *, parties: int = 100, seed: int = 7) -> int:
    """Ask for decisions as a day of contacts would (each party in several channels).

    Side effects: one decision-log row per decision. Returns the number of decisions.
    """
    rng = random.Random(seed)  # noqa: S311 - demo data, not security
    refs = party_directory().search(by, "", parties)
    day = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    count = 0
    for ref in refs:
        for channel in rng.sample(SIMULATED_CHANNELS, k=rng.randint(2, 4)):
            at = day + dt.timedelta(minutes=rng.randint(0, 9 * 60))
            decide(
                ref.id,
                DecisionContext(channel=channel, at=at, staff_username=by.username),
                actor=by,
            )
            count += 1
    return count
