import pytest

from reservoir.calendars import selectors
from reservoir.calendars.models import BusinessCalendar
from reservoir.core.tests.api_support import count_queries

pytestmark = pytest.mark.django_db


def test_calendar_pages_render_when_manager(client, manager_b):
    cal = selectors.default_calendar()
    client.force_login(manager_b)

    listing = client.get("/calendars/")
    detail = client.get(f"/calendars/{cal.pk}/?year=2026")

    assert listing.status_code == 200
    assert detail.status_code == 200
    assert "2026-02-14" in detail.content.decode()


def test_manager_adds_a_holiday_when_posting_the_day_form(client, manager_b):
    cal = selectors.default_calendar()
    client.force_login(manager_b)

    response = client.post(
        f"/calendars/{cal.pk}/days/", {"date": "2026-12-31", "kind": "holiday", "name": "x"}
    )

    assert response.status_code == 302
    assert cal.days.filter(date="2026-12-31", kind="holiday").count() == 1


def test_sales_rep_cannot_create_calendar_when_posting(client, rep_a):
    client.force_login(rep_a)

    response = client.post(
        "/calendars/",
        {
            "name": "X",
            "time_zone": "UTC",
            "work_start": "09:00",
            "work_end": "17:00",
            "weekdays": ["1"],
        },
    )

    assert response.status_code == 403
    assert not BusinessCalendar.objects.filter(name="X").exists()


def test_calendar_list_query_count_does_not_grow_with_calendars(client, manager_b):
    selectors.default_calendar()
    client.force_login(manager_b)
    one = count_queries(client, "/calendars/")
    BusinessCalendar.objects.create(name="B")
    BusinessCalendar.objects.create(name="C")

    three = count_queries(client, "/calendars/")

    assert one == three
