"""Consent facts for contact rules: may this customer get marketing, and where.

Declared here (decisions only knows the catalog it ships) and answered with one query.
Side effects: none; `register()` is called once from ConsentConfig.ready().
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from reservoir.consent.selectors import marketing_channels
from reservoir.decisions import facts as registry
from reservoir.decisions.facts import DecisionContext
from reservoir.decisions.types import BOOL, STRING, list_of

CONSENT_FACTS = (
    "customer.may_email_marketing",
    "customer.may_sms_marketing",
    "customer.marketing_channels",
)


def consent_facts(party_id: int, _ctx: DecisionContext) -> dict[str, Any]:
    channels = marketing_channels(party_id)
    return {
        "customer.may_email_marketing": "email" in channels,
        "customer.may_sms_marketing": "sms" in channels,
        "customer.marketing_channels": channels,
    }


def register() -> None:
    registry.declare(
        "customer.may_email_marketing", BOOL, _("Agreed to marketing by e-mail"), False
    )
    registry.declare("customer.may_sms_marketing", BOOL, _("Agreed to marketing by SMS"), False)
    registry.declare(
        "customer.marketing_channels", list_of(STRING), _("Channels agreed for marketing"), []
    )
    registry.register_provider("consent.ledger", CONSENT_FACTS, consent_facts)
