"""The demo company's service side: knowledge base, cases with SLA history, a portal login.

Runs inside the demo load's transaction, after staff, customers and orders exist; every row
is written through the owning apps' services (support, knowledge, portal), so cases carry
their timeline interactions, SLA clocks and audit entries like real ones.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from reservoir.demo.staff import DEMO_PASSWORD
from reservoir.parties.enums import ContactKind
from reservoir.parties.models import ContactPoint
from reservoir.portal import services as portal_services
from reservoir.portal.models import PortalAccount
from reservoir.support import demo as support_demo
from reservoir.support.enums import CaseType
from reservoir.support.knowledge import demo as knowledge_demo
from reservoir.support.models import Case


def load(seed: int, now: dt.datetime, say: Callable[[str], Any]) -> dict[str, int]:
    """Load articles, cases (their history ending at `now`) and one portal account."""
    articles = knowledge_demo.load_demo()
    counts = support_demo.load_demo(random.Random(f"{seed}:service"), now=now, say=say)
    account = portal_account()
    if account is not None:
        say(f"  customer portal login: {account.email} / {DEMO_PASSWORD}")
    return {"articles": len(articles), **counts, "portal_accounts": int(account is not None)}


def portal_account() -> PortalAccount | None:
    """A portal login for a customer with cases and an e-mail (a complainant, if any)."""
    for case_type in (CaseType.COMPLAINT, ""):
        cases = Case.objects.order_by("id")
        if case_type:
            cases = cases.filter(type=case_type)
        for party_id in cases.values_list("party_id", flat=True):
            email = (
                ContactPoint.objects.filter(party_id=party_id, kind=ContactKind.EMAIL)
                .order_by("-is_primary", "id")
                .values_list("value", flat=True)
                .first()
            )
            if email and not PortalAccount.objects.filter(email=email).exists():
                return portal_services.create_account(
                    cases.filter(party_id=party_id).first().party,  # type: ignore[union-attr]
                    email=email,
                    password=DEMO_PASSWORD,
                )
    return None


def portal_login() -> tuple[str, str] | None:
    """The demo customer's portal e-mail and password, for the CLI to print."""
    account = PortalAccount.objects.order_by("id").first()
    return (account.email, DEMO_PASSWORD) if account is not None else None
