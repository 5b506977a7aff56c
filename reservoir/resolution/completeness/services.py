"""Writes for data completeness: the weights, and the `completeness` trait of each party.

One party is rescored through `parties.services.set_trait` (audited, TraitChanged). The
whole base is rescored with one upsert per 5,000 changed rows: `set_trait` costs about ten
queries a party, far too slow for 100,000 parties. parties has no bulk trait service yet, so
`_upsert_traits` writes parties' Trait and TraitHistory tables directly (the only place
resolution does): only changed values are written, history rows are appended for them, and
the run is audited once. Per-party TraitChanged events are not published by the bulk path.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, cast

from django.db import connection, transaction
from django.db.models import Field, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from reservoir.audit import services as audit
from reservoir.core.bulk import db_datetime, insert_rows
from reservoir.core.errors import InvalidInput, PermissionDenied
from reservoir.iam.enums import Role
from reservoir.iam.models import User
from reservoir.parties import services as party_services
from reservoir.parties.enums import PartyStatus, TraitSource
from reservoir.parties.models import Party, Trait, TraitHistory
from reservoir.resolution.completeness.fields import BY_KEY, FIELDS
from reservoir.resolution.completeness.scoring import (
    TRAIT_KEY,
    Scorer,
    presence_of,
    presence_rows,
)
from reservoir.resolution.completeness.weights import MAX_WEIGHT, Weights, get_weights
from reservoir.resolution.models.completeness import CompletenessRun, CompletenessWeight

WRITE_BATCH = 5000


def can_edit_weights(user: User) -> bool:
    """Administrators and managers set the weights."""
    return user.is_authenticated and user.has_role(Role.MANAGER)


def validate_weights(values: Mapping[str, tuple[int, str]]) -> None:
    """Raise InvalidInput for an unknown field, a weight outside 0–100 or a kind not allowed."""
    for key, (weight, applies_to) in values.items():
        spec = BY_KEY.get(key)
        if spec is None:
            raise InvalidInput(_("Unknown field: %(f)s") % {"f": key}, field=key)
        if not 0 <= weight <= MAX_WEIGHT:
            raise InvalidInput(
                _("A weight is a whole number from 0 to %(max)s.") % {"max": MAX_WEIGHT},
                field=key,
            )
        if applies_to not in spec.allowed:
            raise InvalidInput(
                _("%(field)s cannot apply to that kind of party.") % {"field": spec.label},
                field=key,
            )


@transaction.atomic
def save_weights(*, by: User, values: Mapping[str, tuple[int, str]]) -> list[str]:
    """Set the weights of the given fields; return the keys that changed.

    Side effects: one audit entry per changed field; when anything changed, the whole base
    is queued for rescoring (the task is enqueued in this transaction, so it runs only if
    the weights commit).
    """
    if not can_edit_weights(by):
        raise PermissionDenied(_("Only administrators and managers set completeness weights."))
    validate_weights(values)
    current = get_weights().by_key()
    rows = {r.field_key: r for r in CompletenessWeight.objects.select_for_update()}
    changed = []
    for spec in FIELDS:
        if spec.key not in values:
            continue
        weight, applies_to = values[spec.key]
        old = current[spec.key]
        if (old.weight, old.applies_to) == (weight, applies_to):
            continue
        row = rows.get(spec.key) or CompletenessWeight(field_key=spec.key)
        row.weight, row.applies_to, row.updated_by = weight, applies_to, by
        row.save()
        audit.record(
            by,
            "resolution.completeness_weight.changed",
            row,
            audit.diff(
                {"weight": old.weight, "applies_to": old.applies_to},
                {"weight": weight, "applies_to": applies_to},
            ),
        )
        changed.append(spec.key)
    if changed:
        from reservoir.resolution.tasks_completeness import recompute_completeness

        recompute_completeness.enqueue(trigger="weights")
    return changed


def recompute_party(party_id: int, *, weights: Weights | None = None) -> bool:
    """Rescore one party; return True when its trait changed.

    Side effects (only when the score, the missing fields or the weights changed): the
    `completeness` trait through parties.services.set_trait (audit entry, TraitChanged).
    Merged and unknown parties are skipped.
    """
    row = presence_of(party_id)
    if row is None:
        return False
    weights = weights or get_weights()
    value = Scorer(weights).score(row.kind, row.mask).trait_value()
    current = Trait.objects.filter(party_id=party_id, key=TRAIT_KEY).first()
    if current is not None and (current.value, current.model_version) == (
        value,
        weights.version,
    ):
        return False
    party = Party.objects.get(pk=party_id)
    party_services.set_trait(
        party,
        key=TRAIT_KEY,
        value=value,
        source=TraitSource.COMPUTED,
        by=None,
        model_version=weights.version,
    )
    return True


def recompute(
    *, trigger: str, party_ids: Iterable[int] | None = None, by: User | None = None
) -> CompletenessRun:
    """Rescore every party that is not merged (or only `party_ids`); return the run.

    Side effects: changed `completeness` traits upserted and their history appended, in
    one transaction per 5,000 changes; a CompletenessRun row and its audit entry.
    """
    started = timezone.now()
    weights = get_weights()
    qs = Party.objects.exclude(status=PartyStatus.MERGED)
    if party_ids is not None:
        qs = qs.filter(pk__in=list(party_ids))
    stored = _stored_traits(qs)
    version = weights.version
    scorer = Scorer(weights)
    parties, total_score = 0, 0
    pending: list[tuple[int, dict[str, object], bool]] = []
    changed = 0
    for row in presence_rows(qs):
        result = scorer.score(row.kind, row.mask)
        value = result.trait_value()
        parties += 1
        total_score += result.score
        old = stored.get(row.party_id)
        if old == (value, version):
            continue
        pending.append((row.party_id, value, old is None or old[0] != value))
        if len(pending) >= WRITE_BATCH:
            changed += _upsert_traits(pending, version)
            pending = []
    changed += _upsert_traits(pending, version)
    with transaction.atomic():
        run = CompletenessRun.objects.create(
            trigger=trigger[:20],
            weights_version=version,
            started_at=started,
            finished_at=timezone.now(),
            parties=parties,
            changed=changed,
            average=round(total_score / parties, 1) if parties else None,
        )
        audit.record(
            by,
            "resolution.completeness.recomputed",
            run,
            data={"trigger": trigger, "parties": parties, "changed": changed},
        )
    return run


def _stored_traits(parties: QuerySet[Party]) -> dict[int, tuple[Any, str]]:
    """{party id: (value, model_version)} of the stored `completeness` traits of `parties`.

    Read with a plain cursor and each distinct JSON text decoded once: the ORM decodes every
    row, and 100,000 decodes of a few hundred distinct values cost seconds.
    """
    rows = Trait.objects.filter(key=TRAIT_KEY, party__in=parties.order_by().values("pk"))
    sql, params = rows.values_list("party_id", "value", "model_version").query.sql_with_params()
    decoded: dict[str, Any] = {}
    out: dict[int, tuple[Any, str]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(WRITE_BATCH):
            for party_id, raw, version in chunk:
                value = raw
                if isinstance(raw, str | bytes):  # SQLite: text; PostgreSQL: already decoded
                    text = raw if isinstance(raw, str) else raw.decode()
                    if text not in decoded:
                        decoded[text] = json.loads(text)
                    value = decoded[text]
                out[party_id] = (value, version)
    return out


@transaction.atomic
def _upsert_traits(rows: Sequence[tuple[int, dict[str, object], bool]], version: str) -> int:
    """Insert or update the `completeness` trait of each (party, value, value_changed) row;
    append history for the values that changed. Return the number of rows written."""
    if not rows:
        return 0
    now = timezone.now()
    at = db_datetime(now)
    value_field = Trait._meta.get_field("value")
    quote = connection.ops.quote_name
    names = ("party", "key", "value", "source", "model_version", "computed_at")
    cols = [str(cast(Field[Any, Any], Trait._meta.get_field(n)).column) for n in names]
    table = quote(str(Trait._meta.db_table))
    unique = ", ".join(quote(c) for c in cols[:2])
    updates = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in cols[2:])
    sql = (
        f"INSERT INTO {table} ({', '.join(quote(c) for c in cols)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(cols))}) "
        f"ON CONFLICT ({unique}) DO UPDATE SET {updates}"
    )
    params = [
        (pk, TRAIT_KEY, _json(value_field, value), TraitSource.COMPUTED, version, at)
        for pk, value, _value_changed in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
    history = [
        (pk, TRAIT_KEY, _json(value_field, value), TraitSource.COMPUTED, version, at)
        for pk, value, value_changed in rows
        if value_changed
    ]
    insert_rows(
        TraitHistory,
        ("party", "key", "value", "source", "model_version", "computed_at"),
        history,
    )
    return len(rows)


def _json(field: Any, value: object) -> Any:
    """A JSON value in the form the database driver takes."""
    if connection.vendor == "sqlite":
        return json.dumps(value, ensure_ascii=False)
    return field.get_db_prep_value(value, connection)
