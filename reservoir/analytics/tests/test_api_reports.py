"""The reports API: POST /api/v1/reports/query and the CSV / XLSX exports."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest

from reservoir.analytics.tests.test_reports_data import (  # noqa: F401 - fixtures
    Book,
    book_fixture,
    warehouse_fixture,
    warehouse_path_fixture,
)
from reservoir.iam.enums import Role
from reservoir.iam.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports/query"


def _post(client, body: dict):
    return client.post(URL, body, content_type="application/json")


def test_query_covers_only_the_managed_team(client, manager_b, warehouse: Book):
    client.force_login(manager_b)

    response = _post(
        client,
        {"measures": ["revenue", "customers"], "rows": [{"dimension": "region", "level": "city"}]},
    )

    body = response.json()
    assert response.status_code == 200
    assert [r["region.city"] for r in body["rows"]] == ["北京市", "南京市"]
    assert [r["revenue"] for r in body["rows"]] == [350.0, 100.0]
    assert body["totals"] == {"revenue": 450.0, "customers": 2}
    assert body["row_headers"] == ["region.city"]
    assert body["columns"] == ["revenue", "customers"]


def test_query_for_an_analyst_covers_everybody_with_comparison(client, warehouse: Book):
    client.force_login(UserFactory(role=Role.ANALYST))

    response = _post(
        client,
        {
            "measures": ["revenue"],
            "rows": [{"dimension": "date", "level": "month"}],
            "slices": [{"dimension": "date", "level": "year", "value": "2025"}],
            "compare": "previous_year",
        },
    )

    body = response.json()
    assert response.status_code == 200
    march = next(r for r in body["rows"] if r["date.month"] == "2025-03")
    assert march["revenue"] == 200.0
    assert march["revenue__compare"] == 100.0
    assert march["revenue__change"] == 1.0
    assert body["totals"]["revenue"] == 650.0


def test_query_pivots_channels_into_columns(client, admin_user, warehouse: Book):
    client.force_login(admin_user)

    response = _post(
        client,
        {
            "measures": ["revenue"],
            "rows": [{"dimension": "date", "level": "year"}],
            "columns": [{"dimension": "channel", "level": "channel"}],
        },
    )

    body = response.json()
    assert body["columns"] == ["revenue|phone", "revenue|shop", "revenue|web"]
    assert body["rows"][0]["revenue|web"] == 100.0
    assert body["rows"][1]["revenue|shop"] == 300.0


def test_unknown_measure_is_a_422_problem(client, admin_user, warehouse: Book):
    client.force_login(admin_user)

    response = _post(client, {"measures": ["profit"]})

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == [
        {"field": "measures", "message": "Unknown measure: profit."}
    ]


def test_malformed_body_is_a_422_problem(client, admin_user, warehouse_path):
    client.force_login(admin_user)

    response = _post(client, {"measures": [], "compare": "last_week", "limit": 0})

    fields = {e["field"] for e in response.json()["errors"]}
    assert response.status_code == 422
    assert fields == {"measures", "compare", "limit"}


def test_sales_rep_gets_403_and_anonymous_401(client, rep_a, warehouse_path):
    anonymous = _post(client, {"measures": ["revenue"]})
    client.force_login(rep_a)

    forbidden = _post(client, {"measures": ["revenue"]})

    assert anonymous.status_code == 401
    assert forbidden.status_code == 403
    assert forbidden["Content-Type"] == "application/problem+json"
    assert client.get("/api/v1/reports/query.csv?m=revenue").status_code == 403


def test_csv_export_matches_the_explorer_query(client, manager_b, warehouse: Book):
    client.force_login(manager_b)

    response = client.get("/api/v1/reports/query.csv?m=revenue&m=orders&rows=product.category")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert response.status_code == 200
    assert rows == [
        ["Category", "Revenue", "Orders"],
        ["Audio", "400", "2"],
        ["Home", "50", "1"],
        ["Total", "450", "3"],
    ]


def test_xlsx_export_reads_back(client, admin_user, warehouse: Book):
    client.force_login(admin_user)

    response = client.get(
        "/api/v1/reports/query.xlsx?m=revenue&rows=product.product&f=product.category:Audio"
    )

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert list(sheet.iter_rows(values_only=True)) == [
        ("Product", "Revenue"),
        ("Earbuds", 400),
        ("Speaker", 300),
        ("Total", 700),
    ]


def test_export_with_a_bad_query_string_is_a_422(client, admin_user, warehouse_path):
    client.force_login(admin_user)

    response = client.get("/api/v1/reports/query.csv?rows=date.week")

    assert response.status_code == 422
    assert "week" in response.json()["detail"]
