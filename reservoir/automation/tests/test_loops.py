import pytest

from reservoir.audit.models import AuditEntry
from reservoir.automation.engine import MAX_DEPTH
from reservoir.automation.enums import RunStatus, TriggerKind
from reservoir.automation.models import Run
from reservoir.automation.tests.factories import RuleFactory
from reservoir.automation.tests.support import drain
from reservoir.iam.tests.factories import TeamFactory, UserFactory
from reservoir.parties import services as party_services
from reservoir.parties.tests.factories import PartyFactory

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
