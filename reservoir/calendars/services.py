"""Writing calendars and their dated exceptions (audited)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from reservoir.audit import services as audit
from reservoir.calendars import cn_holidays
from reservoir.calendars.models import BusinessCalendar, CalendarDay, DayKind
from reservoir.core.errors import Conflict, InvalidInput, PermissionDenied
from reservoir.iam.enums import Role

DEFAULT_NAME = "中国大陆 Mainland China"
FIELDS = ("name", "time_zone", "work_start", "work_end", "weekdays", "is_default")


def can_manage(user: Any) -> bool:
    """Managers and administrators maintain calendars; everyone may read them."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(Role.MANAGER)


def _require(by: Any) -> None:
    if not can_manage(by):
        raise PermissionDenied(_("Only managers and administrators change business calendars."))


def _validate(cal: BusinessCalendar) -> None:
    if not cal.name.strip():
        raise InvalidInput(_("A name is required."), field="name")
    try:
        ZoneInfo(cal.time_zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput(_("Unknown time zone."), field="time_zone") from exc
    if cal.work_start >= cal.work_end:
        raise InvalidInput(_("Work must end after it starts."), field="work_end")
    if not cal.weekdays or any(c not in "1234567" for c in cal.weekdays):
        raise InvalidInput(_("Choose at least one working weekday."), field="weekdays")


@transaction.atomic
def save_calendar(calendar: BusinessCalendar | None, *, by: Any, **fields: Any) -> BusinessCalendar:
    """Create or update a calendar. Side effects: audit entry; clears other defaults."""
    _require(by)
    cal = calendar or BusinessCalendar()
    before = audit.snapshot(cal, FIELDS) if cal.pk else {}
    for name, value in fields.items():
        setattr(cal, name, value.strip() if isinstance(value, str) else value)
    _validate(cal)
    try:
        with transaction.atomic():
            cal.save()
    except IntegrityError as exc:
        raise Conflict(_("A calendar with this name exists."), field="name") from exc
    if cal.is_default:
        BusinessCalendar.objects.exclude(pk=cal.pk).filter(is_default=True).update(is_default=False)
    action = "calendars.calendar.updated" if before else "calendars.calendar.created"
    audit.record(by, action, cal, audit.diff(before, audit.snapshot(cal, FIELDS)))
    return cal


@transaction.atomic
def set_day(
    calendar: BusinessCalendar, *, by: Any, date: dt.date, kind: str, name: str = ""
) -> CalendarDay:
    """Mark `date` a holiday or a make-up working day (replacing any mark). Audited."""
    _require(by)
    if kind not in DayKind.values:
        raise InvalidInput(_("Unknown kind of day."), field="kind")
    day, _created = CalendarDay.objects.update_or_create(
        calendar=calendar, date=date, defaults={"kind": kind, "name": name.strip()[:120]}
    )
    audit.record(by, "calendars.day.set", calendar, data={"date": date, "kind": kind, "name": name})
    return day


@transaction.atomic
def remove_day(calendar: BusinessCalendar, *, by: Any, date: dt.date) -> None:
    """Remove the mark on `date`. Side effects: audit entry when one was removed."""
    _require(by)
    if CalendarDay.objects.filter(calendar=calendar, date=date).delete()[0]:
        audit.record(by, "calendars.day.removed", calendar, data={"date": date})


@transaction.atomic
def ensure_default_calendar() -> BusinessCalendar:
    """Return the default calendar, creating the mainland China one (seeded) when none exists.

    Side effects: on first call, one calendar and its seeded days (system actor, audited).
    """
    cal = BusinessCalendar.objects.filter(is_default=True).first()
    if cal is not None:
        return cal
    cal, created = BusinessCalendar.objects.get_or_create(
        name=DEFAULT_NAME, defaults={"is_default": True}
    )
    if created:
        CalendarDay.objects.bulk_create(
            [CalendarDay(calendar=cal, date=d, kind=k, name=n) for d, k, n in cn_holidays.days()]
        )
        audit.record(None, "calendars.calendar.created", cal, data={"seeded": True})
    elif not cal.is_default:
        cal.is_default = True
        cal.save(update_fields=["is_default"])
    return cal
