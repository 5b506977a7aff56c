"""How the customer-value models' traits read on staff screens (see parties.traits).

`register()` is called from `AnalyticsConfig.ready()`, so every process (web, worker,
tests) labels and formats these keys the same way, including screens of lower apps
(support's case page) that may not import analytics.

The RFM segment labels live here, not in `analytics.clv.rfm` (which imports them), because
importing `rfm` loads scipy, which would cost every process start seconds.
"""

from __future__ import annotations

from typing import Final

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from reservoir.analytics.scoring import keys
from reservoir.parties.traits import Label, TraitKind, register_trait

SEGMENT_LABELS: Final[dict[str, Label]] = {
    "champions": _("Champions"),
    "loyal": _("Loyal"),
    "potential_loyalist": _("Potential loyalist"),
    "new": pgettext_lazy("customer segment", "New"),
    "promising": _("Promising"),
    "need_attention": _("Needs attention"),
    "about_to_sleep": _("About to sleep"),
    "at_risk": _("At risk"),
    "cannot_lose": _("Cannot lose them"),
    "hibernating": _("Hibernating"),
    "lost": _("Lost"),
}


def register() -> None:
    """Register every key in `keys.ALL` with parties' trait catalogue.

    Side effects: changes the process-wide trait catalogue (idempotent).
    """
    register_trait(keys.CLV_VALUE, label=_("Lifetime value"), kind=TraitKind.MONEY)
    register_trait(keys.CLV_CHURN_RISK, label=_("Churn risk"), kind=TraitKind.PERCENT)
    register_trait(keys.CLV_P_ALIVE, label=_("Probability still buying"), kind=TraitKind.PERCENT)
    register_trait(
        keys.CLV_EXPECTED_PURCHASES,
        label=_("Expected purchases"),
        kind=TraitKind.NUMBER,
        decimals=1,
    )
    register_trait(keys.PROFITABILITY, label=_("Profitability"), kind=TraitKind.MONEY)
    register_trait(
        keys.RFM_SEGMENT, label=_("RFM segment"), kind=TraitKind.CHOICE, choices=SEGMENT_LABELS
    )
    register_trait(keys.RFM_SCORE, label=_("RFM score"), kind=TraitKind.TEXT)
    register_trait(
        keys.NEXT_BEST, label=_("Next best products"), kind=TraitKind.LIST, item_key="name"
    )
    register_trait(keys.NEEDS_SEGMENT, label=_("Needs segment"), kind=TraitKind.TEXT)
