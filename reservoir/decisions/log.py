"""Writing the decision log without letting it dominate a decision's time budget.

Outside a request (workers, scripts, tests) an entry is one raw INSERT in the caller's
transaction (the ORM's save costs ≈5× the INSERT itself; raw SQL keeps the log inside the
2 ms budget). Inside a request the entry is buffered and written in one bulk INSERT when
the request finishes, after the response has been handed to the server (Django's
`request_finished` signal, connected in `DecisionsConfig.ready`), so the caller never waits
for it. A full buffer is flushed at once, so a burst cannot grow memory without bound. Batch callers
(a worker deciding for a campaign's audience) wrap their loop in `batch()` for the same
effect: one bulk INSERT at the end instead of one per decision.

The stored outputs are compact (offer codes, discounts, suppressions, fired rows as
table/version/row): the table versions are kept, so every reason can be looked up.
"""

from __future__ import annotations

import contextlib
import functools
import json
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction

from reservoir.decisions.models import DecisionLog

if TYPE_CHECKING:
    from reservoir.decisions.engine import Decision
    from reservoir.decisions.facts import DecisionContext

MAX_BUFFER = 500
_LOCK = threading.Lock()
_STATE = threading.local()
_BUFFER: list[DecisionLog] = []
_COLUMNS = (
    "decided_at", "party_id", "channel", "actor_id", "facts_digest", "outputs_digest",
    "facts", "outputs", "versions", "duration_us",
)  # fmt: skip
_JSON = {"facts", "outputs", "versions"}


def outputs_of(decision: Decision) -> dict[str, Any]:
    return {
        "offers": [[o.code, o.kind, o.expected_value] for o in decision.offers],
        "withheld": [[o.code, o.kind] for o in decision.withheld],
        "discounts": [[d.pct, d.applies_to] for d in decision.discounts],
        "price_list": decision.price_list,
        "suppressions": [[s.kind, s.source, s.reason] for s in decision.suppressions],
        "priority": decision.priority,
        "scripts": decision.scripts,
        "fired": [[f.table, f.version, f.row] for f in decision.fired],
    }


def entry(decision: Decision, context: DecisionContext, actor: Any) -> DecisionLog:
    return DecisionLog(
        decided_at=context.at,
        party_id=decision.party_id,
        channel=decision.channel,
        actor_id=getattr(actor, "pk", None),
        facts_digest=decision.facts_digest,
        outputs_digest=decision.outputs_digest,
        facts=decision.facts,
        outputs=outputs_of(decision),
        versions=decision.versions,
        duration_us=decision.duration_us,
    )


@functools.cache
def _insert_sql() -> str:
    cast = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    marks = ", ".join(cast if c in _JSON else "%s" for c in _COLUMNS)
    return f"INSERT INTO {DecisionLog._meta.db_table} ({', '.join(_COLUMNS)}) VALUES ({marks})"  # noqa: S608


def _params(row: DecisionLog) -> list[Any]:
    values = [getattr(row, c) for c in _COLUMNS]
    values[0] = connection.ops.adapt_datetimefield_value(row.decided_at)
    for i, column in enumerate(_COLUMNS):
        if column in _JSON:
            values[i] = json.dumps(values[i], ensure_ascii=False, default=str)
    return values


def _insert(row: DecisionLog) -> None:
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(), _params(row))


@contextlib.contextmanager
def batch() -> Iterator[None]:
    """Buffer the log rows of every decision in the block; write them in bulk at its end."""
    depth = getattr(_STATE, "depth", 0)
    _STATE.depth = depth + 1
    try:
        yield
    finally:
        _STATE.depth = depth
        if depth == 0:
            flush()


def append(
    decision: Decision, context: DecisionContext, actor: Any, *, deferred: bool = False
) -> None:
    """Log `decision`: now (one INSERT), or at the end of the request or `batch()` block."""
    row = entry(decision, context, actor)
    depth: int = getattr(_STATE, "depth", 0)
    if not deferred and not depth:
        _insert(row)
        return
    with _LOCK:
        _BUFFER.append(row)
        full = len(_BUFFER) >= MAX_BUFFER
    if full:
        flush()


def flush(**_signal_kwargs: Any) -> int:
    """Write every buffered entry in one transaction (executemany); return how many."""
    with _LOCK:
        rows = _BUFFER[:]
        _BUFFER.clear()
    if rows:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(_insert_sql(), [_params(r) for r in rows])
    return len(rows)
