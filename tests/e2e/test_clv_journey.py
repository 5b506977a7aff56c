"""Customer value in a real browser: the models are fitted, and a new order changes the
customer's lifetime value and next best products on their open 360 page without a reload."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.e2e

FIT_TIMEOUT_MS = 300_000


def api_get(page: Page, path: str) -> Any:
    response = page.request.get(path)
    assert response.ok, f"GET {path} → {response.status}: {response.text()}"
    return response.json()


def ensure_fitted(page: Page) -> None:
    """Open the models page; refit unless a fit is in use or under way; wait until in use."""
    page.goto("/reports/models/")
    state = page.locator("[data-refit-state]")
    expect(state).to_be_visible()
    if state.get_attribute("data-refit-state") == "never":
        page.locator("[data-refit-now]").click()
        expect(page.locator('[data-refit-state="running"]')).to_be_visible()
    # The page polls the refit and reloads itself when it ends.
    expect(page.locator('[data-refit-state="done"]')).to_be_visible(timeout=FIT_TIMEOUT_MS)
    expect(page.locator('#model-clv [data-params="bgnbd"]')).to_be_visible()


def customer_with_suggestions(page: Page) -> tuple[int, list[dict[str, Any]]]:
    """A recent buyer whose next best products are scored, and those products."""
    orders = api_get(page, "/api/v1/orders?limit=50")["items"]
    for party_id in dict.fromkeys(o["party_id"] for o in orders):
        traits = api_get(page, f"/api/v1/parties/{party_id}/traits?limit=50")["items"]
        by_key = {t["key"]: t["value"] for t in traits}
        if by_key.get("basket.next_best") and "clv.value" in by_key:
            return party_id, by_key["basket.next_best"]
    pytest.fail("none of the 50 latest orders' customers has next best products scored")


def test_new_order_changes_clv_and_next_best_products_on_the_open_360_page(login) -> None:
    page = login("analyst")
    ensure_fitted(page)
    party_id, picks = customer_with_suggestions(page)
    page.goto(f"/parties/{party_id}/")
    card = page.locator("#value-card")
    clv = card.locator('[data-trait="clv.value"]')
    expect(clv).to_be_visible()
    before = clv.get_attribute("data-value")
    bought = picks[0]["sku"]
    expect(card.locator(f'[data-sku="{bought}"]')).to_be_visible()
    expect(page.locator("#timeline-live")).to_be_visible()  # the page listens for changes
    page.evaluate("window.__sameDocument = true")
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")

    response = page.request.post(
        "/api/v1/orders",
        data=json.dumps({"party_id": party_id, "lines": [{"sku": bought, "quantity": 2}]}),
        headers={"Content-Type": "application/json", "X-CSRFToken": csrf},
    )

    assert response.status == 201, response.text()
    expect(clv).not_to_have_attribute("data-value", before or "", timeout=30_000)
    expect(card.locator(f'[data-sku="{bought}"]')).to_have_count(0)
    assert page.evaluate("window.__sameDocument === true")
