"""The decision log with filters, and the consistency report (P3)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from reservoir.decisions import facts as registry
from reservoir.decisions import selectors
from reservoir.decisions.api import may_read_log
from reservoir.decisions.enums import DecisionChannel
from reservoir.decisions.forms import LogFilterForm
from reservoir.decisions.views.common import actor

PER_PAGE = 50


@login_required
def decision_log(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    if not may_read_log(user):
        raise PermissionDenied
    form = LogFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    since = until = None
    if filters.get("day"):
        since = timezone.make_aware(dt.datetime.combine(filters["day"], dt.time()))
        until = since + dt.timedelta(days=1)
    directory = registry.party_directory()
    qs = selectors.list_log(
        channel=filters.get("channel") or "",
        party_id=filters.get("party"),
        since=since,
        until=until,
    ).filter(party_id__in=directory.visible_ids(user))
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    names = directory.names(user, [e.party_id for e in page.object_list])
    channels = dict(DecisionChannel.choices)
    for e in page.object_list:
        e.party_name = names.get(e.party_id, f"#{e.party_id}")  # type: ignore[attr-defined]
        e.channel_label = channels.get(e.channel, e.channel)  # type: ignore[attr-defined]
    context = {
        "form": form,
        "page": page,
        "page_range": list(
            page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
        ),
        "report": selectors.consistency(since=since, until=until),
        "day": filters.get("day"),
    }
    return render(request, "decisions/log.html", context)


urlpatterns = [path("log/", decision_log, name="log")]
