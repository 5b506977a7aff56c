"""Reports in a real browser: the warehouse is refreshed from the reports home, then an
analyst drills monthly revenue from a year down to a product, compares with the previous
year and exports exactly that table as XLSX."""

from __future__ import annotations

import re

import openpyxl
import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

REFRESH_TIMEOUT_MS = 900_000  # the whole demo history, on a busy 2-core machine


def refresh_warehouse(page: Page) -> None:
    """Press "Refresh now" on the reports home and wait for the polled progress to finish."""
    page.goto("/reports/")
    card = page.locator("#warehouse-refresh")
    expect(card).to_be_visible()
    if card.get_attribute("data-warehouse-state") != "running":
        page.locator("[data-refresh-now]").click()
        expect(page.locator('#warehouse-refresh[data-warehouse-state="running"]')).to_be_visible()
        expect(page.locator("#warehouse-refresh progress")).to_be_visible()
    done = page.locator('#warehouse-refresh[data-warehouse-state="done"]')
    expect(done).to_be_visible(timeout=REFRESH_TIMEOUT_MS)
    expect(done.locator("[data-last-refresh]")).to_contain_text("Last refreshed")


def drill(page: Page, row: int, expect_rows: str) -> str:
    """Click the member of table row `row` (-1: last) and wait for the drilled table."""
    links = page.locator("#report-table tbody a.an-drill")
    expect(links.first).to_be_visible()
    link = links.nth(row) if row >= 0 else links.nth(links.count() - 1)
    name = link.inner_text().strip()
    link.click()
    expect(page).to_have_url(re.compile(rf"rows={re.escape(expect_rows)}"))
    expect(page.locator(f'#report-table th[data-key="{expect_rows}"]')).to_be_visible()
    return name


def test_drill_monthly_revenue_to_a_product_compare_and_export_xlsx(login, tmp_path) -> None:
    page = login("analyst")
    refresh_warehouse(page)

    page.locator('a[data-report="monthly-revenue"]').click()
    expect(page.locator("h1.ph-title")).to_have_text("Monthly revenue")
    expect(page.locator('#report-table th[data-key="date.month"]')).to_be_visible()
    expect(page.locator("[data-report-chart][data-chart-ready]")).to_be_visible()
    page.locator("[data-explore]").click()
    expect(page).to_have_url(re.compile(r"/reports/explorer/\?.*rows=date\.year"))

    year = drill(page, -1, "date.quarter")
    quarter = drill(page, 0, "date.month")
    page.locator("select[data-drill]").select_option("product")
    expect(page).to_have_url(re.compile(r"drill=product"))
    month = drill(page, 0, "product.category")
    category = drill(page, 0, "product.subcategory")
    drill(page, 0, "product.product")
    chips = page.locator("#drill-path .an-chip b")
    expect(chips).to_have_count(5)
    assert [chips.nth(i).inner_text() for i in range(3)] == [year, quarter, month]
    assert chips.nth(3).inner_text() == category

    page.locator("select[data-compare]").select_option("previous_year")
    expect(page).to_have_url(re.compile(r"compare=previous_year"))
    headers = page.locator("#report-table thead th")
    expect(headers.nth(2)).to_contain_text("previous year")
    shown_headers = [headers.nth(i).inner_text().strip() for i in range(headers.count())]
    body = page.locator("#report-table tbody tr")
    shown_products = [body.nth(i).locator("th").inner_text().strip() for i in range(body.count())]

    with page.expect_download() as download:
        page.locator('[data-export="xlsx"]').click()
    path = tmp_path / "explorer.xlsx"
    download.value.save_as(path)
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))

    assert [str(h).upper() for h in rows[0]] == [h.upper() for h in shown_headers]
    assert [r[0] for r in rows[1 : 1 + len(shown_products)]] == shown_products
    assert rows[1 + len(shown_products)][0] == "Total"
    assert all(isinstance(r[1], int | float) for r in rows[1 : 1 + len(shown_products)])
