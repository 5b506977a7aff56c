"""Factories for portal accounts (used by other apps' tests and journeys too)."""

from __future__ import annotations

from django.contrib.auth import hashers

from reservoir.parties.enums import ContactKind
from reservoir.parties.models import ContactPoint, Party
from reservoir.portal.models import PortalAccount


def portal_account(
    party: Party, password: str = "", *, email: str = "", otp_secret: str = ""
) -> PortalAccount:
    """A portal account for `party` (its e-mail: `email`, the party's, or a made-up one).

    With `password` the customer can sign in at /portal/login/; with `otp_secret` one-time
    codes are on.
    """
    address = (email or _party_email(party) or f"customer{party.pk}@example.com").lower()
    return PortalAccount.objects.create(
        party=party,
        email=address,
        password=hashers.make_password(password) if password else "",
        otp_secret=otp_secret,
        otp_enabled=bool(otp_secret),
    )


def _party_email(party: Party) -> str:
    value = (
        ContactPoint.objects.filter(party=party, kind=ContactKind.EMAIL)
        .order_by("-is_primary", "id")
        .values_list("value", flat=True)
        .first()
    )
    return value or ""
