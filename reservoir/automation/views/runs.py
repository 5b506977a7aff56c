"""Automation run history with filters."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from reservoir.automation import selectors
from reservoir.automation.forms import RunFilterForm
from reservoir.automation.views.common import actor

PAGE_SIZE = 50


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    filters = RunFilterForm(request.GET or None)
    rule = status = None
    if filters.is_valid():
        rule, status = filters.cleaned_data.get("rule"), filters.cleaned_data.get("status")
    qs = selectors.list_runs(
        actor=actor(request), rule_id=rule.pk if rule else None, status=status or ""
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "automation/run_list.html", {"page": page, "filters": filters})


urlpatterns = [path("runs/", run_list, name="run_list")]
