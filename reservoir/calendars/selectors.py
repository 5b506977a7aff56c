"""Reading calendars (calendars are shared configuration: every staff member may read them)."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from reservoir.calendars import services
from reservoir.calendars.businesstime import Spec, spec_of
from reservoir.calendars.models import BusinessCalendar, CalendarDay
from reservoir.core.errors import NotFound


def list_calendars() -> QuerySet[BusinessCalendar]:
    return BusinessCalendar.objects.annotate(day_count=Count("days"))


def get_calendar(calendar_id: int) -> BusinessCalendar:
    cal = BusinessCalendar.objects.filter(pk=calendar_id).first()
    if cal is None:
        raise NotFound(_("No calendar with id %(id)s.") % {"id": calendar_id})
    return cal


def default_calendar() -> BusinessCalendar:
    """The default calendar (seeded on first use)."""
    return services.ensure_default_calendar()


def calendar_spec(calendar_id: int | None = None) -> Spec:
    """A snapshot of the calendar `calendar_id` (the default one when None or missing)."""
    cal = BusinessCalendar.objects.filter(pk=calendar_id).first() if calendar_id else None
    return spec_of(cal or default_calendar())


def list_days(calendar: BusinessCalendar, *, year: int | None = None) -> QuerySet[CalendarDay]:
    qs = CalendarDay.objects.filter(calendar=calendar)
    return qs.filter(date__year=year) if year else qs
