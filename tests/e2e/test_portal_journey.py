"""The customer portal in a browser: a staff member invites a customer, who signs in with the
e-mailed link, sets a password, signs in again with it, opens a complaint with an upload,
finds it listed, replies, and reads the portal in 简体中文 on a 390 px wide phone.

The demo server prints e-mail to its console (EMAIL_BACKEND's default), so the journey reads
the invitation link from the server's output, as a customer reads it from their inbox.
Set RESERVOIR_E2E_SHOTS to a folder to keep screenshots of the pages (desktop and phone).
"""

from __future__ import annotations

import os
import re
import time
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import DemoServer

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PASSWORD = "Harbour-lights-5150"


def _shot(page: Page, name: str) -> None:
    folder = os.environ.get("RESERVOIR_E2E_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"portal-{name}.png"), full_page=True)


def _invite(staff: Page, email: str) -> int:
    """Create a customer with `email` through the API and invite them from the staff side."""
    token = staff.locator('meta[name="csrf-token"]').get_attribute("content") or ""
    created = staff.request.post(
        "/api/v1/parties",
        data={
            "kind": "person",
            "family_name": "林",
            "given_name": "小雨",
            "roles": ["customer"],
            "contact_points": [{"kind": "email", "value": email}],
        },
        headers={"X-CSRFToken": token},
    )
    assert created.status == 201, created.text()
    party_id = int(created.json()["id"])
    invited = staff.request.post(
        f"/portal/invite/{party_id}/", form={}, headers={"X-CSRFToken": token}, max_redirects=0
    )
    assert invited.status == 302, invited.text()
    return party_id


def _link_for(server: DemoServer, email: str) -> str:
    """The sign-in link of the last message to `email` the server printed."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        output = server.output()
        at = output.rfind(f"To: {email}")
        if at >= 0:
            match = re.search(r"https?://[^\s/]+(/portal/link/[^/\s]+/)", output[at:])
            if match:
                return match.group(1)
        time.sleep(0.2)
    pytest.fail(f"No sign-in link to {email} in the server output")


def test_customer_opens_a_complaint_and_reads_the_portal_in_chinese_on_a_phone(
    login, server: DemoServer, browser: Browser, contexts: list[BrowserContext], tmp_path: Path
) -> None:
    email = f"e2e-{uuid.uuid4().hex[:10]}@example.com"
    _invite(login("sales"), email)
    context = browser.new_context(
        base_url=server.url, locale="en-US", viewport={"width": 1280, "height": 860}
    )
    contexts.append(context)
    page = context.new_page()

    page.goto(_link_for(server, email))
    page.locator("#link-confirm button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/portal/$"))
    expect(page.locator(".pt-hero h1")).to_contain_text("林小雨")

    page.goto("/portal/account/security/")
    form = page.locator("#password-form")
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("input[name=confirm]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    expect(page.locator("#toasts")).to_contain_text("Your password is set.")
    page.locator('form[action="/portal/logout/"] button').click()
    expect(page).to_have_url(re.compile(r"/portal/login/$"))
    _shot(page, "login-desktop-en")

    page.locator("#login-form input[name=email]").fill(email)
    page.locator("#login-form input[name=password]").fill(PASSWORD)
    page.locator("#login-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/portal/$"))
    _shot(page, "home-desktop-en")

    subject = f"Parcel arrived crushed {uuid.uuid4().hex[:6]}"
    page.goto("/portal/cases/new/")
    page.locator("input[name=subject]").fill(subject)
    page.locator("select[name=type]").select_option("complaint")
    page.locator("textarea[name=body]").fill("The box was crushed and the kettle is dented.")
    page.locator("input[name=attachments]").set_input_files(
        [{"name": "photo.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    _shot(page, "case-new-desktop-en")
    page.get_by_role("button", name="Submit").click()

    expect(page).to_have_url(re.compile(r"/portal/cases/\d+/$"))
    expect(page.locator("h1")).to_contain_text(subject)
    expect(page.locator("#thread")).to_contain_text("kettle is dented")
    expect(page.locator("#thread .pt-file")).to_contain_text("photo.pdf")
    download_href = page.locator("#thread .pt-file").first.get_attribute("href") or ""
    fetched = page.request.get(download_href)
    assert fetched.status == 200
    assert fetched.body() == PDF

    page.locator(".pt-nav a[href='/portal/cases/']").click()
    expect(page.locator("#case-list")).to_contain_text(subject)
    page.locator("#case-list a", has_text=subject).click()

    page.locator("#reply-form textarea[name=body]").fill("I can send more photos if needed.")
    page.locator("#reply-form button[type=submit]").click()
    expect(page.locator("#thread .pt-msg")).to_have_count(2)
    expect(page.locator("#thread")).to_contain_text("I can send more photos")
    _shot(page, "case-detail-desktop-en")

    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("#language-select").select_option("zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    nav = page.locator(".pt-nav")
    expect(nav).to_contain_text("订单")  # "Orders"
    expect(nav).not_to_contain_text("Orders")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways at 390 px ({width} px wide)"
    _shot(page, "case-detail-phone-zh")
    page.goto("/portal/")
    _shot(page, "home-phone-zh")
    page.goto("/portal/cases/new/")
    _shot(page, "case-new-phone-zh")
