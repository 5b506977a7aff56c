"""The customer beside a case: identity, contact points, open cases, the recent timeline of
every channel and the decision service's answer for the service channel.

Kept in the desk (not in selectors) because it composes reads of four apps for one screen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from reservoir.decisions.engine import Decision, decide
from reservoir.decisions.facts import DecisionContext
from reservoir.iam.models import User
from reservoir.parties import selectors as party_selectors
from reservoir.parties.models import Trait
from reservoir.parties.traits import format_trait, trait_label
from reservoir.support import selectors
from reservoir.support.models import Case
from reservoir.timeline import selectors as timeline_selectors
from reservoir.timeline.selectors import ChannelCount

RECENT = 12
# The customer card's facts, in reading order; each slot shows its first key the customer
# has. Analytics writes "clv.value" / "clv.churn_risk"; "clv" / "churn_risk" are the
# hand-set fallbacks (as support.sla.VALUE_TRAITS reads them).
CARD_TRAITS: tuple[tuple[str, ...], ...] = (
    ("clv.value", "clv"),
    ("clv.churn_risk", "churn_risk"),
    ("rfm.segment",),
    ("csat.last",),
    ("nps.last",),
)
CSAT_TRAITS = tuple(key for slot in CARD_TRAITS for key in slot)


@dataclass(frozen=True)
class TraitLine:
    """One fact on the customer card, labelled and formatted in the active language."""

    key: str
    label: str
    text: str


@dataclass
class CustomerContext:
    party: Any
    contact_points: list[Any] = field(default_factory=list)
    open_cases: list[Case] = field(default_factory=list)
    timeline: list[Any] = field(default_factory=list)
    channel_counts: list[ChannelCount] = field(default_factory=list)
    decision: Decision | None = None
    traits: list[TraitLine] = field(default_factory=list)
    surveys: list[Any] = field(default_factory=list)


def customer_context(*, actor: User, case: Case) -> CustomerContext:
    """Everything the right-hand column shows (about 7 queries).

    Side effects: one decision-log row (every asked decision is logged).
    """
    party = case.party
    visible = party_selectors.for_user(actor).filter(pk=party.pk).exists()
    ctx = CustomerContext(party=party)
    ctx.open_cases = list(
        selectors.open_cases_for_party(party.pk).exclude(pk=case.pk).select_related("assignee")[:10]
    )
    ctx.surveys = list(selectors.surveys_for_party(party.pk).select_related("case")[:5])
    if not visible:
        # Assigned to the agent although the customer is outside their scope: the case only.
        return ctx
    ctx.contact_points = list(party_selectors.list_contact_points(party))
    ctx.timeline = list(
        timeline_selectors.for_user(actor)
        .filter(party_id=party.pk)
        .select_related("staff")
        .order_by("-occurred_at", "-pk")[:RECENT]
    )
    ctx.channel_counts = timeline_selectors.channel_breakdown(party_id=party.pk)
    ctx.traits = card_traits(party_selectors.list_traits(party).filter(key__in=CSAT_TRAITS))
    ctx.decision = decide(
        party.pk,
        DecisionContext(
            channel="service",
            at=timezone.now(),
            staff_username=actor.username,
            staff_role=actor.role,
        ),
        actor=actor,
    )
    return ctx


def card_traits(traits: Iterable[Trait]) -> list[TraitLine]:
    """The card's facts from a party's traits: one per slot of CARD_TRAITS, in its order."""
    values = {t.key: t.value for t in traits}
    lines = []
    for slot in CARD_TRAITS:
        key = next((k for k in slot if k in values), None)
        if key is not None:
            lines.append(TraitLine(key, trait_label(key), format_trait(key, values[key])))
    return lines
