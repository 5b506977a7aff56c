"""The customer's own account: profile, contact details, address, communication
preferences (the consent ledger) and security (password, one-time codes)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reservoir.consent import selectors as consent_selectors
from reservoir.consent import services as consent_services
from reservoir.consent.enums import ConsentChannel, ConsentPurpose, ConsentSource
from reservoir.core.errors import DomainError, NotFound
from reservoir.parties import services as party_services
from reservoir.portal import selectors, services
from reservoir.portal.forms import (
    AddressForm,
    CodeForm,
    ContactForm,
    PasswordForm,
    PreferencesForm,
    ProfileForm,
    preference_field,
)
from reservoir.portal.session import PENDING_SECRET_KEY, customer_required
from reservoir.portal.views.common import me, page, party_id


def _profile_context(request: HttpRequest, **forms: object) -> dict[str, object]:
    party = me(request).party
    return {
        "form": forms.get("form")
        or ProfileForm(
            initial={
                "family_name": party.family_name,
                "given_name": party.given_name,
                "language": party.language,
            }
        ),
        "contact_form": forms.get("contact_form") or ContactForm(),
        "address_form": forms.get("address_form") or AddressForm(),
        "contacts": selectors.my_contact_points(party_id=party.pk),
        "addresses": selectors.my_addresses(party_id=party.pk),
    }


@customer_required
def profile(request: HttpRequest) -> HttpResponse:
    party = me(request).party
    action = request.POST.get("action", "") if request.method == "POST" else ""
    forms: dict[str, object] = {}
    if action == "profile":
        form = ProfileForm(request.POST)
        forms["form"] = form
        if form.is_valid():
            try:
                data = dict(form.cleaned_data)
                names = data["family_name"] + data["given_name"]
                if any("\u3400" <= ch <= "\u9fff" for ch in names):
                    data["name_order"] = "eastern"  # 王爱丽, not 爱丽 王
                party_services.update_party(party, by=None, **data)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            else:
                messages.success(request, _("Your details are saved."))
                return redirect("portal:profile")
    elif action == "contact":
        cform = ContactForm(request.POST)
        forms["contact_form"] = cform
        if cform.is_valid():
            try:
                party_services.add_contact_point(
                    party, kind=cform.cleaned_data["kind"], raw=cform.cleaned_data["value"], by=None
                )
            except DomainError as exc:
                cform.add_error("value", exc.message)
            else:
                messages.success(request, _("Contact detail added."))
                return redirect("portal:profile")
    elif action == "address":
        aform = AddressForm(request.POST)
        forms["address_form"] = aform
        if aform.is_valid():
            data = {k: v.strip() for k, v in aform.cleaned_data.items()}
            data["country"] = data["country"].upper()
            try:
                party_services.add_address(party, by=None, **data)
            except DomainError as exc:
                aform.add_error(None, exc.message)
            else:
                messages.success(request, _("Address added."))
                return redirect("portal:profile")
    status = 422 if any(getattr(f, "errors", None) for f in forms.values()) else 200
    return page(request, "portal/profile.html", _profile_context(request, **forms), status=status)


@customer_required
@require_POST
def contact_remove(request: HttpRequest, contact_point_id: int) -> HttpResponse:
    try:
        cp = selectors.get_my_contact_point(
            party_id=party_id(request), contact_point_id=contact_point_id
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    party_services.remove_contact_point(cp, by=None)
    messages.success(request, _("Contact detail removed."))
    return redirect("portal:profile")


@customer_required
def preferences(request: HttpRequest) -> HttpResponse:
    pid = party_id(request)
    current = consent_selectors.current_preferences(pid)
    initial = {preference_field(c, p): pref.allowed for (c, p), pref in current.items()}
    form = PreferencesForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        written = consent_services.set_preferences(
            me(request).party,
            form.choices(),
            source=ConsentSource.PORTAL,
            evidence=_("Chosen by the customer on the portal's preferences page."),
        )
        if written:
            messages.success(request, _("Your choices are saved. We follow them from now on."))
        else:
            messages.info(request, _("Nothing changed."))
        return redirect("portal:preferences")
    rows = [
        (
            clabel,
            [
                (plabel, form[preference_field(c, p)], current[(c, p)])
                for p, plabel in ConsentPurpose.choices
            ],
        )
        for c, clabel in ConsentChannel.choices
    ]
    context = {"form": form, "rows": rows, "purposes": ConsentPurpose.choices}
    return page(request, "portal/preferences.html", context)


@customer_required
def security(request: HttpRequest) -> HttpResponse:
    account = me(request)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    pform = PasswordForm(request.POST if action == "password" else None)
    cform = CodeForm(request.POST if action in {"otp_enable", "otp_disable"} else None)
    cform.fields["code"].widget.attrs.pop("autofocus", None)
    if action == "password" and pform.is_valid():
        try:
            services.set_password(account, pform.cleaned_data["password"])
        except DomainError as exc:
            pform.add_error("password", exc.message)
        else:
            request.session.cycle_key()
            messages.success(request, _("Your password is set."))
            return redirect("portal:security")
    if action == "otp_enable" and cform.is_valid():
        secret = request.session.get(PENDING_SECRET_KEY, "")
        try:
            services.enable_otp(account, secret, cform.cleaned_data["code"])
        except DomainError as exc:
            cform.add_error("code", exc.message)
        else:
            request.session.pop(PENDING_SECRET_KEY, None)
            messages.success(request, _("One-time codes are on."))
            return redirect("portal:security")
    if action == "otp_disable" and cform.is_valid():
        try:
            services.disable_otp(account, cform.cleaned_data["code"])
        except DomainError as exc:
            cform.add_error("code", exc.message)
        else:
            messages.success(request, _("One-time codes are off."))
            return redirect("portal:security")
    context: dict[str, object] = {"password_form": pform, "code_form": cform}
    if not account.otp_enabled:
        secret = request.session.get(PENDING_SECRET_KEY) or services.new_otp_secret()
        request.session[PENDING_SECRET_KEY] = secret
        context |= {"otp_secret": secret, "otp_uri": services.otp_uri(account, secret)}
    status = 422 if pform.errors or cform.errors else 200
    return page(request, "portal/security.html", context, status=status)
