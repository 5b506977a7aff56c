"""API: record interactions (one, or a batch) and read them back, newest first.

Writes go through `timeline.services` (idempotent on source + external_id); this module
adds what a remote caller needs on top: visibility of the named party and conversation,
errors that name the field (and the batch item), and `Idempotency-Key` replays.
"""

from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from reservoir.core.api import Id, IdempotencyKey, Page, idempotent, paginate
from reservoir.core.errors import Conflict, InvalidInput, NotFound
from reservoir.iam.models import User
from reservoir.iam.visibility import scope_for, visible_team_ids
from reservoir.parties import selectors as party_selectors
from reservoir.timeline import selectors, services
from reservoir.timeline.contacts import normalize_cached
from reservoir.timeline.enums import CHANNEL_IDENTITY
from reservoir.timeline.models import Interaction
from reservoir.timeline.schemas import (
    BatchResult,
    InteractionBatchIn,
    InteractionFilters,
    InteractionIn,
    InteractionOut,
)

router = Router()


def _check(payload: InteractionIn, prefix: str = "") -> None:
    """Refuse an item the service would refuse, naming the field (with the batch index)."""
    if (payload.party_id is None) == (payload.contact is None):
        raise InvalidInput(
            _("Give party_id or contact (exactly one of them)."), field=f"{prefix}party_id"
        )
    if payload.contact is not None:
        kind = payload.contact.kind or CHANNEL_IDENTITY.get(payload.channel, "")
        if not kind:
            raise InvalidInput(
                _("Say which kind of contact point identifies a %(c)s contact.")
                % {"c": payload.channel},
                field=f"{prefix}contact.kind",
            )
        try:  # memoized: the service normalizes the same value again
            normalize_cached(kind, payload.contact.value, settings.DEFAULT_PHONE_REGION)
        except InvalidInput as exc:
            raise InvalidInput(exc.message, field=f"{prefix}contact.value") from exc


def _to_input(payload: InteractionIn) -> services.InteractionInput:
    contact = payload.contact
    return services.InteractionInput(
        channel=payload.channel,
        direction=payload.direction,
        party_id=payload.party_id,
        contact_kind=(contact.kind or "") if contact else "",
        contact_value=contact.value if contact else "",
        contact_name=contact.name if contact else "",
        kind=payload.kind,
        occurred_at=payload.occurred_at,
        subject=payload.subject,
        body=payload.body,
        outcome=payload.outcome,
        duration_seconds=payload.duration_seconds,
        cost=payload.cost,
        currency=payload.currency,
        conversation_id=payload.conversation_id,
        link=payload.link.model_dump() if payload.link else {},
        source=payload.source,
        external_id=payload.external_id,
    )


def _unknown_party(party_id: int, field: str) -> InvalidInput:
    return InvalidInput(_("No customer with id %(id)s.") % {"id": party_id}, field=field)


def _check_refs(actor: User, items: list[InteractionIn], *, batch: bool) -> None:
    """Check that named parties and conversations exist and are visible (two queries)."""
    prefix = [f"items[{i}]." if batch else "" for i in range(len(items))]
    party_ids = {p.party_id for p in items if p.party_id is not None}
    if party_ids:
        visible = _visible_party_ids(actor, sorted(party_ids))
        for i, p in enumerate(items):
            if p.party_id is not None and p.party_id not in visible:
                raise _unknown_party(p.party_id, f"{prefix[i]}party_id")
    conv_ids = sorted({p.conversation_id for p in items if p.conversation_id is not None})
    if conv_ids:
        found = selectors.visible_conversation_parties(actor=actor, ids=conv_ids)
        for i, p in enumerate(items):
            if p.conversation_id is None:
                continue
            owner = found.get(p.conversation_id)
            if owner is None or (p.party_id is not None and owner != p.party_id):
                raise InvalidInput(
                    _("No such conversation for this customer."),
                    field=f"{prefix[i]}conversation_id",
                )


# (scope, user id, visible team ids, number of ids) → (SQL, params, where the ids go).
_VISIBLE_SQL: dict[tuple[Any, ...], tuple[str, list[Any], list[int]]] = {}
_VISIBLE_SQL_MAX = 2048


def _visible_party_ids(actor: User, ids: list[int]) -> set[int]:
    """Return those of `ids` (distinct) naming parties `actor` may see (`for_user`), in one query.

    Every recorded contact checks its party, and compiling that ORM query cost more than the
    query itself; so the SQL is compiled once per shape and reused with the ids swapped in.
    `for_user` depends on the user only through `visible_q`'s inputs (scope, id, visible
    teams), which make up the cache key; the ids are compiled as negative placeholders (never
    a primary key, nor any other parameter of `for_user`) so their positions can be found.
    """
    scope = scope_for(actor)
    if not scope:
        return set()
    key = (scope, actor.pk, tuple(sorted(visible_team_ids(actor))), len(ids))
    cached = _VISIBLE_SQL.get(key)
    if cached is None:
        marks = [-1 - i for i in range(len(ids))]
        qs = party_selectors.for_user(actor).filter(pk__in=marks).values_list("pk", flat=True)
        sql, compiled = qs.query.sql_with_params()
        template = list(compiled)
        slots = [template.index(m) for m in marks]
        if len(_VISIBLE_SQL) >= _VISIBLE_SQL_MAX:
            _VISIBLE_SQL.clear()
        cached = _VISIBLE_SQL[key] = (sql, template, slots)
    sql, template, slots = cached
    params = list(template)
    for slot, pk in zip(slots, ids, strict=True):
        params[slot] = pk
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


@router.post(
    "/interactions",
    response={201: InteractionOut, 200: InteractionOut},
    summary="Record an interaction (200 when source + external_id repeat)",
)
@idempotent("timeline.interaction", atomic=False)
def record_interaction(
    request: HttpRequest, payload: InteractionIn, idempotency_key: IdempotencyKey = None
) -> tuple[int, InteractionOut]:
    actor = request.auth  # type: ignore[attr-defined]
    _check(payload)
    _check_refs(actor, [payload], batch=False)
    interaction, created = services.record_interaction(_to_input(payload), by=actor)
    if not created and not selectors.for_user(actor).filter(pk=interaction.pk).exists():
        # Do not reveal another team's interaction through a guessed external id.
        raise Conflict(_("This source and external id are already used."), field="external_id")
    return (201 if created else 200), InteractionOut.from_orm(interaction)


@router.post(
    "/interactions/batch",
    response=BatchResult,
    summary="Record up to 1,000 interactions, all or nothing",
)
@idempotent("timeline.batch", atomic=False)
def ingest_batch(
    request: HttpRequest, payload: InteractionBatchIn, idempotency_key: IdempotencyKey = None
) -> tuple[int, BatchResult]:
    actor = request.auth  # type: ignore[attr-defined]
    for i, item in enumerate(payload.items):
        _check(item, f"items[{i}].")
    _check_refs(actor, payload.items, batch=True)
    created = services.ingest_batch([_to_input(i) for i in payload.items], by=actor)
    return 200, BatchResult(received=len(payload.items), created=created)


@router.get("/interactions", response=Page[InteractionOut], summary="The timeline, newest first")
def list_interactions(request: HttpRequest, filters: Query[InteractionFilters]) -> dict[str, Any]:
    actor = request.auth  # type: ignore[attr-defined]
    if filters.party_id is not None:
        party_selectors.get_party(actor=actor, party_id=filters.party_id)
    qs = selectors.list_timeline(
        actor=actor,
        party_id=filters.party_id,
        channels=list(filters.channel),
        kinds=list(filters.kind),
        since=filters.since,
        until=filters.until,
        direction=filters.direction or "",
        conversation_id=filters.conversation_id,
    )
    order = ("-occurred_at", "-id")
    return paginate(qs, order, cursor=filters.cursor, limit=filters.limit)


@router.get("/interactions/{interaction_id}", response=InteractionOut, summary="One interaction")
def get_interaction(request: HttpRequest, interaction_id: Id) -> Interaction:
    found = selectors.get_interaction(actor=request.auth, interaction_id=interaction_id)  # type: ignore[attr-defined]
    if found is None:
        raise NotFound(_("No interaction with id %(id)s.") % {"id": interaction_id})
    return found
