"""Imported customers start the customer-created rules: one PartiesImported per chunk → one
fan-out task → one run per (rule, party), never two."""

import pytest
from django_tasks_db.models import DBTaskResult

from reservoir.audit.models import AuditEntry
from reservoir.automation import engine, imports
from reservoir.automation.enums import RunStatus, TriggerKind
from reservoir.automation.models import DueRun, Run
from reservoir.automation.tasks import start_import_runs
from reservoir.automation.tests.factories import RuleFactory
from reservoir.automation.tests.support import drain
from reservoir.automation.triggers import Occurrence
from reservoir.core import events
from reservoir.iam.tests.factories import TeamFactory, UserFactory
from reservoir.parties.enums import PartyKind
from reservoir.parties.events import PartiesImported
from reservoir.parties.models import Party
from reservoir.parties.tests.factories import PartyFactory
from reservoir.resolution.tests.import_support import csv_bytes, imported, people, upload
from reservoir.todos.models import Todo

pytestmark = pytest.mark.django_db

TRADE_SHOW = 'customer.source == "Trade show 2026"'


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _trade_show_rule(team, **kw):
    return RuleFactory(
        condition=TRADE_SHOW,
        actions=[
            {"type": "assign", "options": {"strategy": "round_robin", "team": team.pk}},
            {
                "type": "create_todo",
                "options": {
                    "title": "Follow up the trade-show lead",
                    "due_in": 2,
                    "due_unit": "business_days",
                    "assign_to": "assigned",
                    "priority": "normal",
                },
            },
        ],
        **kw,
    )


def _import(user, rows, capture, *, source="Trade show 2026"):
    with capture(execute=True):
        job = imported(upload(user, csv_bytes(rows), source_tag=source), user)
    ids = list(
        Party.objects.filter(kind=PartyKind.PERSON, source=source)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return job, ids


def _fan_out_tasks():
    return DBTaskResult.objects.filter(task_path__endswith="start_import_runs")


def _run_fan_out() -> None:
    """What the worker does with the queued fan-out tasks."""
    for queued in _fan_out_tasks().order_by("enqueued_at"):
        start_import_runs.call(*queued.args_kwargs["args"], **queued.args_kwargs["kwargs"])


def test_rule_runs_once_per_imported_party_when_source_is_the_trade_show(
    rep_a, django_capture_on_commit_callbacks
):
    team = TeamFactory()
    reps = [UserFactory(team=team) for _ in range(3)]
    rule = _trade_show_rule(team)

    job, ids = _import(rep_a, people(3), django_capture_on_commit_callbacks)
    _run_fan_out()
    drain()

    assert _fan_out_tasks().count() == 1
    runs = list(Run.objects.filter(rule=rule).order_by("party_id"))
    assert [(r.party_id, r.status) for r in runs] == [(pid, RunStatus.SUCCEEDED) for pid in ids]
    assert runs[0].key == f"{rule.pk}:party:{ids[0]}"
    assert runs[0].trigger == TriggerKind.PARTY_CREATED
    assert runs[0].event == {
        "kind": "party.created",
        "depth": 0,
        "provisional": False,
        "source": "Trade show 2026",
        "import_job": job.pk,
    }
    owners = list(Party.objects.filter(pk__in=ids).order_by("pk").values_list("owner", flat=True))
    assert owners == [r.pk for r in reps]
    assert sorted(Todo.objects.values_list("party_id", flat=True)) == ids


def test_no_second_run_when_the_chunk_event_is_delivered_again(
    rep_a, django_capture_on_commit_callbacks
):
    team = TeamFactory()
    UserFactory(team=team)
    rule = _trade_show_rule(team)
    job, ids = _import(rep_a, people(3), django_capture_on_commit_callbacks)
    _run_fan_out()
    drain()
    queued_runs = DBTaskResult.objects.filter(task_path__endswith="execute_run").count()

    with django_capture_on_commit_callbacks(execute=True):
        events.publish(PartiesImported(job.pk, tuple(ids), "Trade show 2026"))
    _run_fan_out()
    again = imports.start_runs(job.pk, ids, "Trade show 2026")
    drain()

    assert again == 0
    assert _fan_out_tasks().count() == 2
    assert Run.objects.filter(rule=rule).count() == 3
    assert DBTaskResult.objects.filter(task_path__endswith="execute_run").count() == queued_runs
    assert Todo.objects.count() == 3


def test_runs_are_skipped_when_the_import_source_is_another(
    rep_a, django_capture_on_commit_callbacks
):
    team = TeamFactory()
    UserFactory(team=team)
    rule = _trade_show_rule(team)

    _job, ids = _import(rep_a, people(2), django_capture_on_commit_callbacks, source="Website")
    _run_fan_out()
    drain()

    statuses = list(Run.objects.filter(rule=rule).order_by("party_id").values_list("status"))
    assert statuses == [(RunStatus.SKIPPED,), (RunStatus.SKIPPED,)]
    assert set(Party.objects.filter(pk__in=ids).values_list("owner", flat=True)) == {rep_a.pk}
    assert Todo.objects.count() == 0


def test_no_task_is_queued_when_no_rule_reacts_to_new_customers(
    rep_a, django_capture_on_commit_callbacks
):
    RuleFactory(trigger=TriggerKind.ORDER_PLACED)
    RuleFactory(enabled=False)

    _import(rep_a, people(2), django_capture_on_commit_callbacks)

    assert _fan_out_tasks().count() == 0
    assert Run.objects.count() == 0


def test_party_that_already_ran_as_created_does_not_run_again_when_imported():
    team = TeamFactory()
    UserFactory(team=team)
    rule = _trade_show_rule(team)
    party = PartyFactory(source="Trade show 2026")
    engine.dispatch(Occurrence(TriggerKind.PARTY_CREATED, party.pk, f"party:{party.pk}", {}))
    other = PartyFactory(source="Trade show 2026")

    created = imports.start_runs(1, [party.pk, other.pk], "Trade show 2026")

    assert created == 1
    assert sorted(Run.objects.filter(rule=rule).values_list("party_id", flat=True)) == sorted(
        [party.pk, other.pk]
    )


def test_delayed_rule_schedules_one_due_run_per_imported_party_once():
    rule = RuleFactory(
        trigger=TriggerKind.DELAY,
        trigger_options={"event": TriggerKind.PARTY_CREATED, "hours": 4, "unless": ""},
    )
    parties = [PartyFactory(), PartyFactory()]
    ids = [p.pk for p in parties]

    first = imports.start_runs(7, ids, "Trade show 2026")
    second = imports.start_runs(7, ids, "Trade show 2026")

    assert (first, second) == (2, 0)
    due = list(DueRun.objects.filter(rule=rule).order_by("party_id").values_list("key", "party_id"))
    assert due == [(f"{rule.pk}:party:{pid}", pid) for pid in ids]
    assert Run.objects.count() == 0


def test_run_is_stopped_and_audited_when_the_rule_hit_its_hourly_limit_for_the_party():
    rule = RuleFactory(max_runs_per_hour=1)
    party = PartyFactory()
    engine.create_run(rule, event_key="earlier", party_id=party.pk, event={}, enqueue=False)

    imports.start_runs(3, [party.pk], "Trade show 2026")

    run = Run.objects.get(key=f"{rule.pk}:party:{party.pk}")
    assert run.status == RunStatus.RATE_LIMITED
    assert "already ran 1 times" in run.error
    assert AuditEntry.objects.filter(action="automation.run.rate_limited").count() == 1
    assert DBTaskResult.objects.filter(task_path__endswith="execute_run").count() == 0
