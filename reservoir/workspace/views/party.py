"""The Customer 360 page and the organization page, with their edit forms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_htmx.http import trigger_client_event

from reservoir.core.errors import DomainError
from reservoir.parties import selectors as party_selectors
from reservoir.parties import services as party_services
from reservoir.parties.enums import PartyKind
from reservoir.workspace.forms import (
    ContactPointForm,
    PartyEditForm,
    add_domain_error,
)
from reservoir.workspace.views.common import HtmxHttpRequest, actor, visible_party
from reservoir.workspace.views.page import render_360


@login_required
def party_detail(request: HttpRequest, party_id: int) -> HttpResponse:
    """The Customer 360; a merged party's id leads to the survivor's page."""
    try:
        party = visible_party(request, party_id)
    except Http404:
        merged = party_selectors.get_merged_party(actor=actor(request), party_id=party_id)
        if merged is None:
            raise
        messages.info(
            request,
            _("%(name)s (#%(id)s) was merged into this customer.")
            % {"name": merged.display_name, "id": merged.pk},
        )
        return redirect("workspace:party_detail", party_id=merged.survivor_id)  # type: ignore[attr-defined]
    return render_360(request, party)


@login_required
def organization_detail(request: HttpRequest, party_id: int) -> HttpResponse:
    party = visible_party(request, party_id)
    if party.kind != PartyKind.ORGANIZATION:
        raise Http404(_("No organization with id %(id)s.") % {"id": party_id})
    return render_360(request, party)


@login_required
def party_edit(request: HttpRequest, party_id: int) -> HttpResponse:
    party = visible_party(request, party_id)
    form = PartyEditForm(request.POST or None, party=party)
    if request.method == "POST" and form.is_valid():
        try:
            changes = form.changes()
            if changes:
                party_services.update_party(party, by=actor(request), **changes)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if changes:
                messages.success(request, _("Saved %(name)s.") % {"name": party})
            return redirect("workspace:party_detail", party_id=party.pk)
    status = 422 if form.errors else 200
    return render(
        request, "workspace/party_edit.html", {"party": party, "form": form}, status=status
    )


@login_required
def contact_point_add(request: HtmxHttpRequest, party_id: int) -> HttpResponse:
    """Add a phone, email or chat id. A malformed value is shown on the form; nothing is
    written."""
    party = visible_party(request, party_id)
    if request.method != "POST":
        return redirect("workspace:party_detail", party_id=party.pk)
    form = ContactPointForm(request.POST)
    added = False
    if form.is_valid():
        data = form.cleaned_data
        try:
            party_services.add_contact_point(
                party,
                kind=data["kind"],
                raw=data["value"],
                label=data["label"],
                is_primary=data["is_primary"],
                by=actor(request),
            )
        except DomainError as exc:
            add_domain_error(form, exc, phone="value", email="value", kind="kind")
        else:
            added = True
    if not request.htmx:
        if added:
            messages.success(request, _("Contact point added."))
            return redirect("workspace:party_detail", party_id=party.pk)
        return render_360(request, party, contact_form=form, status=422)
    context = {
        "party": party,
        "contact_points": list(party_selectors.list_contact_points(party)),
        "contact_form": ContactPointForm() if added else form,
        "contact_form_open": not added,
    }
    response = render(
        request,
        "workspace/party_detail.html#contacts-card",
        context,
        status=200 if added else 422,
    )
    if added:
        trigger_client_event(
            response, "toast", {"text": _("Contact point added."), "tone": "success"}
        )
    return response


@login_required
def trait_history(request: HttpRequest, party_id: int, key: str) -> HttpResponse:
    party = visible_party(request, party_id)
    rows = list(party_selectors.list_trait_history(party, key))
    return render(request, "workspace/party_detail.html#trait-history", {"key": key, "rows": rows})
