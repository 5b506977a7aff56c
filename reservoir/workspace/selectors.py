"""Reads that compose several apps' selectors into one screen.

Every read goes through the owning app's selectors, which filter by what the actor may see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from reservoir.audit import selectors as audit_selectors
from reservoir.iam.models import User
from reservoir.parties import selectors as party_selectors
from reservoir.parties.enums import PartyKind
from reservoir.parties.models import Party
from reservoir.sales import selectors as sales_selectors
from reservoir.timeline import selectors as timeline_selectors
from reservoir.timeline.enums import Channel
from reservoir.timeline.models import Interaction

TIMELINE_PAGE = 20
RECENT_CUSTOMERS = 8
LATEST_INTERACTIONS = 12


def list_customers(*, actor: User, **filters: Any) -> QuerySet[Party]:
    """Visible parties for a list page, with roles, phones/emails and employers prefetched."""
    qs = party_selectors.list_parties(actor=actor, **filters)
    return party_selectors.with_list_details(qs, actor=actor)


def list_organizations(*, actor: User, **filters: Any) -> QuerySet[Party]:
    filters["kind"] = PartyKind.ORGANIZATION
    return party_selectors.with_people_count(list_customers(actor=actor, **filters), actor=actor)


def search_parties(*, actor: User, text: str) -> QuerySet[Party]:
    """Visible parties matching a name, company, email or phone typed in any format."""
    return list_customers(actor=actor, search=text)


# --- dashboard ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ChannelCount:
    channel: str
    label: str
    count: int
    share: int  # percent of the largest channel, for the bar width


@dataclass(frozen=True)
class Dashboard:
    my_customers: int
    visible_customers: int
    today: int
    week: int
    my_today: int
    week_by_channel: list[ChannelCount]
    recent_customers: list[Party]
    latest: list[Interaction]


def _channel_counts(counts: dict[str, int]) -> list[ChannelCount]:
    top = max(counts.values(), default=0)
    labels = dict(Channel.choices)
    rows = [
        ChannelCount(c, str(labels.get(c, c)), n, round(100 * n / top) if top else 0)
        for c, n in counts.items()
    ]
    return sorted(rows, key=lambda r: (-r.count, r.label))


def get_dashboard(*, actor: User) -> Dashboard:
    """The signed-in user's figures, recent customers and the latest contacts in their book."""
    now = timezone.localtime()
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    week_start = day_start - dt.timedelta(days=day_start.weekday())
    week = timeline_selectors.count_by_channel(actor=actor, since=week_start)
    today = timeline_selectors.count_by_channel(actor=actor, since=day_start)
    mine_today = timeline_selectors.count_by_channel(
        actor=actor, since=day_start, staff_id=actor.pk
    )
    visible = party_selectors.list_parties(actor=actor)
    contacted = timeline_selectors.party_ids_contacted_by(staff_id=actor.pk)
    recent = list_customers(actor=actor).filter(Q(owner_id=actor.pk) | Q(pk__in=contacted))
    latest = timeline_selectors.list_timeline(actor=actor).select_related("party")
    return Dashboard(
        my_customers=visible.filter(owner_id=actor.pk).count(),
        visible_customers=visible.count(),
        today=sum(today.values()),
        week=sum(week.values()),
        my_today=sum(mine_today.values()),
        week_by_channel=_channel_counts(week),
        recent_customers=list(recent[:RECENT_CUSTOMERS]),
        latest=list(latest[:LATEST_INTERACTIONS]),
    )


# --- Customer 360 ------------------------------------------------------------------------


@dataclass(frozen=True)
class Cursor:
    """Keyset position in a timeline: the last item shown (newest first)."""

    occurred_at: dt.datetime
    id: int

    def encode(self) -> str:
        return f"{self.occurred_at.isoformat()}~{self.id}"

    @classmethod
    def decode(cls, raw: str) -> Cursor:
        """Parse `raw`; raise ValueError when it is not a cursor this page wrote."""
        when, _sep, ident = raw.rpartition("~")
        occurred_at = dt.datetime.fromisoformat(when)
        if timezone.is_naive(occurred_at):
            raise ValueError("cursor time without a time zone")
        return cls(occurred_at, int(ident))


@dataclass(frozen=True)
class TimelinePage:
    items: list[Interaction]
    next_cursor: str


def get_timeline_page(
    *, actor: User, party_id: int, after: Cursor | None = None, **filters: Any
) -> TimelinePage:
    """One page of a party's timeline, newest first, continuing after `after`."""
    qs = timeline_selectors.list_timeline(actor=actor, party_id=party_id, **filters)
    if after is not None:
        qs = qs.filter(
            Q(occurred_at__lt=after.occurred_at) | Q(occurred_at=after.occurred_at, id__lt=after.id)
        )
    rows = list(qs[: TIMELINE_PAGE + 1])
    items = rows[:TIMELINE_PAGE]
    more = len(rows) > TIMELINE_PAGE
    last = items[-1] if items else None
    return TimelinePage(
        items=items,
        next_cursor=Cursor(last.occurred_at, last.pk).encode() if more and last else "",
    )


def get_party_360(*, actor: User, party: Party) -> dict[str, Any]:
    """Every panel of the Customer 360 page except the timeline (the caller checked `party`
    is visible through party_selectors.get_party)."""
    channel_counts = timeline_selectors.channel_breakdown(party_id=party.pk)
    orders = sales_selectors.list_orders(actor=actor, party_id=party.pk)
    return {
        "roles": list(party.roles.order_by("role")),
        "contact_points": list(party_selectors.list_contact_points(party)),
        "addresses": list(party_selectors.list_addresses(party)),
        "relationships": party_selectors.list_relationships(party, actor=actor),
        "people": (
            list(
                party_selectors.with_list_details(
                    party_selectors.list_people_of(party, actor=actor), actor=actor
                )[:100]
            )
            if party.kind == PartyKind.ORGANIZATION
            else None
        ),
        "profile": party_selectors.get_profile(party),
        "traits": list(party_selectors.list_traits(party)),
        "orders": list(orders[:10]),
        "order_summary": sales_selectors.order_summary(actor=actor, party_id=party.pk),
        "default_currency": settings.DEFAULT_CURRENCY,
        "interaction_count": sum(row.interactions for row in channel_counts),
        "channel_counts": channel_counts,
        "history": list(audit_selectors.list_entries_for(party, limit=30)),
    }
