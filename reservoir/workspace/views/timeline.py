"""The timeline partial of the 360 page (filters, "load more", live refresh) and the
"Log a note, a call or a meeting" form."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import push_url, trigger_client_event

from reservoir.core.errors import DomainError
from reservoir.timeline import services as timeline_services
from reservoir.workspace import selectors
from reservoir.workspace.forms import LogInteractionForm, TimelineFilterForm, add_domain_error
from reservoir.workspace.views.common import HtmxHttpRequest, actor, visible_party
from reservoir.workspace.views.page import render_360, timeline_context

FILTER_FORM_ID = "timeline-filters"


@login_required
def party_timeline(request: HtmxHttpRequest, party_id: int) -> HttpResponse:
    """The timeline list alone: re-rendered by the filters and by live updates; with
    `after`, the next page's items (and the next "load more" button)."""
    party = visible_party(request, party_id)
    filters = TimelineFilterForm(request.GET)
    if not filters.is_valid():
        return render(
            request, "workspace/party_detail.html#timeline-errors", {"filters": filters}, status=400
        )
    after = None
    if raw := request.GET.get("after", ""):
        try:
            after = selectors.Cursor.decode(raw)
        except ValueError:
            return HttpResponse(_("That “load more” link is broken."), status=400)
    context = timeline_context(request, party, filters, after=after)
    partial = "timeline-rows" if after else "timeline"
    response = render(request, f"workspace/party_detail.html#{partial}", context)
    if request.htmx and request.htmx.trigger == FILTER_FORM_ID:
        page_url = reverse("workspace:party_detail", args=[party.pk])
        query = context["filter_query"]
        response = push_url(response, f"{page_url}?{query}" if query else page_url)
    return response


@login_required
@require_POST
def log_interaction(request: HtmxHttpRequest, party_id: int) -> HttpResponse:
    """Record a note, call or meeting by the signed-in staff member on a visible party."""
    party = visible_party(request, party_id)
    user = actor(request)
    form = LogInteractionForm(request.POST)
    interaction = None
    if form.is_valid():
        item = timeline_services.InteractionInput(
            party_id=party.pk, staff_id=user.pk, **form.interaction_fields()
        )
        try:
            interaction, _created = timeline_services.record_interaction(item, by=user)
        except DomainError as exc:
            add_domain_error(form, exc, duration_seconds="duration_minutes")
    if not request.htmx:
        if interaction is not None:
            messages.success(request, _("Logged on the timeline."))
            return redirect("workspace:party_detail", party_id=party.pk)
        return render_360(request, party, log_form=form, status=422)
    context = {"party": party, "log_form": LogInteractionForm() if interaction else form}
    response = render(
        request,
        "workspace/party_detail.html#log-form",
        context,
        status=200 if interaction else 422,
    )
    if interaction is not None:
        trigger_client_event(response, "timeline:changed", {"id": interaction.pk})
        trigger_client_event(
            response, "toast", {"text": _("Logged on the timeline."), "tone": "success"}
        )
    return response
