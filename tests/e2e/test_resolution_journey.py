"""One golden record per customer, in a real browser: import business cards as a vCard
file, see the duplicate flagged, merge the two records, see both timelines on the survivor's
360 page, then unmerge (issue 3, acceptance 7)."""

from __future__ import annotations

import re
from typing import Any

import opencc
import pytest
from playwright.sync_api import Page, expect

from reservoir.resolution.tests.import_journey import import_vcard, vcard_text
from tests.e2e.conftest import DemoServer
from tests.e2e.test_journeys import CN_MOBILE, Login, api_get, typed_differently, unique

pytestmark = pytest.mark.e2e


def chinese_customer_with_mobile(page: Page) -> tuple[dict[str, Any], str]:
    """A visible person with a Chinese name written family-name first and a Chinese mobile."""
    people = api_get(page, "/api/v1/parties?kind=person&role=customer&limit=100")["items"]
    for person in people:
        if person["name_order"] != "eastern" or not person["given_name"]:
            continue
        detail = api_get(page, f"/api/v1/parties/{person['id']}")
        for point in detail["contact_points"]:
            if point["kind"] == "phone" and CN_MOBILE.match(point["value"]):
                return detail, point["value"]
    pytest.fail("no visible demo customer with a Chinese name and a Chinese mobile")


def log_call(page: Page, subject: str) -> None:
    form = page.locator("#log-form")
    kind = form.locator("[name=kind]")
    if kind.first.evaluate("el => el.tagName") == "SELECT":
        kind.select_option("call")
    else:
        form.locator("label", has=page.locator("input[name=kind][value=call]")).click()
    form.locator("[name=subject]").fill(subject)
    form.locator("button[type=submit]").click()
    expect(page.locator("#timeline [data-interaction-id]").first).to_contain_text(subject)


def test_import_vcard_flag_merge_see_both_timelines_and_unmerge(
    login: Login, server: DemoServer
) -> None:
    page = login("manager")
    original, phone = chinese_customer_with_mobile(page)
    to_hant = opencc.OpenCC("s2tw").convert
    family, given = to_hant(original["family_name"]), to_hant(original["given_name"])
    card_name = f"{family}{given}"

    # The card: the customer's name in traditional characters, the mobile typed another way.
    import_vcard(
        page,
        server.url,
        vcard_text([(family, given, typed_differently(phone))]),
        source=unique("Trade show 2026"),
        policy="create",
    )
    hits = api_get(page, f"/api/v1/parties?q={phone.removeprefix('+86')}&limit=10")["items"]
    imported = next(p for p in hits if p["id"] != original["id"])
    assert imported["display_name"] == card_name

    # The imported record has a life of its own before anyone notices the duplicate.
    page.goto(f"/parties/{imported['id']}/")
    card_call = unique("E2E call from the trade-show card")
    log_call(page, card_call)

    page.locator('#sidebar a[href="/data/duplicates/"]').click()
    pair = (
        page.locator("tr.dup-pair")
        .filter(has_text=card_name)
        .filter(has_text=original["display_name"])
    )
    expect(pair.first).to_be_visible()
    pair.first.get_by_role("link", name=re.compile("merge", re.I)).click()
    expect(page).to_have_url(re.compile(r"/data/merge/\?"))
    keep = page.locator("label.seg-btn").filter(has_text=f"#{original['id']}")
    if not keep.locator("input").is_checked():
        keep.click()
        expect(keep.locator("input")).to_be_checked()
        page.wait_for_load_state("networkidle")
    page.locator("form button[type=submit]:has(.i-merge)").click()

    expect(page).to_have_url(re.compile(rf"/parties/{original['id']}/$"))
    timeline = page.locator("#timeline")
    expect(timeline.get_by_text(card_call)).to_have_count(1)
    own = api_get(page, f"/api/v1/interactions?party_id={original['id']}&limit=50")["items"]
    assert len(own) > 1  # the survivor's own history is there beside the card's call
    assert api_get(page, f"/api/v1/parties/{imported['id']}")["merged_into"] == original["id"]

    page.locator("form[action$='/unmerge/'] button").first.click()
    expect(page.locator(".toast, .alert, [role=status]").first).to_be_visible()
    restored = api_get(page, f"/api/v1/parties/{imported['id']}")
    assert restored["merged_into"] is None
    assert restored["display_name"] == card_name
    page.goto(f"/parties/{original['id']}/")
    expect(page.locator("#timeline").get_by_text(card_call)).to_have_count(0)
    page.goto(f"/parties/{imported['id']}/")
    expect(page.locator("#timeline").get_by_text(card_call)).to_have_count(1)
