"""The case page's customer card: the modelled value and churn risk, labelled and formatted."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from reservoir.parties.enums import TraitSource
from reservoir.parties.services import set_trait
from reservoir.parties.tests.factories import PartyFactory
from reservoir.support import services
from reservoir.support.tests.factories import AgentFactory
from reservoir.support.views.context import card_traits
from reservoir.timeline.tests.factories import InteractionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.DEFAULT_CURRENCY = "CNY"
    with translation.override("en"):
        yield


@pytest.fixture
def agent(client):
    user = AgentFactory()
    client.force_login(user)
    return user


def _case(party):
    return services.open_case(
        party=party, subject="Printer offline", body="It drops off.", channel="portal", by=None
    )


def _traits(party, **values):
    for key, value in values.items():
        set_trait(party, key=key, value=value, source=TraitSource.COMPUTED, by=None)


def test_card_shows_modelled_value_and_churn_risk_labelled_and_formatted(client, agent):
    party = PartyFactory(display_name="Li Na")
    _traits(
        party,
        **{
            "nps.last": 9,
            "csat.last": 4,
            "rfm.segment": "champions",
            "clv.churn_risk": 0.8231,
            "clv.value": 12345.678,
            "vip": True,
        },
    )
    case = _case(party)

    response = client.get(reverse("support:case_detail", args=[case.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert [(t.label, t.text) for t in response.context["ctx"].traits] == [
        ("Lifetime value", "¥12,345.68"),
        ("Churn risk", "82%"),
        ("RFM segment", "Champions"),
        ("Last CSAT score", "4"),
        ("Last NPS score", "9"),
    ]
    assert '<dt>Lifetime value</dt><dd data-trait="clv.value">¥12,345.68</dd>' in html
    assert '<dt>Churn risk</dt><dd data-trait="clv.churn_risk">82%</dd>' in html
    assert "clv.churn_risk 0.8231" not in html and 'data-trait="vip"' not in html


def test_card_shows_hand_set_value_and_risk_when_no_model_scored_the_customer(client, agent):
    party = PartyFactory()
    _traits(party, clv=800, churn_risk="high")
    case = _case(party)

    response = client.get(reverse("support:case_detail", args=[case.pk]))

    html = response.content.decode()
    assert '<dt>Lifetime value</dt><dd data-trait="clv">¥800.00</dd>' in html
    assert '<dt>Churn risk</dt><dd data-trait="churn_risk">high</dd>' in html


def test_card_prefers_the_modelled_value_when_a_hand_set_one_exists_too():
    party = PartyFactory()
    _traits(party, clv=800, **{"clv.value": 1500})

    lines = card_traits(party.traits.all())

    assert [(t.key, t.text) for t in lines] == [("clv.value", "¥1,500.00")]


def test_card_labels_are_chinese_when_language_is_zh_hans():
    party = PartyFactory()
    _traits(party, **{"clv.churn_risk": 0.5, "rfm.segment": "at_risk"})

    with translation.override("zh-hans"):
        lines = card_traits(party.traits.all())

    assert [(t.label, t.text) for t in lines] == [("流失风险", "50%"), ("RFM 分群", "有流失风险")]


def test_card_names_each_channel_in_the_current_language_busiest_first(client, agent):
    party = PartyFactory(display_name="Zhou Min")
    case = _case(party)  # the portal message is one interaction
    for channel in ("ivr", "web", "web"):
        InteractionFactory(party=party, channel=channel)

    english = client.get(reverse("support:case_detail", args=[case.pk]))
    with translation.override("zh-hans"):
        chinese = client.get(
            reverse("support:case_detail", args=[case.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
        )

    assert [c[1:] for c in english.context["ctx"].channel_counts] == [
        ("Web visit", 2),
        ("IVR", 1),
        ("Portal", 1),
    ]
    assert 'data-channel="ivr">' in english.content.decode()
    assert ">ivr 1<" not in english.content.decode()
    assert "网站访问 2" in chinese.content.decode()
