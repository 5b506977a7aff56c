import pytest

from reservoir.automation import engine, ledger
from reservoir.automation.models import RunStep
from reservoir.automation.tests.factories import RuleFactory
from reservoir.parties.tests.factories import PartyFactory

pytestmark = pytest.mark.django_db


def _run():
    rule = RuleFactory()
    return engine.create_run(
        rule, event_key="k", party_id=PartyFactory().pk, event={}, enqueue=False
    )


def test_step_runs_once_and_stores_entry_and_state():
    run = _run()
    calls = []

    def do():
        calls.append(1)
        return {"message": "done"}, {"assignee_id": 7}

    first = ledger.run_step(run.pk, 0, "assign", do)
    second = ledger.run_step(run.pk, 0, "assign", do)

    step = RunStep.objects.get()
    assert calls == [1]
    assert first == second == ({"message": "done"}, {"assignee_id": 7})
    assert (step.index, step.action, step.entry, step.state) == (
        0,
        "assign",
        {"message": "done"},
        {"assignee_id": 7},
    )


def test_failing_step_leaves_no_ledger_row_so_a_retry_runs_it():
    run = _run()

    def fail():
        raise ValueError("smtp down")

    with pytest.raises(ValueError, match="smtp down"):
        ledger.run_step(run.pk, 0, "send_email", fail)
    retried = ledger.run_step(run.pk, 0, "send_email", lambda: ({"message": "sent"}, {}))

    assert retried == ({"message": "sent"}, {})
    assert RunStep.objects.filter(run=run).count() == 1


def test_dedup_key_is_stable_per_run_and_action_and_differs_otherwise():
    keys = {ledger.dedup_key(5, 0), ledger.dedup_key(5, 1), ledger.dedup_key(6, 0)}

    assert ledger.dedup_key(5, 0) == ledger.dedup_key(5, 0)
    assert len(keys) == 3
