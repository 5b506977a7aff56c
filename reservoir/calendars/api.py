"""Business calendars API: read calendars and ask for due dates."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from reservoir.calendars import businesstime, selectors
from reservoir.core.api import Id

router = Router()


class CalendarOut(Schema):
    id: int
    name: str
    time_zone: str
    work_start: dt.time
    work_end: dt.time
    weekdays: str
    is_default: bool


class DueOut(Schema):
    start: dt.datetime
    due: dt.datetime


@router.get("/calendars", response=list[CalendarOut], summary="Business calendars")
def list_calendars(request: HttpRequest) -> Any:
    selectors.default_calendar()
    return list(selectors.list_calendars())


@router.get("/calendars/{calendar_id}/due", response=DueOut, summary="Due date after working time")
def due(
    request: HttpRequest, calendar_id: Id, start: dt.datetime, days: int = 0, hours: float = 0
) -> dict[str, Any]:
    cal = selectors.get_calendar(calendar_id)
    spec = businesstime.spec_of(cal)
    when = businesstime.add_business_days(spec, start, days) if days else start
    if hours:
        when = businesstime.add_business_hours(spec, start, min(hours, 10000))
    return {"start": start, "due": when}
