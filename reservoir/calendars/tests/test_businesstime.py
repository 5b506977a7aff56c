import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from reservoir.calendars import businesstime, selectors, services
from reservoir.calendars.models import CalendarDay

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def _at(y, m, d, h=15, minute=0):
    return dt.datetime(y, m, d, h, minute, tzinfo=SH)


def test_two_business_days_skip_the_holiday_but_count_the_makeup_saturday_when_friday_before_spring_festival():
    cal = selectors.default_calendar()

    due = businesstime.add_business_days(cal, _at(2026, 2, 13), 2)

    # Sat 14 Feb is a make-up working day (+1); 15–23 Feb is the Spring Festival holiday.
    assert due == _at(2026, 2, 24, 18)


def test_two_business_days_skip_weekend_and_holiday_when_friday_before_qingming():
    cal = selectors.default_calendar()

    due = businesstime.add_business_days(cal, _at(2026, 4, 3), 2)

    assert due == _at(2026, 4, 8, 18)


def test_makeup_sunday_counts_when_friday_before_national_day_makeup():
    cal = selectors.default_calendar()

    due = businesstime.add_business_days(cal, _at(2026, 9, 18), 1)

    assert due == _at(2026, 9, 20, 18)


def test_business_hours_continue_next_working_morning_when_evening():
    cal = selectors.default_calendar()

    due = businesstime.add_business_hours(cal, _at(2026, 12, 4, 17), 3)

    # Friday 17:00 + 1 h to close, Monday 09:00 + 2 h.
    assert due == _at(2026, 12, 7, 11)


def test_business_hours_start_at_opening_when_started_on_a_holiday():
    cal = selectors.default_calendar()

    due = businesstime.add_business_hours(cal, _at(2026, 10, 3, 10), 1)

    assert due == _at(2026, 10, 8, 10)


def test_is_working_time_when_makeup_day_and_holiday():
    cal = selectors.default_calendar()

    assert businesstime.is_working_time(cal, _at(2026, 2, 14, 10)) is True
    assert businesstime.is_working_time(cal, _at(2026, 2, 16, 10)) is False
    assert businesstime.is_working_time(cal, _at(2026, 2, 24, 8, 59)) is False


def test_default_calendar_is_seeded_once_when_asked_twice():
    first = selectors.default_calendar()
    second = selectors.default_calendar()

    assert first.pk == second.pk
    assert CalendarDay.objects.filter(calendar=first, kind="workday", date__year=2026).count() == 6
    assert CalendarDay.objects.filter(calendar=first, date=dt.date(2026, 10, 7)).get().kind == (
        "holiday"
    )


def test_set_day_refused_when_sales_rep(rep_a):
    cal = selectors.default_calendar()

    with pytest.raises(services.PermissionDenied):
        services.set_day(cal, by=rep_a, date=dt.date(2026, 12, 31), kind="holiday")

    assert not CalendarDay.objects.filter(calendar=cal, date=dt.date(2026, 12, 31)).exists()


def test_added_holiday_moves_due_date_when_manager_adds_it(manager_b):
    cal = selectors.default_calendar()
    services.set_day(cal, by=manager_b, date=dt.date(2026, 12, 7), kind="holiday", name="x")

    due = businesstime.add_business_days(cal, _at(2026, 12, 4), 1)

    assert due == _at(2026, 12, 8, 18)


@pytest.mark.parametrize("hours", [0.5, 3, 12, 40])
@pytest.mark.parametrize("start", [_at(2026, 4, 2, 16), _at(2026, 4, 4, 9), _at(2026, 2, 13, 20)])
def test_business_seconds_undo_add_business_hours_when_holidays_and_weekends_lie_between(
    start, hours
):
    cal = selectors.default_calendar()

    due = businesstime.add_business_hours(cal, start, hours)

    assert businesstime.business_seconds(cal, start, due) == int(hours * 3600)


def test_business_seconds_count_nothing_on_a_holiday_or_backwards():
    cal = selectors.default_calendar()

    # Qingming, 4–6 April 2026, is a holiday
    assert businesstime.business_seconds(cal, _at(2026, 4, 4, 9), _at(2026, 4, 6, 17)) == 0
    assert businesstime.business_seconds(cal, _at(2026, 4, 7, 12), _at(2026, 4, 7, 11)) == 0
