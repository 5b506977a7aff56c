"""Report pages over a real warehouse built from a small sales book (see test_reports_data)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from reservoir.analytics.models import RunStatus, WarehouseRun
from reservoir.analytics.tests.test_reports_data import (  # noqa: F401 - fixtures
    Book,
    book_fixture,
    warehouse_fixture,
    warehouse_path_fixture,
)
from reservoir.iam.enums import Role
from reservoir.iam.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MONTHLY = "/reports/monthly-revenue/"


def _table(response):
    return response.context["shown"].table


def _column(response, key: str) -> list:
    return _table(response).values(key)


def _total(response, key: str):
    table = _table(response)
    return table.totals[table.column_index(key)]


def test_rep_revenue_report_covers_only_the_reps_customers(client, rep_a, warehouse: Book):
    client.force_login(rep_a)

    response = client.get(MONTHLY)

    assert response.status_code == 200
    assert _column(response, "date.month") == ["2024-03", "2025-03"]
    assert _column(response, "revenue") == [Decimal("100.00"), Decimal("200.00")]
    assert _total(response, "revenue") == Decimal("300.00")
    assert "Bob Test" not in response.content.decode()


def test_manager_revenue_report_covers_the_managed_team(client, manager_b, warehouse: Book):
    client.force_login(manager_b)

    response = client.get(MONTHLY)

    assert _column(response, "date.month") == ["2025-02", "2025-08"]
    assert _column(response, "revenue") == [Decimal("300.00"), Decimal("150.00")]
    assert _column(response, "arpu") == [Decimal("300.00"), Decimal("75.00")]
    assert _total(response, "revenue") == Decimal("450.00")


def test_administrator_revenue_report_covers_everybody(client, admin_user, warehouse: Book):
    client.force_login(admin_user)

    response = client.get(MONTHLY)

    assert _total(response, "revenue") == Decimal("750.00")
    assert response.context["chart"]["categories"] == ["2024-03", "2025-02", "2025-03", "2025-08"]
    assert response.context["chart"]["series"][0]["values"] == [100.0, 300.0, 200.0, 150.0]


def test_rep_region_report_shows_only_visible_provinces(client, rep_b, warehouse: Book):
    client.force_login(rep_b)

    response = client.get("/reports/regions/")

    assert _column(response, "region.province") == ["北京", "江苏"]


@pytest.mark.parametrize(
    "slug", ["monthly-revenue", "products", "channels", "regions", "new-vs-returning", "pareto"]
)
def test_every_fixed_report_renders_with_data(client, admin_user, warehouse: Book, slug):
    client.force_login(admin_user)

    response = client.get(f"/reports/{slug}/")

    assert response.status_code == 200
    assert response.context["rows"]
    assert response.context["chart"] is not None
    assert 'data-export="xlsx"' in response.content.decode()


def test_products_report_drills_from_category_to_subcategory(client, admin_user, warehouse: Book):
    client.force_login(admin_user)
    first = client.get("/reports/products/")
    link = next(r["link"] for r in first.context["rows"] if r["member"].value == "Audio")

    response = client.get("/reports/products/" + link)

    assert parse_qs(link[1:])["f"] == ["product.category:Audio"]
    assert _column(response, "product.subcategory") == ["Headphones", "Speakers"]
    assert [c.value for c in response.context["chips"]] == ["Audio"]
    up = client.get("/reports/products/" + response.context["up_url"])
    assert _column(up, "product.category") == ["Audio", "Home"]


def test_pareto_ranks_customers_by_revenue_with_names(client, admin_user, warehouse: Book):
    client.force_login(admin_user)

    response = client.get("/reports/pareto/")

    assert _column(response, "region.customer") == ["Bob Test", "Alice Test", "Carol Test"]
    assert _column(response, "cumulative_share") == [0.4667, 0.8667, 1.0]
    assert response.context["chart"]["series"][1]["values"] == [46.7, 86.7, 100.0]


def test_new_vs_returning_counts_first_and_repeat_buyers(client, admin_user, warehouse: Book):
    client.force_login(admin_user)

    response = client.get("/reports/new-vs-returning/")

    assert _column(response, "date.month") == ["2024-03", "2025-02", "2025-03", "2025-08"]
    assert _column(response, "new_customers") == [1, 1, 0, 1]
    assert _column(response, "returning_customers") == [0, 0, 1, 1]


def test_cohort_report_shows_the_share_that_came_back(client, admin_user, warehouse: Book):
    client.force_login(admin_user)

    response = client.get("/reports/cohorts/")

    table = response.context["shown"]["table"]
    assert response.status_code == 200
    assert [r.cells[0] for r in table.rows] == ["2024-03", "2025-02", "2025-08"]
    assert [r.cells[1] for r in table.rows] == [1, 1, 1]
    alice, bob, _carol = table.rows
    assert alice.cells[table.column_index("m12")] == 1.0
    assert alice.cells[table.column_index("m1")] == 0.0
    assert bob.cells[table.column_index("m6")] == 1.0
    assert response.context["rows"][0]["cells"][13][:3] == ("100%", True, "an-heat an-heat-5")


def test_monthly_report_compares_with_previous_year_for_a_period(
    client, admin_user, warehouse: Book
):
    client.force_login(admin_user)

    response = client.get(MONTHLY + "?start=2025-01-01&end=2025-12-31&compare=previous_year")

    assert response.status_code == 200
    months = _column(response, "date.month")
    assert months == ["2025-02", "2025-03", "2025-08"]
    assert _column(response, "revenue__compare") == [Decimal("0.00"), Decimal("100.00"), Decimal(0)]
    assert _column(response, "revenue__change")[1] == 1.0


def test_report_export_xlsx_reads_back_as_numbers(client, manager_b, warehouse: Book):
    client.force_login(manager_b)

    response = client.get("/reports/monthly-revenue/export.xlsx")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="monthly-revenue.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Month", "Revenue", "Revenue per customer", "Customers", "Orders")
    assert rows[1] == ("2025-02", 300.0, 300.0, 1, 1)
    assert rows[2] == ("2025-08", 150.0, 75.0, 2, 2)
    assert rows[3] == ("Total", 450.0, 225.0, 2, 3)
    assert sheet["B2"].number_format == "#,##0.00"


def test_report_export_csv_parses_to_the_table(client, rep_a, warehouse: Book):
    client.force_login(rep_a)

    response = client.get("/reports/channels/export.csv")

    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Channel", "Revenue", "Orders", "Customers"]
    assert rows[1][1:] == ["300", "2", "1"]
    assert rows[-1][0] == "Total"


def test_bad_query_string_answers_400_with_the_reason(client, admin_user, warehouse: Book):
    client.force_login(admin_user)

    responses = [
        client.get(MONTHLY + "?rows=date.week"),
        client.get(MONTHLY + "?start=yesterday"),
        client.get(MONTHLY + "?f=nonsense"),
        client.get(MONTHLY + "?compare=previous_year"),
        client.get(MONTHLY + "?m=profit"),
    ]

    assert [r.status_code for r in responses] == [400] * 5
    assert "“week” is not a level of date" in responses[0].content.decode()
    assert "Enter a valid date." in responses[1].content.decode()
    assert "must look like dimension.level:value" in responses[2].content.decode()
    assert "A comparison needs a period" in responses[3].content.decode()
    assert "profit" in responses[4].content.decode()
    assert client.get("/reports/monthly-revenue/export.csv?rows=date.week").status_code == 400


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(MONTHLY)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("iam:login"))


def test_user_without_a_role_gets_403(client, warehouse_path):
    user = UserFactory(role="")
    client.force_login(user)

    assert client.get("/reports/").status_code == 403
    assert client.get(MONTHLY).status_code == 403


def test_sales_rep_may_not_open_the_explorer_or_refresh(client, rep_a, warehouse_path):
    client.force_login(rep_a)

    assert client.get("/reports/").status_code == 200
    assert client.get("/reports/explorer/").status_code == 403
    assert client.post("/reports/refresh/").status_code == 403
    assert WarehouseRun.objects.count() == 0


def test_home_shows_last_refresh_and_report_links(client, rep_a, warehouse_path):
    WarehouseRun.objects.create(status=RunStatus.DONE, progress=100, finished_at=timezone.now())
    client.force_login(rep_a)

    response = client.get("/reports/")

    html = response.content.decode()
    assert 'data-report="monthly-revenue"' in html
    assert 'data-report="explorer"' not in html
    assert "data-refresh-now" not in html
    assert "Last refreshed" in html


def test_refresh_now_queues_a_run_and_polls_its_progress(
    client, django_capture_on_commit_callbacks
):
    analyst = UserFactory(role=Role.ANALYST)
    client.force_login(analyst)

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post("/reports/refresh/", HTTP_HX_REQUEST="true")

    run = WarehouseRun.objects.get()
    assert run.status == RunStatus.QUEUED
    assert run.requested_by == analyst
    assert 'hx-trigger="every 1s"' in response.content.decode()
    WarehouseRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, progress=40, step="Sales"
    )
    polling = client.get("/reports/refresh/status/").content.decode()
    assert 'value="40"' in polling
    WarehouseRun.objects.filter(pk=run.pk).update(status=RunStatus.DONE, finished_at=timezone.now())
    done = client.get("/reports/refresh/status/").content.decode()
    assert "every 1s" not in done
    assert "Last refreshed" in done


def test_report_page_query_count_does_not_grow_with_customers(
    client, admin_user, warehouse: Book, django_assert_max_num_queries
):
    client.force_login(admin_user)
    client.get(MONTHLY)  # session and user cached like any later request

    with django_assert_max_num_queries(6):
        response = client.get(MONTHLY)

    assert response.status_code == 200


def test_drill_state_round_trips_through_the_url(client, admin_user, warehouse: Book):
    client.force_login(admin_user)
    url = "/reports/explorer/?m=revenue&rows=date.year"

    year = client.get(url)
    to_quarter = next(r["link"] for r in year.context["rows"] if r["member"].value == "2025")
    quarter = client.get("/reports/explorer/" + to_quarter)
    to_month = next(r["link"] for r in quarter.context["rows"] if r["member"].value == "2025-Q1")
    month = client.get("/reports/explorer/" + to_month)

    assert _column(quarter, "date.quarter") == ["2025-Q1", "2025-Q3"]
    assert _column(month, "date.month") == ["2025-02", "2025-03"]
    params = parse_qs(urlsplit(to_month).query)
    assert params["f"] == ["date.year:2025", "date.quarter:2025-Q1"]
    assert params["rows"] == ["date.month"]
    assert month.context["state"].url() == to_month[1:]
