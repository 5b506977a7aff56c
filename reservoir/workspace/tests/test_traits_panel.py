"""The Customer 360's Traits panel and trait history: labels and formatted values."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from reservoir.parties.enums import TraitSource
from reservoir.parties.services import set_trait

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.DEFAULT_CURRENCY = "CNY"
    with translation.override("en"):
        yield


def _panel(html: str) -> dict[str, tuple[str, str]]:
    """{key: (label, value)} of the Traits panel's rows."""
    rows = re.findall(
        r'<li data-trait="([^"]+)">.*?<span class="trait-key"[^>]*>([^<]*)</span>\s*'
        r'<span class="trait-value">([^<]*)</span>',
        html,
        flags=re.S,
    )
    return {key: (label, value) for key, label, value in rows}


def test_traits_panel_shows_labels_and_formatted_values(client, rep_a, party_a):
    picks = [
        {"sku": "EB-1", "name": "Earbuds", "lift": 2.1, "confidence": 0.4},
        {"sku": "CS-2", "name": "Phone case", "lift": 1.6, "confidence": 0.3},
    ]
    for key, value in {
        "clv.value": 12345.678,
        "clv.churn_risk": 0.8231,
        "rfm.segment": "champions",
        "basket.next_best": picks,
        "loyalty.card_tier": "gold",
    }.items():
        set_trait(party_a, key=key, value=value, source=TraitSource.COMPUTED, by=None)
    client.force_login(rep_a)

    response = client.get(reverse("workspace:party_detail", args=[party_a.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    # the history requests inside must not inherit the refresh's hx-select (an empty swap)
    assert re.search(r'<div id="party-scores"[^>]* hx-disinherit="\*"', html)
    assert _panel(html) == {
        "basket.next_best": ("Next best products", "Earbuds, Phone case"),
        "clv.churn_risk": ("Churn risk", "82%"),
        "clv.value": ("Lifetime value", "¥12,345.68"),
        "loyalty.card_tier": ("Loyalty card tier", "gold"),
        "rfm.segment": ("RFM segment", "Champions"),
    }


def test_traits_panel_is_in_chinese_when_language_is_zh_hans(client, rep_a, party_a):
    set_trait(party_a, key="clv.churn_risk", value=0.25, by=None)
    set_trait(party_a, key="rfm.segment", value="at_risk", by=None)
    client.force_login(rep_a)

    with translation.override("zh-hans"):
        response = client.get(
            reverse("workspace:party_detail", args=[party_a.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
        )

    panel = _panel(response.content.decode())
    assert panel["clv.churn_risk"] == ("流失风险", "25%")
    assert panel["rfm.segment"] == ("RFM 分群", "有流失风险")


def test_trait_history_formats_earlier_values_like_the_panel(client, rep_a, party_a):
    set_trait(party_a, key="clv.churn_risk", value=0.1, by=None)
    set_trait(party_a, key="clv.churn_risk", value=0.8231, by=None)
    client.force_login(rep_a)

    response = client.get(reverse("workspace:trait_history", args=[party_a.pk, "clv.churn_risk"]))

    html = response.content.decode()
    assert re.findall(r'<span class="strong">([^<]*)</span>', html) == ["82%", "10%"]


def test_trait_history_shows_bad_values_as_plain_text(client, rep_a, party_a):
    set_trait(party_a, key="clv.value", value="not scored", by=None)
    client.force_login(rep_a)

    response = client.get(reverse("workspace:trait_history", args=[party_a.pk, "clv.value"]))

    assert response.status_code == 200
    assert re.findall(r'<span class="strong">([^<]*)</span>', response.content.decode()) == [
        "not scored"
    ]
