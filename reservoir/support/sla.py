"""SLA: choosing a policy, due times in business hours, warnings and breaches (once each).

Due times are computed with the calendars app (working hours, weekends, holidays and make-up
days) when a case opens, when a customer writes again after a reply (next response) and when
priority or type change. `check_sla` runs every minute: a target within its warning window
publishes CaseSlaWarning, a target past due publishes CaseSlaBreached and raises the case's
escalation level -- each exactly once per (case, target, due time), guaranteed by the unique
SlaEvent row written in the same transaction.

While a case waits for the customer (status "pending_customer", when its policy says so) the
resolution and next-response clocks are paused: `sync_pause` records when the pause began and,
when the case leaves that status, moves those due times out by the business time paused (same
calendar, so they stay in working hours). First response is never paused, and waiting on us
("pending_internal") pauses nothing. `check_sla` neither warns nor breaches a paused clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.utils import timezone

from reservoir.audit import services as audit
from reservoir.calendars import selectors as calendar_selectors
from reservoir.calendars.businesstime import (
    Spec,
    add_business_hours,
    business_seconds,
)
from reservoir.core import events
from reservoir.iam.models import User
from reservoir.parties.models import Trait
from reservoir.support.enums import (
    ACTIVE_STATUSES,
    CasePriority,
    CaseStatus,
    CaseType,
    SlaEventKind,
    SlaTarget,
)
from reservoir.support.events import CaseSlaBreached, CaseSlaWarning
from reservoir.support.models import Case, SlaEvent, SlaPolicy

# Analytics writes the modelled lifetime value as "clv.value"; a hand-set or imported "clv"
# counts when no model has scored the customer.
VALUE_TRAITS = ("clv.value", "clv")
DEFAULT_WARN_MINUTES = 60

# name, position, priority, type, min value, first, next, resolution (business hours), warn
DEFAULT_POLICIES: list[tuple[str, int, str, str, Decimal | None, int, int, int, int]] = [
    ("Urgent", 10, CasePriority.URGENT, "", None, 1, 2, 8, 15),
    ("Complaint fast track", 20, "", CaseType.COMPLAINT, None, 4, 4, 24, 60),
    ("High-value customer", 30, "", "", Decimal("10000"), 4, 8, 24, 60),
    ("High priority", 40, CasePriority.HIGH, "", None, 4, 8, 32, 60),
    ("Standard", 100, "", "", None, 8, 16, 45, 120),
]


def ensure_default_policies() -> list[SlaPolicy]:
    """Create the default policies that do not exist yet (by name); return all policies.

    Side effects: inserts missing policies (audited, system actor). Safe to call repeatedly.
    """
    with transaction.atomic():
        existing = set(SlaPolicy.objects.values_list("name", flat=True))
        for name, pos, prio, ctype, value, first, nxt, res, warn in DEFAULT_POLICIES:
            if name in existing:
                continue
            policy = SlaPolicy.objects.create(
                name=name,
                position=pos,
                priority=prio,
                case_type=ctype,
                min_customer_value=value,
                first_response_hours=first,
                next_response_hours=nxt,
                resolution_hours=res,
                warn_before_minutes=warn,
            )
            audit.record(None, "support.sla_policy.created", policy, data={"seeded": True})
    return list(SlaPolicy.objects.all())


def customer_value(party_id: int) -> Decimal | None:
    """The party's lifetime value (trait "clv.value", else "clv"), or None when unknown."""
    found = dict(
        Trait.objects.filter(party_id=party_id, key__in=VALUE_TRAITS).values_list("key", "value")
    )
    value = next((found[k] for k in VALUE_TRAITS if k in found), None)
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def match_policy(case: Case) -> SlaPolicy | None:
    """The first active policy (by position) whose priority, type and value bounds fit."""
    policies = list(SlaPolicy.objects.filter(is_active=True).order_by("position", "id"))
    if not policies:
        policies = [p for p in ensure_default_policies() if p.is_active]
    value: Decimal | None = None
    value_read = False
    for policy in policies:
        if policy.priority and policy.priority != case.priority:
            continue
        if policy.case_type and policy.case_type != case.type:
            continue
        if policy.min_customer_value is not None:
            if not value_read:
                value, value_read = customer_value(case.party_id), True
            if value is None or value < policy.min_customer_value:
                continue
        return policy
    return None


def _spec(policy: SlaPolicy | None) -> Spec:
    return calendar_selectors.calendar_spec(policy.calendar_id if policy else None)


def due_after(policy: SlaPolicy | None, start: dt.datetime, hours: Decimal | float) -> dt.datetime:
    """`hours` business hours after `start` on the policy's calendar (default calendar)."""
    return add_business_hours(_spec(policy), start, float(hours))


def apply_sla(case: Case) -> None:
    """Choose the case's policy and set its first-response and resolution due times.

    Does not save: the caller saves the case. A case already answered keeps
    `first_response_due` as a record; a resolved case gets no new resolution due.
    """
    policy = match_policy(case)
    case.sla_policy = policy
    if policy is None:
        case.first_response_due = case.resolution_due = None
        return
    spec = _spec(policy)
    case.first_response_due = add_business_hours(
        spec, case.opened_at, float(policy.first_response_hours)
    )
    # Time already spent waiting for the customer does not count against resolution.
    hours = float(policy.resolution_hours) + case.sla_paused_seconds / 3600
    case.resolution_due = add_business_hours(spec, case.opened_at, hours)


def start_next_response(case: Case, at: dt.datetime) -> None:
    """A customer wrote after a reply: the next-response clock starts (does not save)."""
    if case.sla_policy_id is None or case.next_response_due is not None:
        return
    policy = case.sla_policy
    case.next_response_due = due_after(policy, at, policy.next_response_hours)  # type: ignore[union-attr]
    case.next_response_breached = False


def pauses(case: Case) -> bool:
    """True when the case's resolution and next-response clocks should stand still now."""
    if case.status != CaseStatus.PENDING_CUSTOMER or case.sla_policy_id is None:
        return False
    policy = case.sla_policy
    return policy is not None and policy.pause_on_pending_customer


def sync_pause(case: Case, at: dt.datetime, *, by: User | None) -> None:
    """Pause or resume the resolution and next-response clocks to fit the case's status.

    Call with the case row locked, after changing its status (or policy); does not save.
    Pausing records `sla_paused_at`; resuming moves the resolution and next-response due times
    out by the business time paused, on the policy's calendar (a target already past due when
    the pause began, or breached, keeps its due time), and adds it to `sla_paused_seconds`
    when the resolution clock was moved. Side effects: audit entry "support.case.sla_paused"
    or "support.case.sla_resumed".
    """
    started = case.sla_paused_at
    should_pause = pauses(case)
    if started is None:
        if should_pause:
            case.sla_paused_at = at
            audit.record(by, "support.case.sla_paused", case, data={"at": at})
        return
    if should_pause:
        return
    case.sla_paused_at = None
    spec = _spec(case.sla_policy if case.sla_policy_id else None)
    seconds = business_seconds(spec, started, at)
    for field, flag in (
        ("resolution_due", "resolution_breached"),
        ("next_response_due", "next_response_breached"),
    ):
        due = getattr(case, field)
        if seconds and due is not None and due > started and not getattr(case, flag):
            setattr(case, field, add_business_hours(spec, due, seconds / 3600))
            if field == "resolution_due":
                case.sla_paused_seconds += seconds
    audit.record(
        by,
        "support.case.sla_resumed",
        case,
        data={
            "paused_since": started,
            "paused_seconds": seconds,
            "resolution_due": case.resolution_due,
            "next_response_due": case.next_response_due,
        },
    )


def stands_still(case: Case, due: dt.datetime | None, now: dt.datetime) -> bool:
    """True when a resolution or next-response clock due at `due` is paused at `now`.

    It is when the case waits for the customer since `now` or earlier and the target was not
    yet due when the pause began (a target already past due then stays missed).
    """
    paused = case.sla_paused_at
    return paused is not None and due is not None and paused <= now and due > paused


def ticking_q(due_field: str, now: dt.datetime) -> Q:
    """SQL for "the clock of `due_field` is not paused at `now`" (see `stands_still`)."""
    return (
        Q(sla_paused_at__isnull=True)
        | Q(sla_paused_at__gt=now)
        | Q(**{f"{due_field}__lte": F("sla_paused_at")})
    )


def _targets(case: Case, now: dt.datetime) -> list[tuple[str, dt.datetime | None, bool]]:
    """(target, due time, still running) for each SLA target of an active case at `now`."""
    nxt, res = case.next_response_due, case.resolution_due
    return [
        (SlaTarget.FIRST_RESPONSE, case.first_response_due, case.first_response_at is None),
        (
            SlaTarget.NEXT_RESPONSE,
            nxt,
            nxt is not None and not stands_still(case, nxt, now),
        ),
        (
            SlaTarget.RESOLUTION,
            res,
            case.resolved_at is None and not stands_still(case, res, now),
        ),
    ]


_BREACH_FLAG: dict[str, str] = {
    SlaTarget.FIRST_RESPONSE: "first_response_breached",
    SlaTarget.NEXT_RESPONSE: "next_response_breached",
    SlaTarget.RESOLUTION: "resolution_breached",
}


def check_sla(now: dt.datetime | None = None, *, limit: int = 2000) -> list[SlaEvent]:
    """Record and publish the warnings and breaches that are due at `now`; return the new ones.

    Side effects, per case in its own transaction (row locked): SlaEvent rows (unique per
    case, target, kind and due time, so a rerun publishes nothing twice); on a breach the
    case's breached flag and escalation level (audited "support.case.escalated");
    CaseSlaWarning / CaseSlaBreached after commit. Paused clocks are skipped.
    """
    now = now or timezone.now()
    max_warn = SlaPolicy.objects.aggregate(m=Max("warn_before_minutes"))["m"]
    horizon = now + dt.timedelta(minutes=max(max_warn or 0, DEFAULT_WARN_MINUTES))
    due = (
        Q(first_response_at__isnull=True, first_response_due__lte=horizon)
        & Q(first_response_breached=False)
        | Q(next_response_due__lte=horizon, next_response_breached=False)
        & ticking_q("next_response_due", now)
        | Q(resolved_at__isnull=True, resolution_due__lte=horizon, resolution_breached=False)
        & ticking_q("resolution_due", now)
    )
    ids = list(
        Case.objects.filter(due, status__in=ACTIVE_STATUSES, merged_into__isnull=True)
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    fired: list[SlaEvent] = []
    for pk in ids:
        fired.extend(_check_case(pk, now))
    return fired


def check_case(case_id: int, now: dt.datetime) -> list[SlaEvent]:
    """`check_sla` for one case (e.g. replaying a history); same once-only guarantees."""
    return _check_case(case_id, now)


def _once(
    case: Case, target: str, kind: str, due: dt.datetime, now: dt.datetime
) -> SlaEvent | None:
    try:
        with transaction.atomic():
            return SlaEvent.objects.create(
                case=case,
                target=target,
                kind=kind,
                due_at=due,
                occurred_at=now,
                escalation_level=case.escalation_level,
                policy_name=case.sla_policy.name if case.sla_policy else "",
            )
    except IntegrityError:
        return None


def _check_case(pk: int, now: dt.datetime) -> list[SlaEvent]:
    fired: list[SlaEvent] = []
    with transaction.atomic():
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("sla_policy")
            .filter(pk=pk, status__in=ACTIVE_STATUSES)
            .first()
        )
        if case is None:
            return fired
        warn = dt.timedelta(
            minutes=case.sla_policy.warn_before_minutes if case.sla_policy else DEFAULT_WARN_MINUTES
        )
        for target, due, running in _targets(case, now):
            if due is None or not running or getattr(case, _BREACH_FLAG[target]):
                continue
            if now >= due:
                case.escalation_level += 1
                event = _once(case, target, SlaEventKind.BREACH, due, now)
                if event is None:
                    case.escalation_level -= 1
                    continue
                setattr(case, _BREACH_FLAG[target], True)
                case.save(update_fields=[_BREACH_FLAG[target], "escalation_level", "updated_at"])
                audit.record(
                    None,
                    "support.case.escalated",
                    case,
                    data={"target": target, "due": due, "level": case.escalation_level},
                )
                events.publish(
                    CaseSlaBreached(
                        case_id=case.pk,
                        party_id=case.party_id,
                        target=target,
                        due_at=due.isoformat(),
                        escalation_level=case.escalation_level,
                        case_type=case.type,
                        priority=case.priority,
                    )
                )
                fired.append(event)
            elif now >= due - warn:
                event = _once(case, target, SlaEventKind.WARNING, due, now)
                if event is None:
                    continue
                events.publish(
                    CaseSlaWarning(
                        case_id=case.pk,
                        party_id=case.party_id,
                        target=target,
                        due_at=due.isoformat(),
                        case_type=case.type,
                        priority=case.priority,
                    )
                )
                fired.append(event)
    return fired


@dataclass(frozen=True)
class Timer:
    """One SLA clock of a case, for the live timers on case pages."""

    target: str
    label: str
    due_at: dt.datetime | None
    done_at: dt.datetime | None
    state: str  # running | warning | breached | paused | met | missed | none
    seconds_left: int | None  # wall-clock seconds to due (negative: overdue; None: stopped)
    paused_since: dt.datetime | None = None  # waiting for the customer since (state "paused")


def sla_state(case: Case, now: dt.datetime | None = None) -> list[Timer]:
    """The case's SLA timers at `now` (no queries beyond the loaded policy)."""
    now = now or timezone.now()
    warn_minutes = (
        case.sla_policy.warn_before_minutes if case.sla_policy_id and case.sla_policy else 60
    )
    warn = dt.timedelta(minutes=warn_minutes)
    rows: list[tuple[str, dt.datetime | None, dt.datetime | None]] = [
        (SlaTarget.FIRST_RESPONSE, case.first_response_due, case.first_response_at),
        (SlaTarget.NEXT_RESPONSE, case.next_response_due, None),
        (SlaTarget.RESOLUTION, case.resolution_due, case.resolved_at),
    ]
    timers = []
    for target, due, done in rows:
        flag = bool(getattr(case, _BREACH_FLAG[target]))
        label = str(SlaTarget(target).label)
        still = target != SlaTarget.FIRST_RESPONSE and stands_still(case, due, now)
        if still and done is None and not flag:
            # A breach already recorded stays visible; otherwise the clock stands still.
            timers.append(Timer(target, label, due, done, "paused", None, case.sla_paused_at))
            continue
        state = _state(due, done, now, warn, flag)
        left = int((due - now).total_seconds()) if due is not None and done is None else None
        timers.append(Timer(target, label, due, done, state, left))
    return timers


def _state(
    due: dt.datetime | None, done: dt.datetime | None, now: dt.datetime, warn: Any, flag: bool
) -> str:
    if due is None:
        return "none"
    if done is not None:
        return "missed" if done > due or flag else "met"
    if now >= due or flag:
        return "breached"
    return "warning" if now >= due - warn else "running"
