"""The case inbox (mine, my team's, unassigned, breaching soon, all) and logging a new case."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Case as When_
from django.db.models import Count, DateTimeField, F, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, Least
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reservoir.core.errors import DomainError
from reservoir.parties import selectors as party_selectors
from reservoir.support import selectors, services, sla
from reservoir.support.enums import ACTIVE_STATUSES, PRIORITY_RANK, MessageAuthor
from reservoir.support.forms import CaseNewForm, InboxFilterForm
from reservoir.support.models import Case
from reservoir.support.views.common import actor, desk_required

PAGE_SIZE = 25
SOON = dt.timedelta(hours=1)
FAR = dt.datetime(9999, 1, 1, tzinfo=dt.UTC)
TABS = (
    ("mine", gettext_lazy("Mine")),
    ("team", gettext_lazy("My team")),
    ("unassigned", gettext_lazy("Unassigned")),
    ("breaching", gettext_lazy("Breaching soon")),
    ("all", gettext_lazy("All")),
)
BREACHED = (
    Q(first_response_breached=True) | Q(next_response_breached=True) | Q(resolution_breached=True)
)


def breaching_q(now: dt.datetime) -> Q:
    """Active cases breached, or with a running target due within the hour (a clock paused
    while the case waits for the customer is not running)."""
    soon = now + SOON
    return (
        BREACHED
        | Q(first_response_at__isnull=True, first_response_due__lte=soon)
        | (Q(next_response_due__lte=soon) & sla.ticking_q("next_response_due", now))
        | (
            Q(resolved_at__isnull=True, resolution_due__lte=soon)
            & sla.ticking_q("resolution_due", now)
        )
    )


def tab_q(tab: str, user_id: int, team_id: int | None, now: dt.datetime) -> Q:
    active = Q(status__in=ACTIVE_STATUSES)
    if tab == "mine":
        return active & Q(assignee_id=user_id)
    if tab == "team":
        return active & Q(team_id=team_id) if team_id else Q(pk__in=[])
    if tab == "unassigned":
        return active & Q(assignee__isnull=True)
    if tab == "breaching":
        return active & breaching_q(now)
    return Q()


def with_next_due(qs: QuerySet[Case], now: dt.datetime) -> QuerySet[Any]:
    """Annotate `next_due`: the earliest target still running at `now` (far future when none;
    a clock paused while the case waits for the customer is not running)."""
    first = When_(
        When(first_response_at__isnull=True, then=F("first_response_due")),
        default=Value(None),
        output_field=DateTimeField(),
    )
    following = When_(
        When(sla.ticking_q("next_response_due", now), then=F("next_response_due")),
        default=Value(None),
        output_field=DateTimeField(),
    )
    resolution = When_(
        When(
            Q(resolved_at__isnull=True) & sla.ticking_q("resolution_due", now),
            then=F("resolution_due"),
        ),
        default=Value(None),
        output_field=DateTimeField(),
    )
    far = Value(FAR, output_field=DateTimeField())
    return qs.annotate(
        next_due=Least(Coalesce(first, far), Coalesce(following, far), Coalesce(resolution, far))
    )


def _sorted(qs: QuerySet[Any], sort: str) -> QuerySet[Any]:
    if sort == "newest":
        return qs.order_by("-opened_at", "-id")
    if sort == "activity":
        return qs.order_by("-updated_at", "-id")
    if sort == "priority":
        rank = When_(
            *[When(priority=p, then=Value(r)) for p, r in PRIORITY_RANK.items()], default=Value(0)
        )
        return qs.annotate(prank=rank).order_by("-prank", "next_due", "-id")
    return qs.order_by("next_due", "-opened_at", "-id")


@desk_required
def inbox(request: HttpRequest) -> HttpResponse:
    """The agent's case list: tabs, filters, sort by due time, paginated (constant queries)."""
    user = actor(request)
    tab = request.GET.get("tab", "mine")
    if tab not in dict(TABS):
        tab = "mine"
    form = InboxFilterForm(request.GET)
    filters = selectors.CaseFilters(
        status=form.value("status"),
        type=form.value("type"),
        priority=form.value("priority"),
        channel=form.value("channel"),
        search=form.value("q"),
    )
    now = timezone.now()
    base = selectors.list_cases(actor=user, filters=filters)
    counts = base.aggregate(
        **{
            name: _count(tab_q(name, user.pk, user.team_id, now))
            for name, _label in TABS
            if name != "all"
        }
    )
    counts["all"] = None
    qs = _sorted(
        with_next_due(base.filter(tab_q(tab, user.pk, user.team_id, now)), now), form.value("sort")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "tab": tab,
        "tabs": [(name, label, counts.get(name)) for name, label in TABS],
        "form": form,
        "page": page,
        "page_range": list(page.paginator.get_elided_page_range(page.number, on_ends=1)),
        "now": now,
        "filtered": any(form.value(k) for k in ("status", "type", "priority", "channel", "q")),
    }
    if getattr(request, "htmx", False) and request.GET.get("partial") == "rows":
        return render(request, "support/inbox.html#results", context)
    return render(request, "support/inbox.html", context)


def _count(q: Q) -> Count:
    return Count("pk", filter=q)


@desk_required
def customer_options(request: HttpRequest) -> HttpResponse:
    """The customer picker's suggestions (htmx): visible parties matching `q`."""
    text = request.GET.get("q", "").strip()[:100]
    parties = (
        list(party_selectors.list_parties(actor=actor(request), search=text)[:8]) if text else []
    )
    return render(
        request, "support/includes/customer_options.html", {"parties": parties, "q": text}
    )


@desk_required
def case_new(request: HttpRequest) -> HttpResponse:
    """Log a case for a customer (a phone call, a walk-in): their words, type, priority, files."""
    user = actor(request)
    form = CaseNewForm(request.POST or None, request.FILES or None, initial=_initial(request))
    party = None
    party_id = form["party"].value()
    if party_id and str(party_id).isdigit():
        party = party_selectors.for_user(user).filter(pk=int(party_id)).first()
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if party is None:
            form.add_error("party", _("Choose a customer you can see."))
        else:
            try:
                case = services.open_case(
                    party=party,
                    subject=data["subject"],
                    body=data["body"],
                    channel=data["channel"],
                    by=user,
                    type=data["type"],
                    priority=data["priority"],
                    category=data["category"],
                    product=data["product"],
                    attachments=data["attachments"],
                    author_kind=MessageAuthor.CUSTOMER,
                )
            except DomainError as exc:
                field = exc.field if exc.field in form.fields else None
                form.add_error(field, exc.message)
            else:
                messages.success(request, _("Case %(n)s opened.") % {"n": case.number})
                return redirect("support:case_detail", case_id=case.pk)
    status = 422 if form.errors else 200
    return render(request, "support/case_new.html", {"form": form, "party": party}, status=status)


def _initial(request: HttpRequest) -> dict[str, object]:
    party = request.GET.get("party", "")
    return {"party": party} if party.isdigit() else {}
