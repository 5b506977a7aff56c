"""Bulk imports as "a customer is created": one `PartiesImported` per chunk → one run per
(rule, party), created in bulk.

The import publishes no PartyCreated per row (its per-party receivers would cost minutes on
100,000 rows), so automation subscribes to the chunk event instead. The receiver, called
after the chunk commits, only checks that some enabled rule reacts to new customers and
enqueues one `start_import_runs` task for the chunk (one INSERT on the import's path). The
task fans out in the worker: per rule, one transaction that bulk-inserts the missing runs
and enqueues their `execute_run` tasks (delayed rules get their DueRun rows in bulk).

The run key is the one PartyCreated uses (`<rule>:party:<id>`), so each (rule, party) runs
once whatever re-deliveries or re-runs happen, and a party never runs twice for being both
created and imported. The runs' facts are those of any run: `customer.source` is the
party's source, which the import sets to the job's source tag; the event data carries
`source` and `import_job` for the run log. An import is started by a person, never by a
run, so its runs start a chain at depth 0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from reservoir.audit import services as audit
from reservoir.automation import engine, timers
from reservoir.automation.enums import RunStatus, TriggerKind
from reservoir.automation.models import DueRun, Rule, Run
from reservoir.core import events
from reservoir.parties.events import PartiesImported

_NOT_COUNTED = (RunStatus.LOOP_STOPPED, RunStatus.RATE_LIMITED)


def event_key(party_id: int) -> str:
    """The occurrence key of "party `party_id` was created" (shared with PartyCreated)."""
    return f"party:{party_id}"


def on_parties_imported(event: PartiesImported) -> None:
    """Enqueue the chunk's fan-out task when some enabled rule reacts to new customers."""
    if event.party_ids and engine.rules_for(TriggerKind.PARTY_CREATED):
        from reservoir.automation.tasks import start_import_runs  # noqa: PLC0415 - tasks import us

        start_import_runs.enqueue(event.job_id, list(event.party_ids), event.source)


def subscribe() -> None:
    events.subscribe(PartiesImported, on_parties_imported)


def start_runs(job_id: int, party_ids: Sequence[int], source: str) -> int:
    """Create the runs of every customer-created rule for each imported party; return how
    many runs (and delayed runs) were created. Idempotent per (rule, party).

    Side effects: Run rows and their execute_run task rows (one transaction per rule),
    DueRun rows for delayed rules, audit entries for runs stopped by the hourly limit.
    """
    ids = list(dict.fromkeys(int(pid) for pid in party_ids))
    if not ids:
        return 0
    event = {
        "kind": TriggerKind.PARTY_CREATED,
        "depth": 0,
        "provisional": False,
        "source": source,
        "import_job": job_id,
    }
    created = 0
    for rule in engine.rules_for(TriggerKind.PARTY_CREATED):
        if rule.trigger == TriggerKind.DELAY:
            created += _schedule_delayed(rule, ids, event)
        else:
            created += _create_runs(rule, ids, event)
    return created


def _keys(rule: Rule, ids: Sequence[int]) -> dict[int, str]:
    return {pid: f"{rule.pk}:{event_key(pid)}"[:200] for pid in ids}


def _schedule_delayed(rule: Rule, ids: Sequence[int], event: dict[str, Any]) -> int:
    keys = _keys(rule, ids)
    due_at = timers.due_time(rule, timezone.now())
    with transaction.atomic():
        have = set(DueRun.objects.filter(key__in=keys.values()).values_list("key", flat=True))
        rows = [
            DueRun(rule=rule, key=key, party_id=pid, event=event, depth=0, due_at=due_at)
            for pid, key in keys.items()
            if key not in have
        ]
        DueRun.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    return len(rows)


def _recent_counts(rule: Rule, ids: Sequence[int]) -> dict[int, int]:
    """Runs of `rule` per party in the last hour (those the hourly limit counts)."""
    hour_ago = timezone.now() - dt.timedelta(hours=1)
    rows = (
        Run.objects.filter(rule=rule, party_id__in=ids, created_at__gte=hour_ago)
        .exclude(status__in=_NOT_COUNTED)
        .values("party_id")
        .annotate(n=Count("id"))
        .values_list("party_id", "n")
    )
    return {int(pid): int(n) for pid, n in rows if pid is not None}


def _create_runs(rule: Rule, ids: Sequence[int], event: dict[str, Any]) -> int:
    """Bulk-insert the missing runs of `rule` and enqueue them, in one transaction."""
    from reservoir.automation.tasks import execute_run  # noqa: PLC0415 - tasks import us

    keys = _keys(rule, ids)
    limited = _("Stopped: the rule already ran %(n)s times for this customer in the last hour.")
    with transaction.atomic():
        have = set(Run.objects.filter(key__in=keys.values()).values_list("key", flat=True))
        fresh = [pid for pid, key in keys.items() if key not in have]
        if not fresh:
            return 0
        recent = _recent_counts(rule, fresh)
        now = timezone.now()
        runs = []
        for pid in fresh:
            run = Run(rule=rule, key=keys[pid], trigger=event["kind"], party_id=pid, event=event)
            if recent.get(pid, 0) >= rule.max_runs_per_hour:
                run.status, run.error = RunStatus.RATE_LIMITED, limited % {"n": recent[pid]}
                run.started_at = run.finished_at = now
                run.duration_ms = 0.0
            runs.append(run)
        Run.objects.bulk_create(runs, batch_size=500, ignore_conflicts=True)
        saved = Run.objects.filter(key__in=[keys[pid] for pid in fresh]).values_list(
            "pk", "status", "error"
        )
        for pk, status, error in saved:
            if status == RunStatus.PENDING:
                execute_run.enqueue(pk)
            elif status == RunStatus.RATE_LIMITED:
                audit.record(
                    None, f"automation.run.{status}", rule, data={"run": pk, "error": error}
                )
    return len(runs)
