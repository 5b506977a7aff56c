"""Time triggers: "N business hours after X unless Y" and schedules.

A delayed run is a `DueRun` row with a unique key (rule + event), written when X happens.
`fire_due()` (a periodic task, every 15 s) claims due rows — `select_for_update(
skip_locked=True)` on PostgreSQL; on SQLite the IMMEDIATE transaction holds the write lock —
marks them fired and creates their runs in the same transaction. A worker killed before that
commit leaves the rows unfired for the next tick; after it, the run exists (its key is
unique) and the task that executes it is requeued by the worker liveness check: the run
happens once, whatever restarts happen around its due time.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from reservoir.automation.enums import TriggerKind
from reservoir.automation.models import DueRun, Rule
from reservoir.calendars import businesstime
from reservoir.calendars import selectors as calendar_selectors
from reservoir.core.scheduler import slot_for


def due_time(rule: Rule, start: dt.datetime) -> dt.datetime:
    opts = rule.trigger_options
    spec = calendar_selectors.calendar_spec(opts.get("calendar_id"))
    return businesstime.add_business_hours(spec, start, float(opts.get("hours") or 0))


def schedule(
    rule: Rule,
    *,
    key: str,
    party_id: int | None,
    event: dict[str, Any],
    due_at: dt.datetime,
    depth: int = 0,
) -> DueRun | None:
    """Persist one delayed run (None when it is already scheduled)."""
    try:
        with transaction.atomic():
            return DueRun.objects.create(
                rule=rule,
                key=f"{rule.pk}:{key}"[:200],
                party_id=party_id,
                event=event,
                depth=depth,
                due_at=due_at,
            )
    except IntegrityError:
        return None


def schedule_delayed(
    rule: Rule, party_id: int | None, key: str, event: dict[str, Any], depth: int
) -> DueRun | None:
    return schedule(
        rule,
        key=key,
        party_id=party_id,
        event=event,
        due_at=due_time(rule, timezone.now()),
        depth=depth,
    )


def fire_due(now: dt.datetime | None = None, *, batch: int = 200) -> int:
    """Create the runs of every due, unfired DueRun; return how many fired."""
    from reservoir.automation.engine import create_run  # noqa: PLC0415 - engine imports us

    now = now or timezone.now()
    fired = 0
    while True:
        with transaction.atomic():
            due = list(
                DueRun.objects.select_for_update(skip_locked=True)
                .select_related("rule")
                .filter(fired_at__isnull=True, due_at__lte=now)
                .order_by("due_at", "id")[:batch]
            )
            for item in due:
                item.fired_at = now
                item.save(update_fields=["fired_at"])
                create_run(
                    item.rule,
                    event_key=f"due:{item.key}",
                    party_id=item.party_id,
                    event=item.event,
                    depth=item.depth,
                )
        fired += len(due)
        if len(due) < batch:
            return fired


def run_schedules(now: dt.datetime | None = None) -> int:
    """Create the run of each scheduled rule for the current slot (once per slot)."""
    from reservoir.automation.engine import create_run  # noqa: PLC0415

    now = now or timezone.now()
    created = 0
    for rule in Rule.objects.filter(enabled=True, trigger=TriggerKind.SCHEDULE):
        minutes = max(int(rule.trigger_options.get("every_minutes") or 60), 1)
        slot = slot_for(now, dt.timedelta(minutes=minutes))
        run = create_run(
            rule,
            event_key=f"schedule:{slot.isoformat()}",
            party_id=None,
            event={"kind": TriggerKind.SCHEDULE, "depth": 0},
        )
        created += run is not None
    return created
