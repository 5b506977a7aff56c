"""Business-time arithmetic over a calendar: working days, working hours, due dates.

Written here rather than taken from a library: `workalendar`/`holidays` know public
holidays but not a company's own working hours nor the make-up working days (调休) typed
in by an administrator, which decide due dates in China. Functions take a `Spec` (a frozen
snapshot of a calendar, cheap to pass to tasks) or a `BusinessCalendar`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

MAX_DAYS_SCANNED = 3660


@dataclass(frozen=True)
class Spec:
    time_zone: str
    work_start: dt.time
    work_end: dt.time
    weekdays: frozenset[int]
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


def spec_of(calendar: Any) -> Spec:
    """Snapshot a BusinessCalendar (one query for its days) or return a Spec unchanged."""
    if isinstance(calendar, Spec):
        return calendar
    days = list(calendar.days.values_list("date", "kind"))
    return Spec(
        time_zone=calendar.time_zone,
        work_start=calendar.work_start,
        work_end=calendar.work_end,
        weekdays=frozenset(int(c) for c in calendar.weekdays if c.isdigit()),
        holidays=frozenset(d for d, k in days if k == "holiday"),
        workdays=frozenset(d for d, k in days if k == "workday"),
    )


def is_working_day(calendar: Any, day: dt.date) -> bool:
    spec = spec_of(calendar)
    if day in spec.workdays:
        return True
    if day in spec.holidays:
        return False
    return day.isoweekday() in spec.weekdays


def is_working_time(calendar: Any, when: dt.datetime) -> bool:
    """True when `when` (aware) falls in working hours of a working day."""
    spec = spec_of(calendar)
    local = when.astimezone(spec.tz)
    return is_working_day(spec, local.date()) and spec.work_start <= local.time() < spec.work_end


def _next_working_day(spec: Spec, day: dt.date) -> dt.date:
    for _ in range(MAX_DAYS_SCANNED):
        day += dt.timedelta(days=1)
        if is_working_day(spec, day):
            return day
    raise ValueError("the calendar has no working day in ten years")


def _at(spec: Spec, day: dt.date, time: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, time, tzinfo=spec.tz)


def add_business_hours(calendar: Any, start: dt.datetime, hours: float) -> dt.datetime:
    """The moment `hours` working hours after `start` (counting only working time)."""
    spec = spec_of(calendar)
    remaining = dt.timedelta(hours=hours)
    local = start.astimezone(spec.tz)
    day, now = local.date(), local.time()
    if not is_working_day(spec, day) or now >= spec.work_end:
        day, now = _next_working_day(spec, day), spec.work_start
    now = max(now, spec.work_start)
    while True:
        cursor = _at(spec, day, now)
        available = _at(spec, day, spec.work_end) - cursor
        if remaining <= available:
            return cursor + remaining
        remaining -= available
        day, now = _next_working_day(spec, day), spec.work_start


def add_business_days(calendar: Any, start: dt.datetime, days: int) -> dt.datetime:
    """The end of working hours on the `days`-th working day after `start`'s date."""
    spec = spec_of(calendar)
    day = start.astimezone(spec.tz).date()
    for _ in range(max(days, 0)):
        day = _next_working_day(spec, day)
    if days <= 0 and not is_working_day(spec, day):
        day = _next_working_day(spec, day)
    return _at(spec, day, spec.work_end)


def business_seconds(calendar: Any, start: dt.datetime, end: dt.datetime) -> int:
    """Working seconds from `start` to `end` (0 when end <= start): the inverse of
    `add_business_hours`, counting wall-clock time of each working day's hours in the
    calendar's time zone."""
    if end <= start:
        return 0
    spec = spec_of(calendar)
    tz = spec.tz
    start, end = start.astimezone(tz), end.astimezone(tz)
    day, total = start.date(), dt.timedelta()
    while day <= end.date():
        if is_working_day(spec, day):
            low = max(start, dt.datetime.combine(day, spec.work_start, tzinfo=tz))
            high = min(end, dt.datetime.combine(day, spec.work_end, tzinfo=tz))
            if high > low:
                total += high - low
        day += dt.timedelta(days=1)
    return int(total.total_seconds())
