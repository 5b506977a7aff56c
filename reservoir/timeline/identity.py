"""Which party one interaction belongs to, for `services.record_interaction`.

Finding the party (normalizing a phone, the contact-point lookup) only reads, so it runs
before the write transaction. Claiming it runs inside, as one UPDATE ... RETURNING that moves
the party's last contact time forward and, by returning its status, proves the party still
exists and has not been merged meanwhile. On SQLite one writer at a time bounds the
ingestion rate, so every statement inside the write lock counts; on PostgreSQL it is one
round trip fewer. The SQL is hand-written and built once (these run on every contact).
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from reservoir.core.bulk import db_datetime
from reservoir.core.errors import InvalidInput
from reservoir.parties import selectors as party_selectors
from reservoir.parties import services as party_services
from reservoir.parties.enums import PartyKind, PartyStatus
from reservoir.parties.models import Party
from reservoir.timeline.contacts import normalize_cached
from reservoir.timeline.enums import CHANNEL_IDENTITY

if TYPE_CHECKING:
    from reservoir.iam.models import User
    from reservoir.timeline.services import InteractionInput

MAX_PK = 2**63 - 1  # the drivers refuse integers beyond 64 bits


def contact_kind(item: InteractionInput) -> str:
    """The kind of contact point that identifies `item`: its own, else its channel's."""
    return item.contact_kind or CHANNEL_IDENTITY.get(item.channel, "")


def find_party(item: InteractionInput) -> tuple[int | None, tuple[str, str] | None]:
    """Return (the party id `item` names, or None when no stored contact point matches; the
    normalized contact point, or None when the item names a party id). Reads only; a named
    id is checked when it is claimed. Raises InvalidInput for a missing or bad contact.
    """
    if item.party_id is not None:
        if not 0 < item.party_id <= MAX_PK:
            raise no_party(item.party_id)
        return item.party_id, None
    kind = contact_kind(item)
    if not item.contact_value or not kind:
        raise InvalidInput(
            _("Give a party id or a contact point (kind and value)."), field="contact"
        )
    value = normalize_cached(kind, item.contact_value, settings.DEFAULT_PHONE_REGION)
    party = party_selectors.identify(kind, value)
    return (party.pk if party is not None else None), (kind, value)


def claim_party(
    item: InteractionInput,
    found: tuple[int | None, tuple[str, str] | None],
    when: dt.datetime,
    *,
    by: User | None,
) -> int:
    """Inside the write transaction: return the id of the party `found` names, having moved
    its last contact time forward to `when` (never back). A merged party hands over to the
    party that absorbed it; a contact point nobody has (or whose party has gone) gets a
    provisional party, unless another request created one meanwhile.
    Side effects: one UPDATE per party touched; may create a party (audited).
    """
    party_id, contact = found
    if party_id is not None:
        status = _bump(party_id, when)
        if status == PartyStatus.MERGED:
            party_id = party_selectors.survivor_id_of(party_id)
            _bump(party_id, when)
            return party_id
        if status is not None:
            return party_id
        if contact is None:
            raise no_party(party_id)
    assert contact is not None
    kind, value = contact
    party = party_selectors.identify(kind, value)
    party_id = party.pk if party is not None else _create_provisional(item, kind, value, by=by)
    _bump(party_id, when)
    return party_id


def resolve_party_id(item: InteractionInput, *, by: User | None) -> int:
    """Return the id of the party an interaction belongs to; create a provisional one if none.

    A party id of a merged party lands on the party that absorbed it.
    Side effects: may create a provisional party with the contact point (audited).
    """
    party_id, contact = find_party(item)
    if party_id is not None and contact is None:
        status = _status(party_id)
        if status is None:
            raise no_party(party_id)
        return (
            party_selectors.survivor_id_of(party_id) if status == PartyStatus.MERGED else party_id
        )
    if party_id is not None:
        return party_id
    assert contact is not None
    return _create_provisional(item, *contact, by=by)


def _create_provisional(item: InteractionInput, kind: str, value: str, *, by: User | None) -> int:
    """Create a provisional person with the contact point (audited); return its id."""
    return party_services.create_party(
        by=by,
        kind=PartyKind.PERSON,
        display_name=item.contact_name.strip() or value,
        status=PartyStatus.PROVISIONAL,
        contact_points=[(kind, value)],
        source=item.channel,
    ).pk


def no_party(party_id: int) -> InvalidInput:
    return InvalidInput(_("No customer with id %(id)s.") % {"id": party_id}, field="party_id")


def _bump(party_id: int, when: dt.datetime) -> str | None:
    """Move the party's last contact time forward to `when`; return its status (None: gone)."""
    stamp = db_datetime(when)
    with connection.cursor() as cursor:
        cursor.execute(_BUMP_SQL(), [PartyStatus.MERGED.value, stamp, stamp, party_id])
        row = cursor.fetchone()
    return row[0] if row else None


def _status(party_id: int) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(_STATUS_SQL(), [party_id])
        row = cursor.fetchone()
    return row[0] if row else None


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


@functools.cache
def _BUMP_SQL() -> str:  # noqa: N802 - a constant computed once the models are loaded
    last = _q("last_interaction_at")
    # The condition lives in the UPDATE itself, so concurrent writers cannot move it back;
    # a merged party keeps its time (the survivor's moves instead).
    return (
        f"UPDATE {_q(Party._meta.db_table)} SET {last} = CASE "  # noqa: S608
        f"WHEN {_q('status')} <> %s AND ({last} IS NULL OR {last} < %s) THEN %s ELSE {last} END "
        f"WHERE {_q('id')} = %s RETURNING {_q('status')}"
    )


@functools.cache
def _STATUS_SQL() -> str:  # noqa: N802 - a constant computed once the models are loaded
    return f"SELECT {_q('status')} FROM {_q(Party._meta.db_table)} WHERE {_q('id')} = %s"  # noqa: S608
