"""Automation conditions in Reservoir's one expression language (decisions.expressions).

The schema is the decisions fact registry plus facts automation adds itself: the event that
triggered the run (`event.*`) and two party facts only automations need (`customer.tags`,
`customer.source`). Compiled conditions are cached per (source text); facts are read lazily
through a `decisions.facts.FactSet`, so a condition that only reads `event.kind` costs no query.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from reservoir.decisions import facts as registry
from reservoir.decisions.expressions import Checked, ExpressionError, check, evaluator
from reservoir.decisions.facts import DecisionContext, FactSet
from reservoir.decisions.types import BOOL, DYN, INT, STRING, FactType, list_of
from reservoir.parties.models import Party

__all__ = ["ExpressionError", "RunFacts", "compiled", "schema", "validate"]

EVENT_FACTS: dict[str, FactType] = {
    "event.kind": STRING,
    "event.channel": STRING,
    "event.interaction_kind": STRING,
    "event.trait": STRING,
    "event.fields": list_of(STRING),
    "event.provisional": BOOL,
    "event.order_id": INT,
    "event.case_id": INT,
    "event.case_type": STRING,
    "event.priority": STRING,
    "event.target": STRING,
    "event.depth": INT,
}
OWN_FACTS: dict[str, FactType] = {
    "customer.tags": list_of(STRING),
    "customer.source": STRING,
}
_EVENT_DEFAULTS = {
    "event.fields": [],
    "event.provisional": False,
    "event.order_id": 0,
    "event.case_id": 0,
}


def schema() -> dict[str, FactType]:
    return {**registry.schema(), **EVENT_FACTS, **OWN_FACTS}


def validate(source: str) -> Checked | None:
    """Type-check a condition (empty means "always"); raise ExpressionError (line, column)."""
    if not source.strip():
        return None
    checked = check(source, schema())
    if checked.type not in (BOOL, DYN):
        raise ExpressionError(
            _("the condition must be true or false, this gives %(t)s.") % {"t": checked.type},
            column=1,
        )
    return checked


@functools.lru_cache(maxsize=2048)
def compiled(source: str) -> Callable[[Mapping[str, Any], Mapping[str, Any]], Any] | None:
    """The evaluator of a saved condition (None: always true), compiled once per text."""
    checked = validate(source)
    return evaluator(checked) if checked is not None else None


@functools.cache
def _source_sql() -> str:
    return f"SELECT source FROM {Party._meta.db_table} WHERE id = %s"  # noqa: S608


def _own_facts(party_id: int, factset: FactSet) -> dict[str, Any]:
    """Tags (the trait "tags", as the import writes it, plus the party's source) and source.

    The traits come from the registry's party provider (already read for other facts);
    the source costs one indexed read (raw SQL: this runs for every condition).
    """
    with connection.cursor() as cursor:
        cursor.execute(_source_sql(), [party_id])
        row = cursor.fetchone()
    source = (row[0] if row else "") or ""
    value = (factset["customer.traits"] or {}).get("tags")
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = [value]
    tags = [str(v) for v in value] if isinstance(value, list) else []
    if source and source not in tags:
        tags.append(source)
    return {"customer.tags": tags, "customer.source": source}


class RunFacts(Mapping[str, Any]):
    """The facts of one run: event facts, automation's own, then the decisions registry."""

    def __init__(self, party_id: int | None, event: Mapping[str, Any], at: dt.datetime | None):
        self.party_id = party_id
        self.event = event
        self.factset = FactSet(party_id or 0, DecisionContext("automation", at or timezone.now()))
        self._own: dict[str, Any] | None = None

    def __getitem__(self, path: str) -> Any:
        if path.startswith("event."):
            return self.event.get(path[6:], _EVENT_DEFAULTS.get(path, ""))
        if path in OWN_FACTS:
            if self._own is None:
                self._own = (
                    _own_facts(self.party_id, self.factset)
                    if self.party_id
                    else {"customer.tags": [], "customer.source": ""}
                )
            return self._own[path]
        return self.factset[path]

    def __iter__(self) -> Iterator[str]:
        return iter(schema())

    def __len__(self) -> int:
        return len(schema())


def holds(source: str, party_id: int | None, event: Mapping[str, Any]) -> bool:
    """Evaluate a saved condition for one party and event (raises on evaluation errors)."""
    fn = compiled(source)
    if fn is None:
        return True
    return bool(fn(RunFacts(party_id, event, None), {}))
