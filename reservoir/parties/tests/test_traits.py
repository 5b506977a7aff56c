"""The trait catalogue: labels, formats per kind, bad value types, unknown keys, Chinese."""

from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from reservoir.parties import traits
from reservoir.parties.traits import TraitKind, format_trait, register_trait, trait_label


@pytest.fixture(autouse=True)
def catalogue(monkeypatch, settings):
    """A copy of the catalogue, so keys registered by a test do not outlive it."""
    monkeypatch.setattr(traits, "_CATALOGUE", dict(traits._CATALOGUE))
    settings.DEFAULT_CURRENCY = "CNY"
    with translation.override("en"):
        yield


@pytest.fixture
def kinds():
    """One test key per kind."""
    register_trait("t.text", label="Text", kind=TraitKind.TEXT)
    register_trait("t.number", label="Number", kind=TraitKind.NUMBER)
    register_trait("t.one", label="One decimal", kind=TraitKind.NUMBER, decimals=1)
    register_trait("t.money", label="Money", kind=TraitKind.MONEY)
    register_trait("t.percent", label="Percent", kind=TraitKind.PERCENT)
    register_trait("t.date", label="Date", kind=TraitKind.DATE)
    register_trait(
        "t.choice",
        label="Choice",
        kind=TraitKind.CHOICE,
        choices={"champions": _("Champions"), "at_risk": _("At risk")},
    )
    register_trait("t.list", label="List", kind=TraitKind.LIST, item_key="name")
    register_trait("t.flag", label="Flag", kind=TraitKind.FLAG)


def test_trait_label_is_the_registered_label_when_key_is_registered():
    register_trait("clv.churn_risk", label=_("Churn risk"), kind="percent")

    assert trait_label("clv.churn_risk") == "Churn risk"


def test_trait_label_humanizes_the_key_when_key_is_unknown():
    assert trait_label("loyalty.card_tier") == "Loyalty card tier"
    assert trait_label("income_band") == "Income band"


def test_trait_label_is_translated_when_language_is_zh_hans():
    register_trait("t.risk", label=_("Churn risk"), kind=TraitKind.PERCENT)

    with translation.override("zh-hans"):
        labels = (trait_label("t.risk"), trait_label("clv"))

    assert labels == ("流失风险", "客户终身价值")


@pytest.mark.parametrize(
    ("key", "value", "text"),
    [
        ("t.text", "Audio + Phones", "Audio + Phones"),
        ("t.number", 12345, "12,345"),
        ("t.number", 2.5, "2.5"),
        ("t.number", 0.8231, "0.82"),
        ("t.number", 3.0, "3"),
        ("t.one", 2.35, "2.4"),
        ("t.one", "7", "7.0"),
        ("t.money", 1234567.891, "¥1,234,567.89"),
        ("t.money", "-1234.5", "-¥1,234.50"),
        ("t.money", 0, "¥0.00"),
        ("t.percent", 0.8231, "82%"),
        ("t.percent", 0.005, "1%"),
        ("t.percent", 1, "100%"),
        ("t.date", "2024-03-05", "03/05/2024"),
        ("t.choice", "champions", "Champions"),
        ("t.choice", "very_loyal", "Very loyal"),
        ("t.choice", "Walks in on Fridays", "Walks in on Fridays"),
        (
            "t.list",
            [{"sku": "A1", "name": "Earbuds"}, {"sku": "B2", "name": "Case"}],
            "Earbuds, Case",
        ),
        ("t.list", ["VIP", "展会"], "VIP, 展会"),
        ("t.list", [], "—"),
        ("t.flag", True, "yes"),
        ("t.flag", False, "no"),
    ],
)
def test_format_trait_formats_the_value_by_its_kind(kinds, key, value, text):
    assert format_trait(key, value) == text


def test_format_trait_writes_the_currency_code_when_it_has_no_symbol(kinds, settings):
    settings.DEFAULT_CURRENCY = "CHF"

    assert format_trait("t.money", Decimal("1234.5")) == "1,234.50 CHF"


@pytest.mark.parametrize(
    ("key", "value", "text"),
    [
        ("t.percent", "high", "high"),
        ("t.percent", True, "yes"),
        ("t.number", float("nan"), "nan"),
        ("t.number", float("inf"), "inf"),
        ("t.money", ["a", "b"], "a, b"),
        ("t.money", {"amount": 5}, "Amount: 5"),
        ("t.money", "12 yuan", "12 yuan"),
        ("t.date", 20240305, "20240305"),
        ("t.date", "soon", "soon"),
        ("t.date", "2024-13-45", "2024-13-45"),
        ("t.choice", 3, "3"),
        ("t.choice", ["champions"], "champions"),
        ("t.list", "Earbuds", "Earbuds"),
        ("t.flag", "yes please", "yes please"),
        ("t.text", {"a": [1, None]}, "A: 1, —"),
    ],
)
def test_format_trait_falls_back_to_plain_text_when_value_has_an_unexpected_type(
    kinds, key, value, text
):
    assert format_trait(key, value) == text


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)


@hypothesis_settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    key=st.sampled_from(
        [
            "t.text",
            "t.number",
            "t.one",
            "t.money",
            "t.percent",
            "t.date",
            "t.choice",
            "t.list",
            "t.flag",
            "completeness",
            "unknown.key",
        ]
    ),
    value=JSON,
)
def test_format_trait_returns_text_whatever_the_value(kinds, key, value):
    text = format_trait(key, value)

    assert isinstance(text, str) and text != ""


@pytest.mark.parametrize("value", [None, ""])
def test_format_trait_shows_a_dash_when_value_is_empty(kinds, value):
    assert format_trait("t.money", value) == "—"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.8231, "0.82"),
        (12345, "12345"),
        (1998, "1998"),
        (False, "no"),
        ("hand typed", "hand typed"),
        ([1, "x"], "1, x"),
        ({"score": 3}, "Score: 3"),
        (None, "—"),
    ],
)
def test_format_trait_shows_plain_text_when_key_is_unknown(value, text):
    assert format_trait("hand.set_fact", value) == text


def test_format_trait_uses_chinese_formats_and_labels_when_language_is_zh_hans(kinds):
    with translation.override("zh-hans"):
        texts = [
            format_trait("t.money", 1234567.891),
            format_trait("t.choice", "champions"),
            format_trait("t.date", "2024-03-05"),
            format_trait("t.flag", True),
        ]

    # Django's zh_Hans formats group no digits.
    assert texts == ["¥1234567.89", "冠军客户", "2024年3月5日", "是"]


def test_format_trait_formats_a_part_of_a_dict_value_when_the_spec_names_one():
    assert format_trait("completeness", {"score": 72, "missing": ["email"]}) == "72%"
    assert format_trait("completeness", {"missing": ["email"]}) == "—"


def test_register_trait_replaces_the_earlier_entry_when_a_key_is_registered_again():
    register_trait("t.x", label="First", kind=TraitKind.TEXT)

    register_trait("t.x", label="Second", kind=TraitKind.PERCENT)

    assert (trait_label("t.x"), format_trait("t.x", 0.5)) == ("Second", "50%")


def test_register_trait_rejects_an_unknown_kind():
    with pytest.raises(ValueError, match="'gauge'"):
        register_trait("t.x", label="X", kind="gauge")

    assert traits.get_trait_spec("t.x") is None


@pytest.mark.parametrize(
    ("key", "value", "label", "text"),
    [
        ("csat.last", 4, "Last CSAT score", "4"),
        ("nps.last", 9, "Last NPS score", "9"),
        ("clv", 5000, "Lifetime value", "¥5,000.00"),
        ("churn_risk", 0.25, "Churn risk", "25%"),
        ("churn_risk", "low", "Churn risk", "low"),
        ("tags", ["VIP", "golf"], "Tags", "VIP, golf"),
        ("vip", True, "VIP", "yes"),
        ("payment_terms_days", 30, "Payment terms (days)", "30"),
        ("preferred_contact_time", "weekday_morning", "Preferred contact time", "Weekday mornings"),
    ],
)
def test_keys_of_apps_that_register_none_read_well(key, value, label, text):
    assert (trait_label(key), format_trait(key, value)) == (label, text)
