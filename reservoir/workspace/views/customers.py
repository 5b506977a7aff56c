"""Customer and organization lists, and global search."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from reservoir.workspace import selectors
from reservoir.workspace.forms import CustomerFilterForm
from reservoir.workspace.views.common import HtmxHttpRequest, actor, page_range, paginate

PER_PAGE = 50
SEARCH_DROPDOWN_SIZE = 8
SEARCH_MAX_CHARS = 200


@login_required
def customer_list(request: HttpRequest) -> HttpResponse:
    """Persons and organizations, filtered; the filter form swaps #customer-results by htmx."""
    filters = CustomerFilterForm(request.GET or None)
    qs = selectors.list_customers(actor=actor(request), **filters.selector_filters())
    page = paginate(request, qs, PER_PAGE)
    context = {"filters": filters, "page": page, "page_range": page_range(page)}
    return render(request, "workspace/customer_list.html", context)


@login_required
def organization_list(request: HttpRequest) -> HttpResponse:
    filters = CustomerFilterForm(request.GET or None)
    del filters.fields["kind"]
    qs = selectors.list_organizations(actor=actor(request), **filters.selector_filters())
    page = paginate(request, qs, PER_PAGE)
    context = {"filters": filters, "page": page, "page_range": page_range(page)}
    return render(request, "workspace/organization_list.html", context)


@login_required
def search(request: HtmxHttpRequest) -> HttpResponse:
    """The top bar's dropdown (htmx) or, when submitted, a full results page."""
    text = request.GET.get("q", "").strip()[:SEARCH_MAX_CHARS]
    qs = selectors.search_parties(actor=actor(request), text=text)
    if request.htmx and not request.htmx.boosted and not request.htmx.history_restore_request:
        results = list(qs[: SEARCH_DROPDOWN_SIZE + 1]) if text else []
        shown = sorted(results[:SEARCH_DROPDOWN_SIZE], key=lambda p: p.kind != "person")
        context = {
            "q": text,
            "results": shown,
            "has_more": len(results) > SEARCH_DROPDOWN_SIZE,
        }
        return render(request, "workspace/search.html#dropdown", context)
    page = paginate(request, qs if text else qs.none(), PER_PAGE)
    context = {"q": text, "page": page, "page_range": page_range(page)}
    return render(request, "workspace/search.html", context)
