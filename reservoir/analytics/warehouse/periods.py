"""Date members, periods as SQL conditions, and periods moved back for comparisons.

A date member is a key of the date hierarchy ("2025", "2025-Q1", "2025-03", "2025-03-14");
a `Shift` is how far a comparison looks back ("previous period/year"), in whole months or in
days. Pure functions, no side effects.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext

from reservoir.analytics.warehouse.query import OlapQuery, Slice, levels_of
from reservoir.core.errors import InvalidInput

MONTHS_OF = {"year": 12, "quarter": 3, "month": 1}


@dataclass(frozen=True)
class Shift:
    months: int = 0
    days: int = 0


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by `months`, clamped to the last day of the target month."""
    y, m = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(y, m + 1, min(day.day, calendar.monthrange(y, m + 1)[1]))


def shift_for(query: OlapQuery) -> Shift:
    """How far `query`'s comparison looks back: a year, the length of its period (whole
    months when the period is), or one member of its finest date filter."""
    if query.compare == "previous_year":
        return Shift(months=12)
    if query.start and query.end:
        s, e = query.start, query.end
        if s.day == 1 and (e + dt.timedelta(days=1)).day == 1:
            return Shift(months=(e.year - s.year) * 12 + e.month - s.month + 1)
        return Shift(days=(e - s).days + 1)
    names = levels_of("date")
    finest = max(
        (s for s in query.slices if s.dimension == "date"), key=lambda s: names.index(s.level)
    )
    months = MONTHS_OF.get(finest.level)
    return Shift(months=months) if months else Shift(days=1)


def member_start(level: str, value: str) -> dt.date | None:
    """The first day of a date member ("2025", "2025-Q1", "2025-03", "2025-03-14")."""
    try:
        if level == "year":
            return dt.date(int(value), 1, 1)
        if level == "quarter":
            y, q = value.split("-Q")
            return dt.date(int(y), 3 * int(q) - 2, 1)
        if level == "month":
            return dt.date.fromisoformat(f"{value}-01")
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def member_range(level: str, value: str) -> tuple[dt.date, dt.date] | None:
    """The first and last day of a date member; None when malformed."""
    first = member_start(level, value)
    if first is None:
        return None
    months = MONTHS_OF.get(level)
    if months is None:
        return first, first
    return first, add_months(first, months) - dt.timedelta(days=1)


def period_conditions(
    column: str, start: dt.date | None, end: dt.date | None
) -> tuple[list[str], list[Any]]:
    """SQL conditions, and their bound values, keeping `column` from `start` to `end`
    inclusive; a missing bound leaves that side open. `column` must be a trusted name."""
    where: list[str] = []
    params: list[Any] = []
    if start:
        where.append(f"{column} >= ?")
        params.append(start)
    if end:
        where.append(f"{column} <= ?")
        params.append(end)
    return where, params


def shift_member(level: str, value: str, shift: Shift, sign: int) -> str | None:
    """The date member `value` of `level` moved by `shift` (sign -1: back); None if it
    cannot be expressed at that level or is malformed."""
    day = member_start(level, value)
    if day is None:
        return None
    step = MONTHS_OF.get(level, 1)
    if shift.months:
        if level != "day" and shift.months % step:
            return None
        day = add_months(day, sign * shift.months)
    elif level == "day":
        day = day + dt.timedelta(days=sign * shift.days)
    else:
        return None
    if level == "year":
        return f"{day.year}"
    if level == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day:%Y-%m}" if level == "month" else day.isoformat()


def shifted_period(
    query: OlapQuery, shift: Shift
) -> tuple[tuple[dt.date | None, dt.date | None], tuple[Slice, ...]]:
    """`query`'s period and date filters moved back by `shift`. Raises InvalidInput when a
    date filter cannot be moved by it (a month filter compared over 45 days)."""
    start, end = query.start, query.end
    if shift.months:
        month_end = end is not None and (end + dt.timedelta(days=1)).day == 1
        start = add_months(start, -shift.months) if start else None
        if end is not None:
            end = add_months(end, -shift.months)
            if month_end:
                end = end.replace(day=calendar.monthrange(end.year, end.month)[1])
    else:
        start = start - dt.timedelta(days=shift.days) if start else None
        end = end - dt.timedelta(days=shift.days) if end else None
    slices = []
    for sl in query.slices:
        if sl.dimension != "date":
            slices.append(sl)
            continue
        value = shift_member(sl.level, sl.value, shift, -1)
        if value is None:
            raise InvalidInput(gettext("This date filter cannot be compared with that period."))
        slices.append(Slice("date", sl.level, value))
    return (start, end), tuple(slices)
