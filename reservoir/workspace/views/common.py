"""Helpers shared by the workspace views."""

from __future__ import annotations

from typing import cast

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django_htmx.middleware import HtmxDetails

from reservoir.core.errors import NotFound
from reservoir.iam.models import User
from reservoir.parties import selectors as party_selectors
from reservoir.parties.models import Party


class HtmxHttpRequest(HttpRequest):
    """A request that went through django-htmx's middleware (for type checkers)."""

    htmx: HtmxDetails


def actor(request: HttpRequest) -> User:
    """The signed-in staff member (views are wrapped in login_required)."""
    return cast(User, request.user)


def visible_party(request: HttpRequest, party_id: int) -> Party:
    """The party with `party_id` if the user may see it; otherwise 404 (never 403)."""
    try:
        return party_selectors.get_party(actor=actor(request), party_id=party_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def paginate(request: HttpRequest, qs: QuerySet[Party], per_page: int) -> Page:
    return Paginator(qs, per_page).get_page(request.GET.get("page"))


def page_range(page: Page) -> list[object]:
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
