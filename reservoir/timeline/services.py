"""Recording interactions into the Customer Contact Repository.

`record_interaction` is the one door every channel uses: it identifies the party from any
contact point (creating a provisional party when nothing matches), cleans the body, links
the conversation, and is idempotent on (source, external_id). `ingest_batch` is the same
for bulk loads, in a handful of queries per batch.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reservoir.audit import services as audit
from reservoir.core import events
from reservoir.core.bulk import db_datetime, db_decimal, in_list, insert_instance, insert_rows
from reservoir.core.errors import InvalidInput
from reservoir.core.html import clean_html
from reservoir.iam.models import User
from reservoir.parties import selectors as party_selectors
from reservoir.parties.enums import PartyKind, PartyStatus
from reservoir.parties.models import ContactPoint, Party
from reservoir.timeline import contacts, identity
from reservoir.timeline.enums import Channel, Direction, Kind
from reservoir.timeline.events import InteractionRecorded, InteractionsIngested
from reservoir.timeline.models import Conversation, Interaction

_BATCH_FIELDS = (
    "party", "channel", "direction", "kind", "occurred_at", "staff", "subject", "body", "outcome",
    "duration_seconds", "cost", "currency", "contact_address", "conversation", "link_app",
    "link_model", "link_pk", "link_label", "source", "external_id", "recorded_by", "created_at",
)  # fmt: skip
_CHANNELS = frozenset(Channel.values)
_DIRECTIONS = frozenset(Direction.values)
_KINDS = frozenset(Kind.values)


@dataclass
class InteractionInput:
    """One interaction as a channel reports it (party by id, or by a contact point)."""

    channel: str
    direction: str
    party_id: int | None = None
    contact_kind: str = ""
    contact_value: str = ""
    contact_name: str = ""
    kind: str = Kind.MESSAGE
    occurred_at: dt.datetime | None = None
    subject: str = ""
    body: str = ""
    outcome: str = ""
    duration_seconds: int | None = None
    cost: Decimal | str | float | None = None
    currency: str = ""
    staff_id: int | None = None
    conversation_id: int | None = None
    link: dict[str, str] = field(default_factory=dict)
    source: str = "reservoir"
    external_id: str = ""


def _validate(item: InteractionInput) -> None:
    if item.channel not in _CHANNELS:
        raise InvalidInput(
            _("Unknown channel “%(c)s”; use one of: %(all)s.")
            % {"c": item.channel, "all": ", ".join(Channel.values)},
            field="channel",
        )
    if item.direction not in _DIRECTIONS:
        raise InvalidInput(_("Direction must be inbound, outbound or internal."), field="direction")
    if item.kind not in _KINDS:
        raise InvalidInput(_("Unknown kind “%(k)s”.") % {"k": item.kind}, field="kind")
    limit = settings.INTERACTION_BODY_MAX_CHARS
    if len(item.body or "") > limit:
        raise InvalidInput(
            _("The body is too long (%(n)s characters at most).") % {"n": limit}, field="body"
        )
    if len(item.subject or "") > 255:
        raise InvalidInput(_("The subject is too long (255 characters at most)."), field="subject")
    if item.duration_seconds is not None and item.duration_seconds < 0:
        raise InvalidInput(_("The duration cannot be negative."), field="duration_seconds")
    if len(item.external_id) > 200 or len(item.source) > 50:
        raise InvalidInput(_("The source or external id is too long."), field="external_id")
    if item.occurred_at is not None and timezone.is_naive(item.occurred_at):
        raise InvalidInput(_("The time must carry a time zone."), field="occurred_at")


def _cost(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        cost = Decimal(str(value)).quantize(Decimal("0.01"))
    except InvalidOperation as exc:
        raise InvalidInput(_("The cost must be a number."), field="cost") from exc
    if cost < 0 or cost >= Decimal("1e10"):
        raise InvalidInput(_("The cost is out of range."), field="cost")
    return cost


def resolve_party_id(item: InteractionInput, *, by: User | None) -> int:
    """Return the id of the party an interaction belongs to; create a provisional one if none.

    A party id of a merged party lands on the party that absorbed it.
    Side effects: may create a provisional party with the contact point (audited).
    """
    return identity.resolve_party_id(item, by=by)


def record_interaction(item: InteractionInput, *, by: User | None) -> tuple[Interaction, bool]:
    """Store one interaction; return it and whether it was new.

    Idempotent on (source, external_id): a repeat returns the stored row unchanged.
    Side effects: may create a provisional party; updates the party's last contact time and
    the conversation; audit entry; InteractionRecorded after commit. All writes happen in one
    transaction (a savepoint inside the caller's). The repeat check, identifying the party,
    the reference checks and cleaning the body run before it, so on SQLite the write lock is
    held only while writing (it admits one writer at a time, so that is what bounds the rate).
    """
    _validate(item)
    existing = _existing(item)
    if existing is not None:
        return existing, False
    found = identity.find_party(item)
    if item.staff_id is not None and not User.objects.filter(pk=item.staff_id).exists():
        raise InvalidInput(
            _("No staff member with id %(id)s.") % {"id": item.staff_id}, field="staff_id"
        )
    interaction = Interaction(
        channel=item.channel,
        direction=item.direction,
        kind=item.kind,
        occurred_at=item.occurred_at or timezone.now(),
        staff_id=item.staff_id,
        subject=item.subject.strip(),
        body=clean_html(item.body),
        outcome=item.outcome,
        duration_seconds=item.duration_seconds,
        cost=_cost(item.cost),
        currency=item.currency or (settings.DEFAULT_CURRENCY if item.cost else ""),
        contact_address=item.contact_value[:255],
        conversation_id=item.conversation_id,
        link_app=item.link.get("app", ""),
        link_model=item.link.get("model", ""),
        link_pk=str(item.link.get("pk", "")),
        link_label=item.link.get("label", "")[:200],
        source=item.source,
        external_id=item.external_id,
        recorded_by=by,
    )
    try:
        with transaction.atomic():
            interaction.party_id = identity.claim_party(item, found, interaction.occurred_at, by=by)
            _store(interaction, by=by)
        return interaction, True
    except IntegrityError:
        # A concurrent request stored the same (source, external_id) first; ours rolled back.
        existing = _existing(item)
        if existing is None:
            raise
        return existing, False


def _existing(item: InteractionInput) -> Interaction | None:
    """Return the interaction already stored under the item's (source, external_id), if any.

    The check runs on every recorded contact: hand-written SQL over the unique index, since
    compiling the ORM query cost ten times the lookup; the row itself is loaded only on a repeat.
    """
    if not item.external_id:
        return None
    with connection.cursor() as cursor:
        cursor.execute(_EXISTING_SQL(), [item.source, item.external_id])
        row = cursor.fetchone()
    return Interaction.objects.get(pk=row[0]) if row else None


@functools.cache
def _EXISTING_SQL() -> str:  # noqa: N802 - a constant computed once the models are loaded
    quote = connection.ops.quote_name
    return (
        f"SELECT {quote('id')} FROM {quote(Interaction._meta.db_table)} "  # noqa: S608
        f"WHERE {quote('source')} = %s AND {quote('external_id')} = %s "
        # The unique index's condition, written as Django writes it, so both databases use it.
        f"AND NOT ({quote('external_id')} = '')"
    )


def _store(interaction: Interaction, *, by: User | None) -> None:
    """Write a prepared interaction (its party claimed), move its conversation's last time
    forward, audit it, and publish InteractionRecorded."""
    party_id = interaction.party_id
    if interaction.conversation_id is not None:
        moved = Conversation.objects.filter(pk=interaction.conversation_id, party_id=party_id)
        if not moved.exists():
            raise InvalidInput(
                _("No such conversation for this customer."), field="conversation_id"
            )
        moved.filter(last_at__lt=interaction.occurred_at).update(last_at=interaction.occurred_at)
    insert_instance(interaction)
    audit.record(by, "timeline.interaction.recorded", interaction, data={"party": party_id})
    events.publish(
        InteractionRecorded(
            interaction_id=interaction.pk,
            party_id=party_id,
            channel=interaction.channel,
            kind=interaction.kind,
        )
    )


@transaction.atomic
def open_conversation(
    party: Party,
    *,
    channel: str,
    subject: str,
    by: User | None,
    started_at: dt.datetime | None = None,
) -> Conversation:
    """Start an episode for `party`. Side effects: audit entry."""
    if channel not in Channel.values:
        raise InvalidInput(_("Unknown channel."), field="channel")
    now = started_at or timezone.now()
    conv = Conversation.objects.create(
        party=party, channel=channel, subject=subject[:255], started_at=now, last_at=now
    )
    audit.record(by, "timeline.conversation.opened", conv, data={"party": party.pk})
    return conv


@transaction.atomic
def ingest_batch(items: list[InteractionInput], *, by: User | None) -> int:
    """Store many interactions in a few queries; return how many were new.

    Contact points are identified in one query per kind; unknown ones become provisional
    parties in one bulk insert. Repeats on (source, external_id) are skipped. Interactions are
    append-only and carry their provenance (source, recorded_by, created_at), so the batch gets
    one audit entry rather than one per row. Side effects: InteractionsIngested after commit.
    """
    if not items:
        return 0
    for item in items:
        _validate(item)
    seen = _stored_keys(items)
    fresh: list[InteractionInput] = []
    for item in items:
        key = (item.source, item.external_id)
        if item.external_id and key in seen:
            continue
        if item.external_id:
            seen.add(key)
        fresh.append(item)
    _check_references(fresh)
    party_ids = _identify_batch(fresh, by=by)
    now = timezone.now()
    stamp, by_id = db_datetime(now), getattr(by, "pk", None)
    rows: list[tuple[Any, ...]] = []
    latest: dict[int, dt.datetime] = {}
    db_times: dict[dt.datetime, Any] = {now: stamp}  # most rows share a time: adapt it once
    for i, pid in zip(fresh, party_ids, strict=True):
        when = i.occurred_at or now
        if pid not in latest or when > latest[pid]:
            latest[pid] = when
        db_when = db_times.get(when)
        if db_when is None:
            db_when = db_times[when] = db_datetime(when)
        rows.append((
            pid, i.channel, i.direction, i.kind, db_when, i.staff_id, i.subject.strip(),
            clean_html(i.body) if "<" in i.body else i.body, i.outcome, i.duration_seconds,
            db_decimal(_cost(i.cost)), i.currency or (settings.DEFAULT_CURRENCY if i.cost else ""),
            i.contact_value[:255], i.conversation_id, i.link.get("app", ""),
            i.link.get("model", ""), str(i.link.get("pk", "")), i.link.get("label", "")[:200],
            i.source, i.external_id, by_id, stamp,
        ))  # fmt: skip
    insert_rows(Interaction, _BATCH_FIELDS, rows)
    _bump_last_interaction(latest)
    if rows:
        audit.record_batch(by, "timeline.batch.ingested", Interaction, data={"count": len(rows)})
        events.publish(InteractionsIngested(party_ids=tuple(sorted(latest)), count=len(rows)))
    return len(rows)


def _check_references(items: list[InteractionInput]) -> None:
    """Refuse unknown staff or conversation ids before anything is written."""
    for field_name, model in (("staff_id", User), ("conversation_id", Conversation)):
        wanted = {getattr(i, field_name) for i in items} - {None}
        found: set[int] = set()
        for chunk in _chunks(sorted(wanted), 900):
            found.update(model.objects.filter(pk__in=chunk).values_list("pk", flat=True))
        if wanted - found:
            raise InvalidInput(
                _("No record with id %(id)s.") % {"id": min(wanted - found)}, field=field_name
            )


def _stored_keys(items: list[InteractionInput]) -> set[tuple[str, str]]:
    """Return the (source, external_id) pairs among `items` that are already stored."""
    by_source: dict[str, list[str]] = {}
    for item in items:
        if item.external_id:
            by_source.setdefault(item.source, []).append(item.external_id)
    seen: set[tuple[str, str]] = set()
    with connection.cursor() as cursor:
        for source, ids in by_source.items():
            condition, params = in_list(_q("external_id"), ids)
            cursor.execute(f"{_STORED_SQL()} AND {condition}", [source, *params])
            seen.update((source, x) for (x,) in cursor.fetchall())
    return seen


@functools.cache
def _STORED_SQL() -> str:  # noqa: N802 - a constant computed once the models are loaded
    return (
        f"SELECT {_q('external_id')} FROM {_q(Interaction._meta.db_table)} "  # noqa: S608
        # The unique index's condition, written as Django writes it, so both databases use it.
        f"WHERE NOT ({_q('external_id')} = '') AND {_q('source')} = %s"
    )


def _bump_last_interaction(latest: dict[int, dt.datetime]) -> None:
    """Move each party's last contact time forward, never back, in one UPDATE per time.

    The condition lives in the UPDATE itself, so concurrent batches cannot move it back.
    """
    by_time: dict[dt.datetime, list[int]] = {}
    for pid, when in latest.items():
        by_time.setdefault(when, []).append(pid)
    with connection.cursor() as cursor:
        for when, pids in by_time.items():
            condition, params = in_list(_q("id"), pids)
            stamp = db_datetime(when)
            cursor.execute(f"{_BUMP_MANY_SQL()} AND {condition}", [stamp, stamp, *params])


@functools.cache
def _BUMP_MANY_SQL() -> str:  # noqa: N802 - a constant computed once the models are loaded
    last = _q("last_interaction_at")
    return (
        f"UPDATE {_q(Party._meta.db_table)} SET {last} = %s "  # noqa: S608
        f"WHERE ({last} IS NULL OR {last} < %s)"
    )


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _chunks(values: list[Any], size: int) -> list[list[Any]]:
    return [values[i : i + size] for i in range(0, len(values), size)]


def _identify_batch(items: list[InteractionInput], *, by: User | None) -> list[int]:
    """Return each item's party id: given, or found (or created) from its contact point."""
    raw: list[tuple[str, str] | None] = []
    for item in items:
        if item.party_id is not None:
            raw.append(None)
            continue
        kind = identity.contact_kind(item)
        if not kind or not item.contact_value:
            raise InvalidInput(
                _("Give a party id or a contact point (kind and value)."), field="contact"
            )
        raw.append((kind, item.contact_value))
    given = {i.party_id for i in items if i.party_id is not None}
    survivors: dict[int, int] = {}  # a merged party's id → the party that absorbed it
    if given:
        found: set[int] = set()
        for chunk in _chunks(sorted(given), 900):
            for pk, merged_into in Party.objects.filter(pk__in=chunk).values_list(
                "pk", "merged_into_id"
            ):
                found.add(pk)
                if merged_into:
                    survivors[pk] = party_selectors.survivor_id_of(pk)
        if given - found:
            raise InvalidInput(
                _("No customer with id %(id)s.") % {"id": min(given - found)}, field="party_id"
            )
    normalized, known = contacts.identify(raw)
    missing = sorted({key for key in normalized if key is not None and key not in known})
    if missing:
        wanted, names = set(missing), {}
        for item, key in zip(items, normalized, strict=True):
            if key in wanted and item.contact_name:
                names[key] = item.contact_name
        parties = [
            Party(
                kind=PartyKind.PERSON,
                status=PartyStatus.PROVISIONAL,
                display_name=names.get(key, key[1])[:200],
                source="ingest",
                search_text=f"{names.get(key, '')} {key[1]}".strip().lower(),
            )
            for key in missing
        ]
        Party.objects.bulk_create(parties, batch_size=1000)
        if parties[0].pk is None:  # backends without RETURNING on bulk insert
            raise RuntimeError("bulk insert did not return primary keys")
        ContactPoint.objects.bulk_create(
            [
                ContactPoint(party=p, kind=k, value=v, raw=v, is_primary=True)
                for p, (k, v) in zip(parties, missing, strict=True)
            ],
            batch_size=1000,
        )
        audit.record_many(by, "parties.party.created", parties)
        known.update({key: p.pk for key, p in zip(missing, parties, strict=True)})
    return [
        known[key]
        if key is not None
        else survivors.get(int(item.party_id or 0), int(item.party_id or 0))
        for item, key in zip(items, normalized, strict=True)
    ]
