"""Reads of the contact repository, filtered by what the actor may see."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import Count, QuerySet

from reservoir.iam.models import User
from reservoir.iam.visibility import visible_q
from reservoir.timeline.enums import Channel
from reservoir.timeline.models import Conversation, Interaction


def for_user(user: User, qs: QuerySet[Interaction] | None = None) -> QuerySet[Interaction]:
    """Return the interactions of the parties `user` may see."""
    return (qs if qs is not None else Interaction.objects.all()).filter(
        visible_q(user, prefix="party__")
    )


def list_timeline(
    *,
    actor: User,
    party_id: int | None = None,
    channels: list[str] | None = None,
    kinds: list[str] | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    direction: str = "",
    conversation_id: int | None = None,
) -> QuerySet[Interaction]:
    """Return visible interactions, newest first, filtered; the caller paginates by cursor."""
    qs = Interaction.objects.all()
    if party_id is not None:
        qs = qs.filter(party_id=party_id)
    qs = for_user(actor, qs)
    if channels:
        qs = qs.filter(channel__in=channels)
    if kinds:
        qs = qs.filter(kind__in=kinds)
    if since:
        qs = qs.filter(occurred_at__gte=since)
    if until:
        qs = qs.filter(occurred_at__lt=until)
    if direction:
        qs = qs.filter(direction=direction)
    if conversation_id:
        qs = qs.filter(conversation_id=conversation_id)
    return qs.select_related("staff", "conversation").order_by("-occurred_at", "-id")


def latest_for_party(party_id: int, *, limit: int = 20) -> list[Interaction]:
    """Return the party's latest interactions, newest first; the caller has checked that the
    actor may see the party (so no visibility join).

    Hand-written SQL over the (party, occurred_at, id) index: the Customer 360 runs this on
    every open, and compiling the ORM query cost more than running it.
    """
    return list(Interaction.objects.raw(_LATEST_SQL(), [party_id, limit]))


@functools.cache
def _LATEST_SQL() -> str:  # noqa: N802 - a constant computed once the models are loaded
    table = connection.ops.quote_name(Interaction._meta.db_table)
    return (
        f"SELECT * FROM {table} WHERE party_id = %s "  # noqa: S608
        "ORDER BY occurred_at DESC, id DESC LIMIT %s"
    )


def get_interaction(*, actor: User, interaction_id: int) -> Interaction | None:
    """Return one visible interaction, or None."""
    return for_user(actor).select_related("staff", "party").filter(pk=interaction_id).first()


def channel_counts(*, party_id: int) -> dict[str, int]:
    """Return {channel: count} of a party's interactions (the caller has checked visibility)."""
    rows = Interaction.objects.filter(party_id=party_id).values("channel").annotate(n=Count("id"))
    return {r["channel"]: r["n"] for r in rows}


class ChannelCount(NamedTuple):
    channel: str
    label: str  # in the current language
    interactions: int


def channel_breakdown(*, party_id: int) -> list[ChannelCount]:
    """A party's interactions per channel, labelled, busiest first (the caller has checked
    visibility)."""
    labels = dict(Channel.choices)
    rows = (
        ChannelCount(c, str(labels.get(c, c)), n)
        for c, n in channel_counts(party_id=party_id).items()
    )
    return sorted(rows, key=lambda row: (-row.interactions, row.label))


def list_conversations(*, party_id: int, limit: int = 20) -> QuerySet[Conversation]:
    return Conversation.objects.filter(party_id=party_id).order_by("-last_at")[:limit]


def count_by_channel(
    *,
    actor: User,
    since: dt.datetime,
    until: dt.datetime | None = None,
    staff_id: int | None = None,
) -> dict[str, int]:
    """Return {channel: count} of the visible interactions in [since, until)."""
    qs = for_user(actor, Interaction.objects.filter(occurred_at__gte=since))
    if until is not None:
        qs = qs.filter(occurred_at__lt=until)
    if staff_id is not None:
        qs = qs.filter(staff_id=staff_id)
    rows = qs.order_by().values("channel").annotate(n=Count("id"))
    return {r["channel"]: r["n"] for r in rows}


def party_ids_contacted_by(*, staff_id: int) -> QuerySet[Interaction, Any]:
    """Return the ids of the parties a staff member has interactions with (for a subquery).

    No visibility filter: combine it with a visible party queryset.
    """
    return Interaction.objects.filter(staff_id=staff_id).order_by().values("party_id")


def visible_conversation_parties(*, actor: User, ids: list[int]) -> dict[int, int]:
    """Return {conversation id: party id} for those of `ids` whose party `actor` may see."""
    rows = Conversation.objects.filter(pk__in=ids).filter(visible_q(actor, prefix="party__"))
    return dict(rows.values_list("pk", "party_id"))
