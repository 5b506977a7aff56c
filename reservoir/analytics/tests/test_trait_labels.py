"""The model traits are registered with parties' catalogue at start-up and read well."""

from django.utils import translation

from reservoir.analytics.clv.rfm import SEGMENT_GRID
from reservoir.analytics.scoring import keys, trait_labels
from reservoir.parties.traits import format_trait, get_trait_spec, trait_label


def test_every_model_trait_is_registered_when_the_app_is_ready():
    missing = [key for key in keys.ALL if get_trait_spec(key) is None]

    assert missing == []


def test_every_segment_the_rfm_grid_can_give_has_a_label():
    codes = {code for row in SEGMENT_GRID for code in row}

    assert codes == set(trait_labels.SEGMENT_LABELS)


def test_new_customer_segment_reads_as_new_customers_not_create_new_in_chinese():
    with translation.override("zh-hans"):
        assert format_trait(keys.RFM_SEGMENT, "new") == "新客户"


def test_model_traits_are_labelled_and_formatted_when_shown(settings):
    settings.DEFAULT_CURRENCY = "CNY"
    picks = [{"sku": "EB-1", "name": "Earbuds", "lift": 2.1, "confidence": 0.4}]

    with translation.override("en"):
        shown = [
            (trait_label(key), format_trait(key, value))
            for key, value in [
                (keys.CLV_VALUE, 12345.678),
                (keys.CLV_CHURN_RISK, 0.8231),
                (keys.CLV_P_ALIVE, 0.1769),
                (keys.CLV_EXPECTED_PURCHASES, 2.345),
                (keys.PROFITABILITY, -120),
                (keys.RFM_SEGMENT, "cannot_lose"),
                (keys.RFM_SCORE, "5-4-3"),
                (keys.NEXT_BEST, picks),
                (keys.NEEDS_SEGMENT, "Audio + Phones"),
            ]
        ]

    assert shown == [
        ("Lifetime value", "¥12,345.68"),
        ("Churn risk", "82%"),
        ("Probability still buying", "18%"),
        ("Expected purchases", "2.3"),
        ("Profitability", "-¥120.00"),
        ("RFM segment", "Cannot lose them"),
        ("RFM score", "5-4-3"),
        ("Next best products", "Earbuds"),
        ("Needs segment", "Audio + Phones"),
    ]


def test_segment_label_is_chinese_when_language_is_zh_hans():
    with translation.override("zh-hans"):
        shown = (trait_label(keys.RFM_SEGMENT), format_trait(keys.RFM_SEGMENT, "champions"))

    assert shown == ("RFM 分群", "冠军客户")
