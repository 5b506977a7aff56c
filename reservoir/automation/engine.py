"""The automation engine: occurrences become runs, runs execute their rule's actions.

- `dispatch(occurrence)` (called after commit by the event receivers) creates one `Run` per
  matching enabled rule — the run key `<rule>:<event key>` is unique, so a duplicate delivery
  creates nothing — and enqueues `execute_run` in the same transaction (an outbox).
- `execute(run_id)` (in the worker) evaluates the condition and runs the actions in order,
  each in its own transaction with its row in the per-action ledger (`ledger.run_step`): an
  action that completed is never run again by a retry, whether the retry follows a failing
  later action or a worker killed mid-run (the requeued task skips the completed actions and
  replays their log lines). A failing action rolls back itself only; the run is retried
  (RETRY_DELAYS) from that action and then marked failed, with the error in the run log.
  Effects outside the database (email, webhooks) are at least once with a dedup key: see
  `ledger` and `actions/outbound.py`.
- Loops: events published while a run executes carry that run as their cause (a context
  variable read at delivery); a chain deeper than MAX_DEPTH is stopped, and a rule may run at
  most `max_runs_per_hour` times per customer. Both are logged as runs and audited.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import functools
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from reservoir.audit import services as audit
from reservoir.automation import conditions, ledger, timers
from reservoir.automation.actions import registry
from reservoir.automation.enums import FINISHED, RunStatus, TriggerKind
from reservoir.automation.models import Rule, Run, RunStep
from reservoir.automation.triggers import Occurrence
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


def _act(
    action: registry.ActionType, ctx: registry.ActionContext, options: dict[str, Any], attempt: int
) -> tuple[ledger.Entry, ledger.State]:
    started = time.perf_counter()
    message = action.run(ctx, options)
    entry = {
        "action": action.key,
        "index": ctx.index,
        "ok": True,
        "message": str(message),
        "ms": round((time.perf_counter() - started) * 1000, 2),
        "attempt": attempt,
    }
    return entry, dict(ctx.state)


def _run_actions(
    run: Run,
    rule: Rule,
    party: Party | None,
    done: dict[int, RunStep],
    entries: list[dict[str, Any]],
) -> None:
    """Run the rule's actions in order, appending their log lines to `entries`.

    Actions in `done` (completed by an earlier attempt) are skipped: their log line and the
    state they left are replayed. Side effects: each action's effects with its ledger row,
    committed per action.
    """
    ctx = registry.ActionContext(
        rule_id=rule.pk,
        run_id=run.pk,
        party=party,
        event=run.event,
        now=timezone.now(),
        rule_name=rule.name,
    )
    for index, spec in enumerate(rule.actions):
        prior = done.get(index)
        if prior is not None:
            entries.append(prior.entry)
            ctx.state.update(prior.state)
            continue
        action = registry.get(spec.get("type", ""))
        if action is None:
            raise ValueError(_("Unknown action “%(t)s”.") % {"t": spec.get("type")})
        if action.needs_party and party is None:
            raise ValueError(_("%(a)s needs a customer.") % {"a": action.label})
        ctx.index = index
        options = spec.get("options") or {}
        entry, state = ledger.run_step(
            run.pk, index, action.key, functools.partial(_act, action, ctx, options, run.attempts)
        )
        entries.append(entry)
        ctx.state.update(state)


def _decide(run: Run, rule: Rule, *, acted: bool) -> str | None:
    """Why the run should not act (disabled, condition false, "unless" true), or None.

    Once an earlier attempt completed an action the run has decided: only disabling the rule
    stops the remaining actions (the first actions may have changed what the condition reads).
    """
    if not rule.enabled:
        return _("The rule is disabled.")
    if acted:
        return None
    if not conditions.holds(rule.condition, run.party_id, run.event):
        return _("The condition is not met.")
    unless = rule.trigger_options.get("unless", "") if rule.trigger == TriggerKind.DELAY else ""
    if unless and conditions.holds(unless, run.party_id, run.event):
        return _("The “unless” condition is met.")
    return None


def execute(run_id: int) -> str:
    """Execute one run (idempotent: a finished run is left alone); return its status.

    Side effects: the actions' writes (each action once: see `ledger`), the run row (status,
    log, duration), events published by the actions (delivered after each action's commit,
    with this run as their cause). On failure the failing action is rolled back and the run
    re-enqueued after a delay, or marked failed after the last attempt.
    """
    run = Run.objects.select_related("rule").filter(pk=run_id).first()
    if run is None or run.status in FINISHED:
        return run.status if run else "missing"
    rule = run.rule
    started = time.perf_counter()
    run.attempts += 1
    run.status, run.started_at = RunStatus.RUNNING, run.started_at or timezone.now()
    run.save(update_fields=["attempts", "status", "started_at"])
    entries: list[dict[str, Any]] = []
    try:
        with caused_by(run.pk, run.depth):
            done = ledger.completed(run.pk)
            party = Party.objects.filter(pk=run.party_id).first() if run.party_id else None
            reason = _decide(run, rule, acted=bool(done))
            if reason is not None:
                replayed = [done[i].entry for i in sorted(done)]
                run.status, run.log = (
                    RunStatus.SKIPPED,
                    [*replayed, {"message": reason, "ok": True}],
                )
            else:
                _run_actions(run, rule, party, done, entries)
                run.status, run.log = RunStatus.SUCCEEDED, entries
            run.error = ""
            run.finished_at = timezone.now()
            run.duration_ms = round((time.perf_counter() - started) * 1000, 2)
            run.save()
    except Exception as exc:  # an action failed: that action left nothing behind
        log.warning("automation run %s failed: %s", run.pk, exc)
        _failed(run, exc, started, entries)
    return run.status


def _failed(run: Run, exc: Exception, started: float, entries: list[dict[str, Any]]) -> None:
    run.error = f"{type(exc).__name__}: {exc}"[:2000]
    run.log = [*entries, {"message": run.error, "ok": False, "attempt": run.attempts}]
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
