"""The Python fast path computes exactly what cel-python computes, for any facts."""

import celpy
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reservoir.decisions import facts, fastpath
from reservoir.decisions.expressions import _ENV, _plain, check

SCHEMA = facts.schema()
FAST = [
    'customer.vip || customer.value_tier == "gold"',
    'customer.segment == "gold" && context.channel in ["phone", "chat"] && !customer.has_open_complaint',
    "customer.orders_count >= 3 ? customer.churn_risk < 0.5 : customer.vip",
    '(customer.kind != "person") || (customer.lifetime_revenue > 1000.0 && customer.orders_count > 0)',
    '"QL-1" in customer.products_owned',
    "customer.days_since_last_order in [1, 2, 3] || customer.contacts_30d <= 5",
]
SLOW = [
    'customer.products_owned.exists(p, p.startsWith("QL"))',
    "size(customer.roles) > 1",
    "customer.orders_count + 1 > 2",
    'customer.segment == "a\\"b"',
]
VALUES = st.fixed_dictionaries(
    {
        "customer.vip": st.booleans(),
        "customer.has_open_complaint": st.booleans(),
        "customer.value_tier": st.sampled_from(["", "gold", "silver"]),
        "customer.segment": st.sampled_from(["", "gold", "silver"]),
        "customer.kind": st.sampled_from(["person", "organization"]),
        "context.channel": st.sampled_from(["phone", "chat", "email"]),
        "customer.orders_count": st.integers(0, 6),
        "customer.days_since_last_order": st.integers(-1, 5),
        "customer.contacts_30d": st.integers(0, 9),
        "customer.churn_risk": st.floats(0, 1),
        "customer.lifetime_revenue": st.floats(0, 5000),
        "customer.products_owned": st.lists(st.sampled_from(["QL-1", "QL-2"]), max_size=2),
    }
)


def _celpy(source, values):
    checked = check(source, SCHEMA)
    nested = {}
    for path in checked.paths:
        ns, _dot, name = path.partition(".")
        nested.setdefault(ns, {})[name] = values[path]
    activation = {k: celpy.json_to_cel(v) for k, v in nested.items()}
    return _plain(_ENV.program(checked.tree).evaluate(activation))


@pytest.mark.parametrize("source", FAST)
def test_simple_conditions_take_the_fast_path(source):
    assert fastpath.translate(check(source, SCHEMA).tree) is not None


@pytest.mark.parametrize("source", SLOW)
def test_functions_macros_arithmetic_and_escapes_stay_on_celpy(source):
    assert fastpath.translate(check(source, SCHEMA).tree) is None


@settings(max_examples=150, deadline=None)
@given(values=VALUES)
def test_fast_path_agrees_with_celpy_when_facts_vary(values):
    for source in FAST:
        fast = fastpath.translate(check(source, SCHEMA).tree)

        assert fast(values, {}) == _celpy(source, values), source
