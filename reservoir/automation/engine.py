"""The automation engine: occurrences become runs, runs execute their rule's actions.

- `dispatch(occurrence)` (called after commit by the event receivers) creates one `Run` per
  matching enabled rule — the run key `<rule>:<event key>` is unique, so a duplicate delivery
  creates nothing — and enqueues `execute_run` in the same transaction (an outbox).
- `execute(run_id)` (in the worker) evaluates the condition and runs the actions in order,
  all inside `core.tasks.once(run key)`: a worker killed mid-run leaves no partial effect and
  the requeued task does the work once. A failing action rolls the run back; it is retried
  (RETRY_DELAYS) and then marked failed, with the error in the run log.
- Loops: events published while a run executes carry that run as their cause (a context
  variable read at delivery); a chain deeper than MAX_DEPTH is stopped, and a rule may run at
  most `max_runs_per_hour` times per customer. Both are logged as runs and audited.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reservoir.audit import services as audit
from reservoir.automation import conditions, timers
from reservoir.automation.actions import registry
from reservoir.automation.enums import FINISHED, RunStatus, TriggerKind
from reservoir.automation.models import Rule, Run
from reservoir.automation.triggers import Occurrence
from reservoir.core.tasks import once
from reservoir.parties.models import Party

log = logging.getLogger(__name__)

MAX_DEPTH = 5
RETRY_DELAYS = (5, 30, 120)  # seconds before the 2nd, 3rd and 4th attempt
_CAUSE: contextvars.ContextVar[tuple[int, int] | None] = contextvars.ContextVar(
    "automation_cause", default=None
)


@contextmanager
def caused_by(run_id: int, depth: int) -> Iterator[None]:
    """Events delivered inside the block count as effects of run `run_id` at `depth`."""
    token = _CAUSE.set((run_id, depth))
    try:
        yield
    finally:
        _CAUSE.reset(token)


def rules_for(kind: str) -> list[Rule]:
    """Enabled rules triggered by `kind` directly or after a delay."""
    return [
        r
        for r in Rule.objects.filter(enabled=True, trigger__in=[kind, TriggerKind.DELAY])
        if r.trigger == kind or r.trigger_options.get("event") == kind
    ]


def dispatch(occ: Occurrence) -> list[Run]:
    """Create (and enqueue) the runs an occurrence triggers; schedule delayed ones.

    Side effects: Run rows (+ task rows), DueRun rows; audit entries for stopped runs.
    """
    cause = _CAUSE.get()
    depth = cause[1] + 1 if cause else 0
    event = {**occ.data, "kind": occ.kind, "depth": depth}
    runs = []
    for rule in rules_for(occ.kind):
        if rule.trigger == TriggerKind.DELAY:
            timers.schedule_delayed(rule, occ.party_id, occ.key, event, depth)
            continue
        run = create_run(
            rule,
            event_key=occ.key,
            party_id=occ.party_id,
            event=event,
            depth=depth,
            cause_id=cause[0] if cause else None,
        )
        if run is not None:
            runs.append(run)
    return runs


def _stop(run: Run, status: str, error: str) -> None:
    now = timezone.now()
    run.status, run.error, run.started_at, run.finished_at = status, error, now, now
    run.duration_ms = 0.0
    run.save()
    audit.record(None, f"automation.run.{status}", run.rule, data={"run": run.pk, "error": error})


@transaction.atomic
def create_run(
    rule: Rule,
    *,
    event_key: str,
    party_id: int | None,
    event: dict[str, Any],
    depth: int = 0,
    cause_id: int | None = None,
    enqueue: bool = True,
) -> Run | None:
    """One run of `rule` for one event (None when that run exists: idempotent per event).

    A run past the loop depth or the rule's hourly limit for the party is created already
    stopped (and audited); otherwise the execute task is enqueued in this transaction.
    """
    try:
        with transaction.atomic():
            run = Run.objects.create(
                rule=rule,
                key=f"{rule.pk}:{event_key}"[:200],
                trigger=event.get("kind", rule.trigger),
                party_id=party_id,
                event=event,
                depth=depth,
                cause_id=cause_id,
            )
    except IntegrityError:
        return None
    if depth > MAX_DEPTH:
        _stop(
            run,
            RunStatus.LOOP_STOPPED,
            _("Stopped: this run was caused by a chain of %(n)s automation runs (at most %(m)s).")
            % {"n": depth, "m": MAX_DEPTH},
        )
        return run
    if party_id is not None:
        hour_ago = timezone.now() - dt.timedelta(hours=1)
        recent = (
            Run.objects.filter(rule=rule, party_id=party_id, created_at__gte=hour_ago)
            .exclude(pk=run.pk)
            .exclude(status__in=[RunStatus.LOOP_STOPPED, RunStatus.RATE_LIMITED])
            .count()
        )
        if recent >= rule.max_runs_per_hour:
            _stop(
                run,
                RunStatus.RATE_LIMITED,
                _("Stopped: the rule already ran %(n)s times for this customer in the last hour.")
                % {"n": recent},
            )
            return run
    if enqueue:
        from reservoir.automation.tasks import execute_run  # noqa: PLC0415 - tasks import us

        execute_run.enqueue(run.pk)
    return run


def _run_actions(run: Run, rule: Rule, party: Party | None) -> list[dict[str, Any]]:
    ctx = registry.ActionContext(
        rule_id=rule.pk, run_id=run.pk, party=party, event=run.event, now=timezone.now()
    )
    entries = []
    for index, spec in enumerate(rule.actions):
        action = registry.get(spec.get("type", ""))
        if action is None:
            raise ValueError(_("Unknown action “%(t)s”.") % {"t": spec.get("type")})
        if action.needs_party and party is None:
            raise ValueError(_("%(a)s needs a customer.") % {"a": action.label})
        started = time.perf_counter()
        message = action.run(ctx, spec.get("options") or {})
        entries.append(
            {
                "action": action.key,
                "index": index,
                "ok": True,
                "message": str(message),
                "ms": round((time.perf_counter() - started) * 1000, 2),
            }
        )
    return entries


def _decide(run: Run, rule: Rule) -> str | None:
    """Why the run should not act (disabled, condition false, "unless" true), or None."""
    if not rule.enabled:
        return _("The rule is disabled.")
    if not conditions.holds(rule.condition, run.party_id, run.event):
        return _("The condition is not met.")
    unless = rule.trigger_options.get("unless", "") if rule.trigger == TriggerKind.DELAY else ""
    if unless and conditions.holds(unless, run.party_id, run.event):
        return _("The “unless” condition is met.")
    return None


def execute(run_id: int) -> str:
    """Execute one run (idempotent: a finished run is left alone); return its status.

    Side effects: the actions' writes, the run row (status, log, duration), events
    published by the actions (delivered with this run as their cause). On failure the run is
    rolled back and re-enqueued after a delay, or marked failed after the last attempt.
    """
    run = Run.objects.select_related("rule").filter(pk=run_id).first()
    if run is None or run.status in FINISHED:
        return run.status if run else "missing"
    rule = run.rule
    started = time.perf_counter()
    run.attempts += 1
    run.status, run.started_at = RunStatus.RUNNING, run.started_at or timezone.now()
    run.save(update_fields=["attempts", "status", "started_at"])
    try:
        with (
            caused_by(run.pk, run.depth),
            once(f"automation.run:{run.pk}", task_name="automation") as first,
        ):
            if not first:
                return run.status
            party = Party.objects.filter(pk=run.party_id).first() if run.party_id else None
            reason = _decide(run, rule)
            if reason is not None:
                run.status, run.log = RunStatus.SKIPPED, [{"message": reason, "ok": True}]
            else:
                run.status, run.log = RunStatus.SUCCEEDED, _run_actions(run, rule, party)
            run.error = ""
            run.finished_at = timezone.now()
            run.duration_ms = round((time.perf_counter() - started) * 1000, 2)
            run.save()
    except Exception as exc:  # an action failed: nothing of this attempt was kept
        log.warning("automation run %s failed: %s", run.pk, exc)
        _failed(run, exc, started)
    return run.status


def _failed(run: Run, exc: Exception, started: float) -> None:
    run.error = f"{type(exc).__name__}: {exc}"[:2000]
    run.log = [{"message": run.error, "ok": False, "attempt": run.attempts}]
    run.duration_ms = round((time.perf_counter() - started) * 1000, 2)
    if run.attempts <= len(RETRY_DELAYS):
        run.status = RunStatus.RETRYING
        delay = RETRY_DELAYS[run.attempts - 1]
        with transaction.atomic():
            run.save()
            from reservoir.automation.tasks import execute_run  # noqa: PLC0415

            execute_run.using(run_after=timezone.now() + dt.timedelta(seconds=delay)).enqueue(
                run.pk
            )
        return
    run.status, run.finished_at = RunStatus.FAILED, timezone.now()
    with transaction.atomic():
        run.save()
        audit.record(
            None, "automation.run.failed", run.rule, data={"run": run.pk, "error": run.error}
        )
