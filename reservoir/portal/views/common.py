"""Helpers every portal page shares: rendering with the customer, safe redirects."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from reservoir.portal.models import PortalAccount
from reservoir.portal.session import current_account


def page(
    request: HttpRequest, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    """Render a portal template with `customer` (the signed-in account or None)."""
    ctx = {"customer": current_account(request), **(context or {})}
    return render(request, template, ctx, status=status)


def me(request: HttpRequest) -> PortalAccount:
    return request.customer  # type: ignore[attr-defined, no-any-return]


def party_id(request: HttpRequest) -> int:
    return int(me(request).party_id)


def go_next(request: HttpRequest, default: str = "portal:home") -> HttpResponse:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target
        and target.startswith("/portal/")
        and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    ):
        return redirect(target)
    return redirect(default)
