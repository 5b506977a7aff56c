import datetime as dt

import pytest
from django.core import mail

from reservoir.audit.models import AuditEntry
from reservoir.automation import conditions, engine
from reservoir.automation.enums import RunStatus, TriggerKind
from reservoir.automation.models import Run
from reservoir.automation.tests.factories import RuleFactory
from reservoir.automation.tests.support import drain
from reservoir.automation.triggers import Occurrence
from reservoir.iam.tests.factories import TeamFactory, UserFactory
from reservoir.parties import services as party_services
from reservoir.parties.tests.factories import PartyFactory
from reservoir.todos.models import Todo

pytestmark = pytest.mark.django_db


def _created(party):
    return Occurrence(TriggerKind.PARTY_CREATED, party.pk, f"party:{party.pk}", {})


def _round_robin_rule(team, **kw):
    return RuleFactory(
        actions=[
            {"type": "assign", "options": {"strategy": "round_robin", "team": team.pk}},
            {
                "type": "create_todo",
                "options": {
                    "title": "Follow up",
                    "due_in": 2,
                    "due_unit": "business_days",
                    "assign_to": "assigned",
                    "priority": "normal",
                },
            },
        ],
        **kw,
    )


def test_event_runs_rule_actions_when_condition_holds():
    team = TeamFactory()
    rep = UserFactory(team=team)
    _round_robin_rule(team, condition='"Trade show 2026" in customer.tags')
    party = PartyFactory(source="Trade show 2026")

    engine.dispatch(_created(party))
    drain()

    run = Run.objects.get()
    party.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED
    assert [e["action"] for e in run.log] == ["assign", "create_todo"]
    assert party.owner_id == rep.pk
    assert Todo.objects.get().assignee_id == rep.pk


def test_run_is_skipped_and_nothing_done_when_condition_false():
    team = TeamFactory()
    UserFactory(team=team)
    _round_robin_rule(team, condition='"Trade show 2026" in customer.tags')
    party = PartyFactory(source="website")

    engine.dispatch(_created(party))
    drain()

    assert Run.objects.get().status == RunStatus.SKIPPED
    assert Todo.objects.count() == 0


def test_round_robin_distributes_across_team_when_four_parties_arrive():
    team = TeamFactory()
    reps = [UserFactory(team=team) for _ in range(3)]
    _round_robin_rule(team)
    parties = [PartyFactory() for _ in range(4)]

    for p in parties:
        engine.dispatch(_created(p))
    drain()

    owners = [Todo.objects.get(party=p).assignee_id for p in parties]
    assert owners == [reps[0].pk, reps[1].pk, reps[2].pk, reps[0].pk]


def test_least_loaded_picks_member_with_fewest_open_tasks():
    team = TeamFactory()
    busy, idle = UserFactory(team=team), UserFactory(team=team)
    Todo.objects.create(title="x", assignee=busy)
    RuleFactory(
        actions=[{"type": "assign", "options": {"strategy": "least_loaded", "team": team.pk}}]
    )
    party = PartyFactory()

    engine.dispatch(_created(party))
    drain()

    party.refresh_from_db()
    assert party.owner_id == idle.pk


def test_territory_assigns_by_region_when_mapping_matches():
    team = TeamFactory()
    UserFactory(team=team, username="first")
    east = UserFactory(team=team, username="east")
    RuleFactory(
        actions=[
            {
                "type": "assign",
                "options": {"strategy": "territory", "team": team.pk, "territories": "上海 = east"},
            }
        ]
    )
    party = PartyFactory()
    party_services.add_address(party, by=None, region="上海", city="上海", is_primary=True)

    engine.dispatch(_created(party))
    drain()

    party.refresh_from_db()
    assert party.owner_id == east.pk


def test_due_date_counts_business_days_when_created_friday_before_spring_festival():
    rep = UserFactory()
    rule = RuleFactory(
        actions=[
            {
                "type": "create_todo",
                "options": {
                    "title": "Call",
                    "due_in": 2,
                    "due_unit": "business_days",
                    "assign_to": "user",
                    "user": rep.pk,
                },
            }
        ]
    )
    party = PartyFactory()
    run = engine.create_run(rule, event_key="k", party_id=party.pk, event={}, enqueue=False)
    friday = dt.datetime(2026, 2, 13, 16, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    from reservoir.automation.actions.registry import ActionContext, get

    ctx = ActionContext(rule_id=rule.pk, run_id=run.pk, party=party, event={}, now=friday)
    get("create_todo").run(ctx, rule.actions[0]["options"])

    due = Todo.objects.get().due_at.astimezone(friday.tzinfo)
    assert due.date() == dt.date(2026, 2, 24)


def test_second_delivery_of_same_event_creates_no_second_run():
    team = TeamFactory()
    UserFactory(team=team)
    _round_robin_rule(team)
    party = PartyFactory()

    first = engine.dispatch(_created(party))
    second = engine.dispatch(_created(party))
    drain()
    engine.execute(first[0].pk)

    assert len(first) == 1
    assert second == []
    assert Run.objects.count() == 1
    assert Todo.objects.count() == 1


def test_failing_action_is_retried_then_failed_and_logged():
    rule = RuleFactory(
        actions=[{"type": "escalate", "options": {"to": "manager", "reason": "late"}}]
    )
    party = PartyFactory(team=TeamFactory())

    engine.dispatch(_created(party))
    drain(retrying=True)

    run = Run.objects.get(rule=rule)
    assert run.status == RunStatus.FAILED
    assert run.attempts == 4
    assert "no manager" in run.error
    assert Todo.objects.count() == 0
    assert AuditEntry.objects.filter(action="automation.run.failed").count() == 1


def test_email_action_sends_rendered_template_when_owner_has_email():
    owner = UserFactory(email="owner@example.com")
    RuleFactory(
        actions=[
            {
                "type": "send_email",
                "options": {
                    "to": "owner",
                    "address": "",
                    "subject": "New: {{ customer }}",
                    "body": "Hi {{ owner }}",
                },
            }
        ]
    )
    party = PartyFactory(display_name="Li Lei", owner=owner)

    engine.dispatch(_created(party))
    drain()

    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "New: Li Lei"
    assert mail.outbox[0].to == ["owner@example.com"]


def test_rate_limit_stops_runs_beyond_hourly_limit_for_one_party():
    rule = RuleFactory(
        trigger=TriggerKind.INTERACTION_RECORDED,
        max_runs_per_hour=2,
        actions=[{"type": "notify", "options": {"recipient": "owner", "message": "x"}}],
    )
    party = PartyFactory()

    for i in range(3):
        engine.dispatch(Occurrence(TriggerKind.INTERACTION_RECORDED, party.pk, f"i:{i}", {}))

    statuses = list(Run.objects.filter(rule=rule).order_by("id").values_list("status", flat=True))
    assert statuses == [RunStatus.PENDING, RunStatus.PENDING, RunStatus.RATE_LIMITED]


def test_imported_tags_trait_counts_as_tags_when_condition_reads_them():
    party = PartyFactory(source="import 2026-11")
    party_services.set_trait(party, key="tags", value=["Trade show 2026", "VIP lead"], by=None)

    holds = conditions.holds('"Trade show 2026" in customer.tags', party.pk, {})
    source = conditions.holds('customer.source == "import 2026-11"', party.pk, {})

    assert (holds, source) == (True, True)
