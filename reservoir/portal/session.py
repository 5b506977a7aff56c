"""The customer's browser session: sign in, sign out, who is signed in, and the guard.

Customers never pass through django.contrib.auth: the party id sits under
CUSTOMER_SESSION_KEY (read by the live-chat widget too) and the account id beside it.
A staff login in the same browser is left alone, and vice versa.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse

from reservoir.core.customer_session import CUSTOMER_SESSION_KEY
from reservoir.portal.models import PortalAccount
from reservoir.portal.services import record_sign_in

ACCOUNT_KEY = "reservoir.portal.account_id"
PENDING_OTP_KEY = "reservoir.portal.pending_account_id"
PENDING_SECRET_KEY = "reservoir.portal.pending_otp_secret"  # noqa: S105 - a session key name


def client_ip(request: HttpRequest) -> str:
    """REMOTE_ADDR (a proxy in front must set it from X-Forwarded-For itself)."""
    return str(request.META.get("REMOTE_ADDR", ""))[:45]


def sign_in(request: HttpRequest, account: PortalAccount, *, method: str) -> None:
    """Bind the session to the customer with a new session key (no fixation).

    Side effects: session rotated; last_login, audit entry, CustomerSignedIn.
    """
    request.session.pop(PENDING_OTP_KEY, None)
    request.session.cycle_key()
    request.session[CUSTOMER_SESSION_KEY] = account.party_id
    request.session[ACCOUNT_KEY] = account.pk
    record_sign_in(account, method=method)


def sign_out(request: HttpRequest) -> None:
    for key in (CUSTOMER_SESSION_KEY, ACCOUNT_KEY, PENDING_OTP_KEY, PENDING_SECRET_KEY):
        request.session.pop(key, None)
    request.session.cycle_key()


def current_account(request: HttpRequest) -> PortalAccount | None:
    """The signed-in, still active account (one query, remembered on the request)."""
    if hasattr(request, "_portal_account"):
        cached: PortalAccount | None = request._portal_account
        return cached
    account = None
    account_id = request.session.get(ACCOUNT_KEY)
    party_id = request.session.get(CUSTOMER_SESSION_KEY)
    if account_id is not None and party_id is not None:
        account = (
            PortalAccount.objects.select_related("party")
            .filter(pk=account_id, party_id=party_id, is_active=True)
            .first()
        )
    request._portal_account = account  # type: ignore[attr-defined]
    return account


def customer_required(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """Send anonymous visitors to the sign-in page; give the view `request.customer`."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        account = current_account(request)
        if account is None:
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('portal:login')}?{query}")
        request.customer = account  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper
