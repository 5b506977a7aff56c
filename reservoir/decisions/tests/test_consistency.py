"""P3 proven: the same party and facts get the same offers and discounts in every channel."""

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reservoir.decisions import facts
from reservoir.decisions.demo import load, record_demo_day
from reservoir.decisions.engine import decide
from reservoir.decisions.enums import DecisionChannel
from reservoir.decisions.facts import DecisionContext
from reservoir.decisions.selectors import consistency
from reservoir.decisions.tests.factories import DecisionLogFactory
from reservoir.parties.tests.factories import PartyFactory

pytestmark = pytest.mark.django_db
CHANNELS = [c.value for c in DecisionChannel]
NOW = dt.datetime(2026, 12, 1, 10, 30, tzinfo=dt.UTC)
WORDS = ["", "gold", "silver", "person", "organization", "customer", "zh-hans", "phone"]
CODES = [
    "QL-AU-SBR-01",
    "QL-TV-55-01",
    "QL-AC-CAS-01",
    "音频 Audio",
    "影音 TV & Video",
    "生活电器 Home Appliances",
]


STRATEGIES = {
    "bool": st.booleans(),
    "int": st.integers(min_value=-1, max_value=400),
    "double": st.floats(min_value=0, max_value=1e6, allow_nan=False),
    "string": st.sampled_from(WORDS),
    "list<string>": st.lists(st.sampled_from(CODES + WORDS), max_size=4, unique=True),
    "map<string, double>": st.dictionaries(st.sampled_from(CODES), st.floats(0, 1), max_size=3),
    "map<string, dyn>": st.dictionaries(
        st.sampled_from(["vip", "segment"]), st.booleans() | st.sampled_from(WORDS), max_size=2
    ),
}
CUSTOMER = {
    s.path: STRATEGIES[str(s.type)] for s in facts.specs() if s.path.startswith("customer.")
}


@pytest.fixture
def demo_rules(admin_user):
    return load(admin_user)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(values=st.fixed_dictionaries(CUSTOMER), intent=st.sampled_from(["", "billing", "upgrade"]))
def test_decide_gives_same_offers_and_discounts_in_every_channel_for_any_facts(
    demo_rules, values, intent
):
    with facts.provider("test.customer", list(values), lambda _pid, _ctx: values):
        decisions = [
            decide(
                1,
                DecisionContext(channel=c, at=NOW, staff_role="sales_rep", intent=intent),
                log=False,
            )
            for c in CHANNELS
        ]

    assert len({json.dumps(d.commercial(), sort_keys=True) for d in decisions}) == 1
    assert len({d.facts_digest for d in decisions}) == 1
    assert len({d.outputs_digest for d in decisions}) == 1


def test_script_and_priority_differ_by_channel_when_rules_say_so(demo_rules):
    gold = {"customer.vip": True}

    with facts.provider("test.customer", list(gold), lambda _pid, _ctx: gold):
        phone = decide(1, DecisionContext(channel="phone", at=NOW), log=False)
        portal = decide(1, DecisionContext(channel="portal", at=NOW), log=False)

    assert (phone.priority, portal.priority) == (70, 10)
    assert phone.commercial() == portal.commercial()


def test_consistency_report_counts_zero_inconsistent_when_demo_day_recorded(admin_user, demo_rules):
    PartyFactory.create_batch(5)

    decisions = record_demo_day(admin_user, parties=5)

    report = consistency()
    assert (report.decisions, report.groups, report.inconsistent) == (decisions, 5, 0)


def test_consistency_report_finds_decisions_that_differ_when_channels_disagree(db):
    DecisionLogFactory(party_id=7, channel="phone", outputs_digest="a" * 32)
    DecisionLogFactory(party_id=7, channel="email", outputs_digest="b" * 32)
    DecisionLogFactory(party_id=8, channel="phone", outputs_digest="a" * 32)
    DecisionLogFactory(party_id=8, channel="chat", outputs_digest="a" * 32)

    report = consistency()

    assert (report.decisions, report.groups, report.inconsistent) == (4, 2, 1)
    assert report.examples == [(7, "f" * 32, ["email", "phone"])]
