"""Sign-in (password, one-time code, e-mailed link), sign-out and staff invitations."""

from __future__ import annotations

import time
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reservoir.core.errors import DomainError, InvalidInput, NotFound
from reservoir.iam.models import User
from reservoir.parties import selectors as party_selectors
from reservoir.portal import services
from reservoir.portal.forms import CodeForm, LoginForm, MagicLinkForm
from reservoir.portal.models import PortalAccount
from reservoir.portal.services import LinkBuilder, RateLimited
from reservoir.portal.session import (
    PENDING_OTP_KEY,
    client_ip,
    current_account,
    sign_in,
    sign_out,
)
from reservoir.portal.views.common import go_next, page

# The password (or link) step is good for this long before the code must follow.
OTP_STEP_SECONDS = 600


def _link_builder(request: HttpRequest) -> LinkBuilder:
    return lambda token: request.build_absolute_uri(reverse("portal:magic_link", args=[token]))


def _finish(request: HttpRequest, account: PortalAccount, method: str) -> HttpResponse:
    """Sign in now, or ask for the one-time code first when the account has them on."""
    if account.otp_enabled:
        request.session[PENDING_OTP_KEY] = {"id": account.pk, "at": time.time()}
        nxt = request.POST.get("next") or request.GET.get("next") or ""
        request.session["reservoir.portal.pending_method"] = method
        url = reverse("portal:login_code")
        return redirect(f"{url}?{urlencode({'next': nxt})}" if nxt else url)
    sign_in(request, account, method=method)
    return go_next(request)


def login(request: HttpRequest) -> HttpResponse:
    if current_account(request) is not None:
        return go_next(request)
    form = LoginForm(request.POST if request.method == "POST" else None)
    status = 200
    blocked = ""
    if request.method == "POST" and form.is_valid():
        try:
            account = services.authenticate_password(
                form.cleaned_data["email"], form.cleaned_data["password"], ip=client_ip(request)
            )
        except RateLimited as exc:
            blocked, status = exc.message, 429
        except DomainError as exc:
            form.add_error(None, exc.message)
            status = 401
        else:
            return _finish(request, account, "password")
    elif form.errors:
        status = 422
    context = {
        "form": form,
        "link_form": MagicLinkForm(auto_id="link_%s"),
        "blocked": blocked,
        "next": request.POST.get("next") or request.GET.get("next", ""),
    }
    return page(request, "portal/login.html", context, status=status)


def login_code(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(PENDING_OTP_KEY)
    account = None
    if isinstance(pending, dict) and time.time() - float(pending.get("at", 0)) < OTP_STEP_SECONDS:
        account = PortalAccount.objects.filter(
            pk=int(pending.get("id") or 0), is_active=True
        ).first()
    if account is None:
        return redirect("portal:login")
    form = CodeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.verify_otp(account, form.cleaned_data["code"], ip=client_ip(request))
        except RateLimited as exc:
            request.session.pop(PENDING_OTP_KEY, None)
            return page(
                request,
                "portal/login.html",
                {
                    "form": LoginForm(),
                    "link_form": MagicLinkForm(auto_id="link_%s"),
                    "blocked": exc.message,
                    "next": "",
                },
                status=429,
            )
        except DomainError as exc:
            form.add_error("code", exc.message)
            status = 401
        else:
            method = request.session.pop("reservoir.portal.pending_method", "password")
            sign_in(request, account, method=f"{method}+otp")
            return go_next(request)
    context = {"form": form, "next": request.GET.get("next", "")}
    return page(request, "portal/login_code.html", context, status=status)


def magic_request(request: HttpRequest) -> HttpResponse:
    form = MagicLinkForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_magic_link(
                form.cleaned_data["email"], ip=client_ip(request), link_for=_link_builder(request)
            )
        except RateLimited as exc:
            return page(
                request,
                "portal/magic_request.html",
                {"form": form, "blocked": exc.message},
                status=429,
            )
        except InvalidInput as exc:
            form.add_error("email", exc.message)
        else:
            return page(
                request,
                "portal/magic_sent.html",
                {"email": form.cleaned_data["email"].strip().lower()},
            )
    status = 422 if form.errors else 200
    return page(request, "portal/magic_request.html", {"form": form}, status=status)


def magic_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button (mail scanners follow links); the POST uses the link up."""
    if request.method == "POST":
        try:
            account = services.consume_magic_link(token)
        except DomainError as exc:
            return page(request, "portal/magic_link.html", {"error": exc.message}, status=410)
        return _finish(request, account, "link")
    return page(request, "portal/magic_link.html", {"token": token})


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    sign_out(request)
    messages.success(request, _("You are signed out."))
    return redirect("portal:login")


@login_required
@require_POST
def invite(request: HttpRequest, party_id: int) -> HttpResponse:
    """Staff: e-mail the customer an invitation to the portal, then go back."""
    user = cast(User, request.user)
    try:
        party = party_selectors.get_party(actor=user, party_id=party_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    try:
        account = services.invite_customer(party, by=user, link_for=_link_builder(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": account.email})
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("workspace:party_detail", party_id=party.pk)
