"""Overview, orders and the help center (search + article, counted for deflection)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse

from reservoir.core.errors import NotFound
from reservoir.portal import selectors
from reservoir.portal.session import current_account, customer_required
from reservoir.portal.views.common import page, party_id
from reservoir.support import selectors as support_selectors
from reservoir.support.enums import ACTIVE_STATUSES
from reservoir.support.knowledge import selectors as kb_selectors
from reservoir.support.knowledge import services as kb_services

PAGE_SIZE = 20


@customer_required
def home(request: HttpRequest) -> HttpResponse:
    pid = party_id(request)
    cases = support_selectors.list_customer_cases(party_id=pid)
    context = {
        "open_cases": list(cases.filter(status__in=ACTIVE_STATUSES)[:5]),
        "orders": list(selectors.list_my_orders(party_id=pid)[:5]),
        "surveys": list(support_selectors.unanswered_surveys(party_id=pid)[:3]),
    }
    return page(request, "portal/home.html", context)


@customer_required
def order_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.list_my_orders(party_id=party_id(request))
    listing = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return page(request, "portal/order_list.html", {"page": listing})


@customer_required
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    try:
        order = selectors.get_my_order(party_id=party_id(request), order_id=order_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return page(request, "portal/order_detail.html", {"order": order})


def kb_search(request: HttpRequest) -> HttpResponse:
    """Public articles for a query; open to visitors who have not signed in too."""
    query = (request.GET.get("q") or "").strip()[:200]
    hits = kb_selectors.public_search(query, limit=20) if query else []
    return page(request, "portal/kb_search.html", {"q": query, "hits": hits})


def kb_article(request: HttpRequest, slug: str) -> HttpResponse:
    """A public article; each reading is counted (usage, and deflection when no case
    follows)."""
    try:
        article = kb_selectors.get_public_article(slug)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    account = current_account(request)
    if not request.session.session_key:
        request.session.save()
    kb_services.record_view(
        article,
        party_id=account.party_id if account else None,
        session_key=request.session.session_key or "",
        source="portal",
    )
    others = kb_selectors.translations(article, audience="public")
    return page(request, "portal/kb_article.html", {"article": article, "translations": others})
