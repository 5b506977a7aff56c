"""Staff journeys through the demo company in a real browser (see conftest.py for the server)."""

from __future__ import annotations

import json
import re
import urllib.request
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import DemoServer

pytestmark = pytest.mark.e2e

Login = Callable[[str], Page]
CN_MOBILE = re.compile(r"^\+861\d{10}$")


def api_get(page: Page, path: str) -> Any:
    """GET an API path with the page's signed-in session; fail loudly on an error answer."""
    response = page.request.get(path)
    assert response.ok, f"GET {path} → {response.status}: {response.text()}"
    return response.json()


def customer_with_mobile(page: Page) -> tuple[dict[str, Any], str]:
    """A visible person with a Chinese mobile number, and that number as stored (E.164)."""
    people = api_get(page, "/api/v1/parties?kind=person&limit=50")["items"]
    for person in people:
        detail = api_get(page, f"/api/v1/parties/{person['id']}")
        for point in detail["contact_points"]:
            if point["kind"] == "phone" and CN_MOBILE.match(point["value"]):
                return detail, point["value"]
    pytest.fail("none of the 50 most recently contacted demo people has a Chinese mobile")


def typed_differently(e164: str) -> str:
    """+8613812345678 → "0086 138-1234-5678": how a caller's number arrives from elsewhere."""
    digits = e164.removeprefix("+86")
    return f"0086 {digits[:3]}-{digits[3:7]}-{digits[7:]}"


def unique(prefix: str) -> str:
    return f"{prefix} {uuid.uuid4().hex[:10]}"


def test_demo_login_shows_customers_and_their_360_pages(login: Login) -> None:
    page = login("sales")

    page.locator('#sidebar a[href="/customers/"]').click()

    expect(page).to_have_url(re.compile(r"/customers/$"))
    rows = page.locator("#customer-results tbody tr[data-party-id]")
    expect(rows.nth(1)).to_be_visible()
    person = rows.filter(has=page.locator('a[href^="/parties/"]')).first
    link = person.locator('a[href^="/parties/"]').first
    name = link.inner_text().strip()
    assert name
    link.click()
    expect(page).to_have_url(re.compile(r"/parties/\d+/$"))
    expect(page.locator("h1.ph-title")).to_contain_text(name)
    expect(page.locator("#contacts-card .cp-list li").first).to_be_visible()
    expect(page.locator("#timeline [data-interaction-id]").first).to_be_visible()


def test_find_by_phone_typed_differently_log_call_and_see_it_first(login: Login) -> None:
    page = login("agent")
    customer, phone = customer_with_mobile(page)
    subject = unique("E2E call")

    page.locator("#global-search").fill(typed_differently(phone))
    hit = page.locator(f'#search-results a[data-party-id="{customer["id"]}"]')
    expect(hit).to_be_visible()
    expect(hit).to_contain_text(customer["display_name"])
    hit.click()
    expect(page).to_have_url(re.compile(rf"/parties/{customer['id']}/$"))
    expect(page.locator(f'a[href="tel:{phone}"]').first).to_be_visible()
    form = page.locator("#log-form")
    kind = form.locator("[name=kind]")
    if kind.first.evaluate("el => el.tagName") == "SELECT":
        kind.select_option("call")
    else:
        form.locator("label", has=page.locator("input[name=kind][value=call]")).click()
        expect(form.locator("input[name=kind][value=call]")).to_be_checked()
    form.locator("[name=subject]").fill(subject)
    form.locator("button[type=submit]").click()

    first = page.locator("#timeline [data-interaction-id]").first
    expect(first).to_contain_text(subject)
    expect(first).to_contain_text("Call")
    expect(page.locator("#timeline").get_by_text(subject)).to_have_count(1)


def test_360_page_updates_live_when_interaction_posted_through_api(
    login: Login, server: DemoServer
) -> None:
    watcher = login("sales")
    party = api_get(watcher, "/api/v1/parties?limit=1")["items"][0]
    watcher.goto(f"/parties/{party['id']}/")
    expect(watcher.locator("#timeline [data-interaction-id]").first).to_be_visible()
    expect(watcher.locator("#timeline-live")).to_be_visible()  # the WebSocket is open
    watcher.evaluate("window.__e2eMarker = 'same page'")
    integrator = login("sales")
    integrator.locator('#sidebar a[href="/accounts/tokens/"]').click()
    token_name = unique("E2E live timeline")
    integrator.locator("input[name=name]").fill(token_name)
    integrator.locator('form[action="/accounts/tokens/"] button[type=submit]').click()
    expect(integrator.locator("#new-token")).to_contain_text(token_name)
    expect(integrator.locator("tr[data-token-id]").filter(has_text=token_name)).to_be_visible()
    raw_token = integrator.locator("#raw-token").input_value()
    assert raw_token.startswith("rsv_")
    subject = unique("E2E inbound email")

    request = urllib.request.Request(  # noqa: S310 - our own server
        server.absolute("/api/v1/interactions"),
        data=json.dumps(
            {
                "party_id": party["id"],
                "channel": "email",
                "direction": "inbound",
                "kind": "message",
                "subject": subject,
                "body": "Posted by the browser journey through the REST API.",
            }
        ).encode(),
        headers={"Authorization": f"Bearer {raw_token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        assert response.status == 201
        created = json.load(response)

    first = watcher.locator("#timeline [data-interaction-id]").first
    expect(first).to_contain_text(subject, timeout=10_000)
    expect(first).to_have_attribute("data-interaction-id", str(created["id"]))
    assert watcher.evaluate("window.__e2eMarker") == "same page"
    integrator.goto("/accounts/tokens/")
    expect(integrator.locator("tr[data-token-id]").filter(has_text=token_name)).to_be_visible()
    expect(integrator.locator("#raw-token")).to_have_count(0)  # the secret is shown only once


def test_language_switch_shows_simplified_chinese(login: Login) -> None:
    page = login("analyst")
    nav = page.locator("#sidebar nav")
    expect(nav).to_contain_text("Customers")

    page.locator("#language-select").select_option(label="简体中文")

    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    # The msgstr of "Customers", "Dashboard" and "Workspace" in locale/zh_Hans/.../django.po.
    expect(nav.get_by_role("link", name="客户", exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="仪表盘", exact=True)).to_be_visible()
    expect(nav).to_contain_text("工作台")
    expect(nav).not_to_contain_text("Customers")
    expect(page.locator("#language-select")).to_have_value("zh-hans")


def test_sales_rep_cannot_open_other_teams_customer(login: Login) -> None:
    north = login("sales2")
    north_team = api_get(north, "/api/v1/me")["team"]
    others = api_get(north, f"/api/v1/parties?team={north_team['id']}&limit=1")["items"]
    assert others, f"the demo has no customers owned by {north_team['name']}"
    target = others[0]
    east = login("sales")
    assert api_get(east, "/api/v1/me")["team"]["id"] != north_team["id"]

    response = east.goto(f"/parties/{target['id']}/")

    assert response is not None
    assert response.status == 404
    expect(east.locator("body")).not_to_contain_text(target["display_name"])
    assert east.request.get(f"/api/v1/parties/{target['id']}").status == 404
