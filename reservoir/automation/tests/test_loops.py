import pytest
from django.core import mail

from reservoir.audit.models import AuditEntry
from reservoir.automation.engine import MAX_DEPTH
from reservoir.automation.enums import RunStatus, TriggerKind
from reservoir.automation.models import Run
from reservoir.automation.tests.factories import RuleFactory
from reservoir.automation.tests.support import drain
from reservoir.iam.tests.factories import TeamFactory, UserFactory
from reservoir.parties import services as party_services
from reservoir.parties.tests.factories import ContactPointFactory, PartyFactory
from reservoir.timeline import services as timeline_services
from reservoir.timeline.models import Interaction

# Events are delivered on commit: these tests commit for real.
pytestmark = pytest.mark.django_db(transaction=True)


def test_self_triggering_rule_is_stopped_and_logged_when_chain_exceeds_depth():
    team = TeamFactory()
    UserFactory(team=team)
    UserFactory(team=team)
    # Reassigning the customer changes it, which triggers the rule again, forever.
    rule = RuleFactory(
        trigger=TriggerKind.PARTY_UPDATED,
        max_runs_per_hour=100,
        actions=[{"type": "assign", "options": {"strategy": "round_robin", "team": team.pk}}],
    )
    party = PartyFactory()

    party_services.update_party(party, by=None, industry="retail")
    drain(rounds=50)

    runs = list(Run.objects.filter(rule=rule).order_by("id"))
    assert [r.depth for r in runs] == list(range(MAX_DEPTH + 2))
    assert [r.status for r in runs[:-1]] == [RunStatus.SUCCEEDED] * (MAX_DEPTH + 1)
    assert runs[-1].status == RunStatus.LOOP_STOPPED
    assert "chain" in runs[-1].error
    assert runs[-1].cause_id == runs[-2].pk
    assert AuditEntry.objects.filter(action="automation.run.loop_stopped").count() == 1


def test_rate_limit_stops_a_loop_before_depth_when_limit_is_lower():
    team = TeamFactory()
    UserFactory(team=team)
    UserFactory(team=team)
    rule = RuleFactory(
        trigger=TriggerKind.PARTY_UPDATED,
        max_runs_per_hour=3,
        actions=[{"type": "assign", "options": {"strategy": "round_robin", "team": team.pk}}],
    )
    party = PartyFactory()

    party_services.update_party(party, by=None, industry="retail")
    drain(rounds=50)

    statuses = list(Run.objects.filter(rule=rule).order_by("id").values_list("status", flat=True))
    assert statuses == [RunStatus.SUCCEEDED] * 3 + [RunStatus.RATE_LIMITED]


def test_customer_email_rule_on_recorded_interactions_does_not_answer_its_own_email():
    rule = RuleFactory(
        trigger=TriggerKind.INTERACTION_RECORDED,
        max_runs_per_hour=100,
        actions=[
            {
                "type": "send_email",
                "options": {
                    "to": "customer",
                    "address": "",
                    "purpose": "service",
                    "subject": "Thanks for your message",
                    "body": "We will answer soon.",
                },
            }
        ],
    )
    party = PartyFactory()
    ContactPointFactory(party=party, value="wang@example.com", is_primary=True)

    timeline_services.record_interaction(
        timeline_services.InteractionInput(
            channel="email", direction="inbound", party_id=party.pk, subject="Question"
        ),
        by=None,
    )
    drain(rounds=50)

    assert len(mail.outbox) == 1
    assert list(Run.objects.filter(rule=rule).values_list("status", flat=True)) == [
        RunStatus.SUCCEEDED
    ]
    assert Interaction.objects.filter(party=party, direction="outbound").count() == 1
