"""Rendering the Customer 360 page and its timeline list (shared by the page, the timeline
partial and the forms that re-render the page with their errors)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils import timezone

from reservoir.parties.models import Party
from reservoir.resolution.completeness import selectors as completeness_selectors
from reservoir.timeline.models import Interaction
from reservoir.workspace import selectors
from reservoir.workspace.forms import ContactPointForm, LogInteractionForm, TimelineFilterForm
from reservoir.workspace.views.common import actor


def _filter_query(filters: TimelineFilterForm) -> str:
    """The valid filters as a query string (for "load more", push-url and live refresh)."""
    query = QueryDict(mutable=True)
    if filters.is_bound and filters.is_valid():
        for name, value in filters.cleaned_data.items():
            if isinstance(value, list):
                query.setlist(name, value)
            elif value:
                query[name] = value.isoformat() if isinstance(value, dt.date) else value
    return query.urlencode()


def _with_days(items: list[Interaction], previous: dt.date | None) -> list[dict[str, Any]]:
    """Pair each item with the day heading to show before it (None within the same day)."""
    rows = []
    for item in items:
        day = timezone.localtime(item.occurred_at).date()
        rows.append({"item": item, "day": day if day != previous else None})
        previous = day
    return rows


def timeline_context(
    request: HttpRequest,
    party: Party,
    filters: TimelineFilterForm,
    *,
    after: selectors.Cursor | None,
) -> dict[str, Any]:
    page = selectors.get_timeline_page(
        actor=actor(request), party_id=party.pk, after=after, **filters.selector_filters()
    )
    previous = timezone.localtime(after.occurred_at).date() if after else None
    return {
        "party": party,
        "filters": filters,
        "filter_query": _filter_query(filters),
        "timeline_rows": _with_days(page.items, previous),
        "next_cursor": page.next_cursor,
        "today": timezone.localdate(),
    }


def render_360(
    request: HttpRequest,
    party: Party,
    *,
    log_form: LogInteractionForm | None = None,
    contact_form: ContactPointForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render the whole 360 page; the timeline honours the filters in the query string."""
    user = actor(request)
    filters = TimelineFilterForm(request.GET or None)
    context = {
        "party": party,
        "log_form": log_form or LogInteractionForm(),
        "contact_form": contact_form or ContactPointForm(),
        **selectors.get_party_360(actor=user, party=party),
        "completeness": completeness_selectors.get_party_completeness(party=party),
        **timeline_context(request, party, filters, after=None),
    }
    return render(request, "workspace/party_detail.html", context, status=status)
