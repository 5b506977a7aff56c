"""Business calendar pages: the list, one calendar (settings and its holidays)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reservoir.calendars import selectors, services
from reservoir.calendars.forms import CalendarForm, DayForm
from reservoir.calendars.models import BusinessCalendar
from reservoir.core.errors import DomainError, NotFound


def _calendar(calendar_id: int) -> BusinessCalendar:
    try:
        return selectors.get_calendar(calendar_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _add_error(form: CalendarForm | DayForm, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


@login_required
def calendar_list(request: HttpRequest) -> HttpResponse:
    selectors.default_calendar()
    can = services.can_manage(request.user)
    form = CalendarForm.for_calendar(None, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not can:
            raise PermissionDenied
        if form.is_valid():
            try:
                cal = services.save_calendar(None, by=request.user, **form.values())
            except DomainError as exc:
                _add_error(form, exc)
            else:
                messages.success(request, _("Calendar created."))
                return redirect("calendars:calendar_detail", calendar_id=cal.pk)
    context = {"calendars": selectors.list_calendars(), "form": form, "can_manage": can}
    return render(
        request, "calendars/calendar_list.html", context, status=422 if form.errors else 200
    )


@login_required
def calendar_detail(request: HttpRequest, calendar_id: int) -> HttpResponse:
    cal = _calendar(calendar_id)
    can = services.can_manage(request.user)
    form = CalendarForm.for_calendar(cal, request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not can:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.save_calendar(cal, by=request.user, **form.values())
            except DomainError as exc:
                _add_error(form, exc)
            else:
                messages.success(request, _("Calendar saved."))
                return redirect("calendars:calendar_detail", calendar_id=cal.pk)
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    context = {
        "calendar": cal,
        "form": form,
        "day_form": DayForm(),
        "days": selectors.list_days(cal, year=year),
        "year": year,
        "years": [year - 1, year, year + 1],
        "can_manage": can,
    }
    return render(
        request, "calendars/calendar_detail.html", context, status=422 if form.errors else 200
    )


@login_required
@require_POST
def day_set(request: HttpRequest, calendar_id: int) -> HttpResponse:
    cal = _calendar(calendar_id)
    form = DayForm(request.POST)
    if form.is_valid():
        try:
            services.set_day(cal, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            if exc.status == 403:
                raise PermissionDenied from exc
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Day saved."))
        year = form.cleaned_data["date"].year
        return redirect(reverse("calendars:calendar_detail", args=[cal.pk]) + f"?year={year}")
    messages.error(request, _("Enter a valid date."))
    return redirect("calendars:calendar_detail", calendar_id=cal.pk)


@login_required
@require_POST
def day_remove(request: HttpRequest, calendar_id: int, date: str) -> HttpResponse:
    cal = _calendar(calendar_id)
    try:
        day = dt.date.fromisoformat(date)
        services.remove_day(cal, by=request.user, date=day)
    except ValueError as exc:
        raise Http404 from exc
    except DomainError as exc:
        raise PermissionDenied from exc
    messages.success(request, _("Day removed."))
    return redirect(reverse("calendars:calendar_detail", args=[cal.pk]) + f"?year={day.year}")
