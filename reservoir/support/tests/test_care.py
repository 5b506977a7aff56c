"""Complaint recovery (decided offers, follow-up) and surveys (trait, timeline, once)."""

import datetime as dt

import pytest

from reservoir.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from reservoir.decisions.models import DecisionLog
from reservoir.parties.models import Trait
from reservoir.parties.tests.factories import PartyFactory
from reservoir.support import services
from reservoir.support.enums import CaseType, RecoveryStatus
from reservoir.support.models import RecoveryAction, Survey
from reservoir.timeline.models import Interaction
from reservoir.todos.models import Todo

pytestmark = pytest.mark.django_db


def _complaint():
    return services.open_case(
        party=PartyFactory(),
        subject="Late delivery, rude courier",
        body="Three days late.",
        type=CaseType.COMPLAINT,
        channel="phone",
        by=None,
    )


def test_recovery_asks_the_decision_service_for_credit_and_discount(admin_user):
    case = _complaint()

    actions = services.start_recovery(
        case, by=admin_user, kinds=["apology", "discount", "callback"]
    )

    assert [a.kind for a in actions] == ["apology", "discount", "callback"]
    assert all(a.status == RecoveryStatus.PLANNED and a.due_at for a in actions)
    assert len(actions[1].decision_ref) == 32
    assert DecisionLog.objects.count() == 1


def test_follow_up_is_scheduled_when_the_last_action_is_done(admin_user):
    case = _complaint()
    apology, callback = services.start_recovery(case, by=admin_user, kinds=["apology", "callback"])
    done_at = dt.datetime(2026, 3, 16, 10, 0, tzinfo=dt.UTC)

    services.complete_recovery_action(apology, by=admin_user, at=done_at)
    assert Todo.objects.count() == 0
    last = services.complete_recovery_action(callback, by=admin_user, at=done_at)
    again = services.complete_recovery_action(callback, by=admin_user, at=done_at)

    todo = Todo.objects.get()
    assert last.follow_up_todo_id == todo.pk == again.follow_up_todo_id
    assert todo.due_at == done_at + dt.timedelta(days=7)
    assert (todo.party_id, todo.link_model, todo.link_pk) == (case.party_id, "case", str(case.pk))


def test_recovery_needs_service_staff(rep_a):
    with pytest.raises(PermissionDenied):
        services.start_recovery(_complaint(), by=rep_a, kinds=["apology"])

    assert RecoveryAction.objects.count() == 0


def test_survey_answer_sets_trait_and_timeline_once():
    case = _complaint()
    survey = services.send_survey(case, "csat")
    assert services.send_survey(case, "csat").pk == survey.pk

    services.answer_survey(survey.token, 4, "Fast and friendly")

    trait = Trait.objects.get(party_id=case.party_id, key="csat.last")
    answer = Interaction.objects.get(kind="survey")
    assert trait.value == 4
    assert (answer.channel, answer.direction, answer.body) == (
        "email",
        "inbound",
        "Fast and friendly",
    )
    with pytest.raises(Conflict):
        services.answer_survey(survey.token, 5)
    assert Survey.objects.get().score == 4


@pytest.mark.parametrize(("kind", "score"), [("csat", 0), ("csat", 6), ("nps", 11), ("nps", -1)])
def test_survey_refuses_scores_off_the_scale(kind, score):
    survey = services.send_survey(_complaint(), kind)

    with pytest.raises(InvalidInput):
        services.answer_survey(survey.token, score)

    survey.refresh_from_db()
    assert survey.answered_at is None


def test_unknown_survey_token_is_not_found():
    with pytest.raises(NotFound):
        services.answer_survey("nope", 5)
