import datetime as dt

import pytest
from django.utils import timezone

from reservoir.automation import engine, timers
from reservoir.automation.enums import RunStatus, TriggerKind
from reservoir.automation.models import DueRun, Run
from reservoir.automation.tests.factories import RuleFactory
from reservoir.automation.tests.support import drain
from reservoir.automation.triggers import Occurrence
from reservoir.iam.tests.factories import UserFactory
from reservoir.parties.tests.factories import PartyFactory
from reservoir.todos.models import Todo

pytestmark = pytest.mark.django_db


def _delay_rule(user, unless=""):
    return RuleFactory(
        trigger=TriggerKind.DELAY,
        trigger_options={"event": "interaction.recorded", "hours": 4, "unless": unless},
        actions=[
            {
                "type": "create_todo",
                "options": {
                    "title": "Call back",
                    "due_in": 0,
                    "due_unit": "days",
                    "assign_to": "user",
                    "user": user.pk,
                },
            }
        ],
    )


def test_event_schedules_due_run_after_business_hours_when_delay_rule():
    rule = _delay_rule(UserFactory())
    party = PartyFactory()

    engine.dispatch(Occurrence(TriggerKind.INTERACTION_RECORDED, party.pk, "i:1", {}))

    due = DueRun.objects.get(rule=rule)
    assert due.due_at == timers.due_time(rule, due.created_at) or due.due_at > timezone.now()
    assert Run.objects.count() == 0


def test_due_run_fires_once_when_fire_due_runs_twice():
    user = UserFactory()
    rule = _delay_rule(user)
    party = PartyFactory()
    timers.schedule(rule, key="i:1", party_id=party.pk, event={}, due_at=timezone.now())

    first = timers.fire_due()
    second = timers.fire_due()
    drain()

    assert (first, second) == (1, 0)
    assert Run.objects.get().status == RunStatus.SUCCEEDED
    assert Todo.objects.filter(assignee=user).count() == 1


def test_due_run_waits_when_not_yet_due():
    rule = _delay_rule(UserFactory())
    timers.schedule(
        rule, key="i:1", party_id=None, event={}, due_at=timezone.now() + dt.timedelta(minutes=5)
    )

    fired = timers.fire_due()

    assert fired == 0
    assert DueRun.objects.get().fired_at is None


def test_unless_condition_skips_delayed_run_when_it_holds():
    rule = _delay_rule(UserFactory(), unless='customer.status == "active"')
    party = PartyFactory(status="active")
    timers.schedule(rule, key="i:1", party_id=party.pk, event={}, due_at=timezone.now())

    timers.fire_due()
    drain()

    run = Run.objects.get()
    assert run.status == RunStatus.SKIPPED
    assert Todo.objects.count() == 0


def test_schedule_rule_runs_once_per_slot():
    user = UserFactory()
    RuleFactory(
        trigger=TriggerKind.SCHEDULE,
        trigger_options={"every_minutes": 60},
        actions=[
            {"type": "notify", "options": {"recipient": "user", "user": user.pk, "message": "m"}}
        ],
    )
    now = dt.datetime(2026, 12, 1, 10, 5, tzinfo=dt.UTC)

    created = [timers.run_schedules(now), timers.run_schedules(now + dt.timedelta(minutes=10))]
    created.append(timers.run_schedules(now + dt.timedelta(hours=1)))

    assert created == [1, 0, 1]
