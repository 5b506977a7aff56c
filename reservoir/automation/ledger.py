"""The per-action ledger: each action of a run completes at most once, across retries.

`run_step` claims (run, action index) by inserting its `RunStep` row first, runs the action,
stores the action's log line and scratch state on the row, and commits — one transaction per
action. A retried run (the action after it failed, or the worker died) finds the committed rows
and skips those actions, replaying their log lines and state instead.

What this guarantees:
- an action's database effects commit together with its row: they happen exactly once;
- an effect outside the database (an email, a webhook call) cannot join the transaction. If the
  process dies after the effect and before the commit, the retry repeats it: at least once.
  Such actions carry a key derived from (run, index) — `dedup_key` — so the receiver can drop
  the repeat (see actions/outbound.py).
Two workers executing the same run at once (a worker wrongly thought dead) cannot both run an
action: on PostgreSQL the second insert waits on the unique index until the first commits, then
finds the row; SQLite admits one writer at a time.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

from reservoir.automation.models import RunStep

Entry = dict[str, Any]
State = dict[str, Any]


def completed(run_id: int) -> dict[int, RunStep]:
    """The run's completed actions by index (one query)."""
    return {s.index: s for s in RunStep.objects.filter(run_id=run_id)}


def run_step(
    run_id: int, index: int, action: str, do: Callable[[], tuple[Entry, State]]
) -> tuple[Entry, State]:
    """Run `do` once for (run, index); return its (log entry, state), or the stored ones.

    Side effects: `do`'s writes and the RunStep row, committed together (a savepoint when the
    caller holds a transaction). An exception from `do` rolls both back and propagates.
    """
    with transaction.atomic():
        try:
            with transaction.atomic():
                step = RunStep.objects.create(run_id=run_id, index=index, action=action[:50])
        except IntegrityError:
            prior = RunStep.objects.get(run_id=run_id, index=index)
            return prior.entry, prior.state
        entry, state = do()
        step.entry, step.state = entry, state
        step.save(update_fields=["entry", "state"])
    return entry, state


def dedup_key(run_id: int, index: int) -> str:
    """A stable key for action `index` of run `run_id`: the same on every retry.

    Readable (run and index first) and, through an HMAC under SECRET_KEY, unique to this
    installation, so two Reservoirs calling one receiver never collide.
    """
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"automation:{run_id}:{index}".encode(), hashlib.sha256
    ).hexdigest()[:16]
    return f"{run_id}-{index}-{digest}"
