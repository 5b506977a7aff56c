import pytest

from reservoir.automation import receivers, rule_cache
from reservoir.automation import services as rule_services
from reservoir.automation.enums import TriggerKind
from reservoir.automation.models import Rule, Run
from reservoir.automation.tests.factories import RuleFactory
from reservoir.iam.enums import Role
from reservoir.iam.tests.factories import UserFactory
from reservoir.parties.events import PartyCreated
from reservoir.parties.tests.factories import PartyFactory

pytestmark = pytest.mark.django_db


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(rule_cache, "_clock", fake)
    rule_cache.bump()
    return fake


def _party_created() -> None:
    receivers.on_event(PartyCreated(party_id=PartyFactory().pk, provisional=False))


def test_next_event_runs_rule_when_rule_enabled_then_not_when_disabled_through_service(clock):
    manager = UserFactory(role=Role.MANAGER)
    rule = RuleFactory(enabled=False)
    _party_created()  # warms the cache: no rule for this kind
    assert Run.objects.count() == 0

    rule_services.set_enabled(rule, by=manager, enabled=True)
    _party_created()
    assert Run.objects.filter(rule=rule).count() == 1

    rule_services.set_enabled(rule, by=manager, enabled=False)
    _party_created()
    assert Run.objects.filter(rule=rule).count() == 1


def test_next_event_runs_nothing_when_rule_deleted_through_service(clock):
    manager = UserFactory(role=Role.MANAGER)
    rule = RuleFactory()
    _party_created()
    assert Run.objects.count() == 1

    rule_services.delete_rule(rule, by=manager)
    _party_created()

    assert Run.objects.count() == 0  # the run went with its rule; no new one
    assert rule_cache.kinds_with_rules() == frozenset()


def test_rule_enabled_by_another_process_takes_effect_when_cache_older_than_max_age(clock):
    rule = RuleFactory(enabled=False)
    _party_created()
    # Another process writes the row: no signal reaches this one.
    Rule.objects.filter(pk=rule.pk).update(enabled=True)

    _party_created()
    assert Run.objects.count() == 0  # still within the cache's age
    clock.now += rule_cache.MAX_AGE_S
    _party_created()

    assert Run.objects.filter(rule=rule).count() == 1


def test_rule_disabled_by_another_process_stops_running_when_cache_is_still_fresh(clock):
    rule = RuleFactory()
    _party_created()
    Rule.objects.filter(pk=rule.pk).update(enabled=False)

    _party_created()  # the cache says "a rule exists": the engine reads the rule itself

    assert Run.objects.count() == 1


def test_kinds_include_delayed_event_when_delay_rule_enabled(clock):
    RuleFactory(
        trigger=TriggerKind.DELAY,
        trigger_options={"event": TriggerKind.ORDER_PLACED.value, "hours": 2},
    )
    RuleFactory(trigger=TriggerKind.TODO_COMPLETED, enabled=False)

    assert rule_cache.kinds_with_rules() == frozenset({TriggerKind.ORDER_PLACED.value})


def test_cache_answers_without_query_when_fresh(clock, django_assert_num_queries):
    RuleFactory()
    rule_cache.kinds_with_rules()

    with django_assert_num_queries(0):
        assert rule_cache.has_rules(TriggerKind.PARTY_CREATED) is True
