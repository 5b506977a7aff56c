"""Acceptance 4: a manager builds the trade-show rule through the UI; two trade-show prospects
arrive the day before a holiday — one typed in on the New customer page, one imported from a
vCard whose import is tagged with the trade show as its source — and go to different reps,
with follow-ups due on the right working day (the second working day, skipping weekends and
holidays, counting make-up days).

The holiday is typed in on the calendars page for the day after today (the journey cannot
choose its own date), which makes today "the working day before a holiday".
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from reservoir.calendars import cn_holidays
from reservoir.resolution.tests.import_journey import import_vcard, vcard_text

pytestmark = pytest.mark.e2e

SOURCE = "Trade show 2026"
FAMILY = "展"
CONDITION = '"prospect" in customer.roles && "Trade show 2026" in customer.tags'


def _expected_due(today: dt.date, extra_holiday: dt.date, days: int) -> dt.date:
    marks = {d: kind for d, kind, _n in cn_holidays.days()}
    marks[extra_holiday] = "holiday"

    def working(day: dt.date) -> bool:
        return marks[day] == "workday" if day in marks else day.isoweekday() <= 5

    day = today
    for _ in range(days):
        day += dt.timedelta(days=1)
        while not working(day):
            day += dt.timedelta(days=1)
    return day


def _add_holiday(page: Page, day: dt.date) -> None:
    page.goto("/calendars/")
    page.locator("table a").first.click()
    form = page.locator("#day-form")
    form.locator("input[name=date]").fill(day.isoformat())
    form.locator("select[name=kind]").select_option("holiday")
    form.locator("input[name=name]").fill("Trade show holiday")
    form.locator("button[type=submit]").click()
    expect(page.locator(f'tr[data-date="{day.isoformat()}"]')).to_contain_text("Trade show holiday")


def _create_rule(page: Page, name: str) -> None:
    page.goto("/automation/")
    page.locator(".ph-actions").get_by_role("link", name="New rule").click()
    page.locator("input[name=name]").fill(name)
    page.locator("select[name=trigger]").select_option("party.created")
    condition = page.locator("textarea[name=condition]")
    condition.fill('"prospect" in customer.rolez')
    expect(page.locator("#condition-check .err")).to_contain_text("column 24")
    condition.fill(CONDITION)
    expect(page.locator("#condition-check")).to_contain_text("Valid expression")
    page.locator("#rule-save").click()
    expect(page.locator(".ph-title")).to_have_text(name)

    page.locator("#action-add select").select_option("assign")
    page.locator("#action-add button").click()
    card = page.locator("#action-new")
    card.locator("select[name=new-strategy]").select_option("round_robin")
    card.locator("select[name=new-team]").select_option(label="East China Sales")
    card.get_by_role("button", name="Add action").click()
    expect(page.locator('[data-action="assign"]')).to_have_count(1)

    page.locator("#action-add select").select_option("create_todo")
    page.locator("#action-add button").click()
    card = page.locator("#action-new")
    card.locator("input[name=new-title]").fill("Follow up the trade-show lead")
    card.locator("input[name=new-due_in]").fill("2")
    card.locator("select[name=new-due_unit]").select_option("business_days")
    card.locator("select[name=new-assign_to]").select_option("assigned")
    card.get_by_role("button", name="Add action").click()
    expect(page.locator(".action-card")).to_have_count(2)


def _phone() -> str:
    return f"139{uuid.uuid4().int % 10**8:08d}"


def _create_prospect(page: Page, given: str, phone: str) -> int:
    """Type a business card in on the New customer page; return the new customer's id."""
    page.goto("/customers/new/")
    form = page.locator("#party-new-form")
    form.locator("input[name=family_name]").fill(FAMILY)
    form.locator("input[name=given_name]").fill(given)
    form.locator("input[name=mobile]").fill(phone)
    form.locator("input[name=roles][value=prospect]").check()
    form.locator("input[name=source]").fill(SOURCE)
    form.get_by_role("button", name="Create customer").click()
    expect(page).to_have_url(re.compile(r"/parties/\d+/$"))
    expect(page.locator(".ph-title")).to_contain_text(given)
    match = re.search(r"/parties/(\d+)/", page.url)
    assert match is not None
    return int(match.group(1))


def _import_prospect(page: Page, base_url: str, given: str, phone: str) -> int:
    """Import one card as a .vcf on the import page, tagged with the trade show as its source;
    return the imported customer's id."""
    import_vcard(
        page, base_url, vcard_text([(FAMILY, given, phone)]), source=SOURCE, policy="create"
    )
    response = page.request.get("/api/v1/identify", params={"phone": phone})
    assert response.status == 200, response.text()
    return int(response.json()["id"])


def test_trade_show_prospects_are_assigned_round_robin_with_tasks_due_on_working_day(login, server):
    page = login("manager")
    shanghai = ZoneInfo("Asia/Shanghai")
    today = dt.datetime.now(shanghai).date()
    holiday = today + dt.timedelta(days=1)
    expected = _expected_due(today, holiday, 2)
    name = f"Trade show 2026 prospects {uuid.uuid4().hex[:6]}"

    _add_holiday(page, holiday)
    _create_rule(page, name)
    ids = [
        _create_prospect(page, f"会{uuid.uuid4().hex[:6]}", _phone()),
        _import_prospect(page, server.url, f"会{uuid.uuid4().hex[:6]}", _phone()),
    ]

    page.goto("/automation/runs/")
    for _ in range(30):
        if page.locator('#run-table tr[data-status="succeeded"]', has_text=name).count() == 2:
            break
        page.wait_for_timeout(1000)
        page.reload()
    expect(page.locator('#run-table tr[data-status="succeeded"]', has_text=name)).to_have_count(2)

    owners = {page.request.get(f"/api/v1/parties/{pid}").json()["owner_id"] for pid in ids}
    assert len(owners) == 2 and None not in owners
    page.goto("/tasks/?bucket=upcoming&scope=all&q=trade-show")
    rows = page.locator("#todo-table tbody tr")
    expect(rows).to_have_count(2)
    for i in range(2):
        expect(rows.nth(i).locator(".todo-due")).to_contain_text(expected.isoformat())
    assignees = {rows.nth(i).locator("td").nth(3).inner_text() for i in range(2)}
    assert len(assignees) == 2
    assert re.match(r"\d{4}-\d{2}-\d{2}", expected.isoformat())
