"""The signed-in user's dashboard."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from reservoir.workspace import selectors
from reservoir.workspace.views.common import actor


@login_required
def home(request: HttpRequest) -> HttpResponse:
    dashboard = selectors.get_dashboard(actor=actor(request))
    return render(request, "workspace/home.html", {"dashboard": dashboard})
