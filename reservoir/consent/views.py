"""Staff page: a party's consent as it stands, its full history, and recording a change."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from reservoir.consent import selectors, services
from reservoir.consent.enums import ConsentChannel, ConsentPurpose, ConsentSource
from reservoir.consent.forms import StaffConsentForm
from reservoir.core.errors import DomainError, NotFound
from reservoir.iam.models import User
from reservoir.parties import selectors as party_selectors


@login_required
def party_consent(request: HttpRequest, party_id: int) -> HttpResponse:
    user = cast(User, request.user)
    try:
        party = party_selectors.get_party(actor=user, party_id=party_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    form = StaffConsentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            row = services.record_consent(
                party,
                channel=data["channel"],
                purpose=data["purpose"],
                status=data["status"],
                source=ConsentSource.STAFF,
                by=user,
                evidence=data["evidence"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            if row is None:
                messages.info(request, _("Nothing changed: that is already in force."))
            else:
                messages.success(request, _("Consent recorded."))
            return redirect("consent:party_consent", party_id=party.pk)
    prefs = selectors.current_preferences(party.pk)
    grid = [
        (
            label,
            [(plabel, prefs[(channel, purpose)]) for purpose, plabel in ConsentPurpose.choices],
        )
        for channel, label in ConsentChannel.choices
    ]
    context = {
        "party": party,
        "grid": grid,
        "purposes": ConsentPurpose.choices,
        "history": selectors.list_history(party.pk)[:500],
        "form": form,
    }
    return render(
        request, "consent/party_consent.html", context, status=422 if form.errors else 200
    )
