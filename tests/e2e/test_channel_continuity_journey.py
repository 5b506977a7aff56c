"""Acceptance (issue #6): channel continuity, in two browser contexts.

A customer opens a complaint on the portal; the same customer then starts a chat on the
widget (loaded on a portal page, so the portal sign-in identifies them); the agent's chat
console shows that open complaint and its history at once, and shows no sales offer for
this customer — the decision service suppresses sales while a complaint is open, and the
console shows that suppression with its reason.

A second visitor chats from a plain page on another origin (the one-script-tag embedding),
gives an email address in the pre-chat form, and the console then holds two chats at once.
Set RESERVOIR_E2E_SHOTS to a folder to keep screenshots of the console and the widget.
"""

from __future__ import annotations

import http.server
import os
import re
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.e2e.conftest import DemoServer, _free_port
from tests.e2e.test_portal_journey import _invite, _link_for

pytestmark = pytest.mark.e2e


def _shot(page: Page, name: str) -> None:
    folder = os.environ.get("RESERVOIR_E2E_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"chat-{name}.png"), full_page=False)


@pytest.fixture
def plain_site(server: DemoServer) -> Iterator[str]:
    """Another origin (a shop's website) whose page embeds the widget with one script tag."""
    html = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Qingliu shop</title>"
        "<style>body{font:16px system-ui;margin:40px;color:#333}</style></head><body>"
        "<h1>Qingliu Electric — online shop</h1><p>Kettles, fridges and TVs.</p>"
        f"<script src='{server.url.rstrip('/')}/chat/widget.js' data-lang='en'></script>"
        "</body></html>"
    ).encode()

    class Page_(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the standard library's name
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *_args: object) -> None:
            return

    port = _free_port()
    site = http.server.ThreadingHTTPServer(("127.0.0.1", port), Page_)
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}/"
    site.shutdown()


def _agent_online(agent: Page) -> None:
    agent.goto("/chat/console/")
    expect(agent.locator("#chat-console")).to_be_visible()
    expect(agent.locator("#cc-queue-count")).to_have_text(re.compile(r"\d+"))  # hello arrived
    if not agent.locator("#cc-available").is_checked():
        agent.locator("label.cc-toggle").click()
    expect(agent.locator("#cc-available-label")).to_have_text("Available")
    expect(agent.locator("#cc-load")).to_have_text(re.compile(r"^\d+/\d+$"))


def test_agent_console_shows_open_complaint_and_no_sales_offer_when_customer_chats(
    login, server: DemoServer, browser: Browser, contexts: list[BrowserContext], plain_site: str
) -> None:
    email = f"e2e-chat-{uuid.uuid4().hex[:10]}@example.com"
    _invite(login("sales"), email)
    customer_ctx = browser.new_context(
        base_url=server.url, locale="en-US", viewport={"width": 1280, "height": 860}
    )
    contexts.append(customer_ctx)
    customer = customer_ctx.new_page()
    customer.goto(_link_for(server, email))
    customer.locator("#link-confirm button[type=submit]").click()
    expect(customer).to_have_url(re.compile(r"/portal/$"))
    subject = f"Fridge door broke twice {uuid.uuid4().hex[:6]}"
    customer.goto("/portal/cases/new/")
    customer.locator("input[name=subject]").fill(subject)
    customer.locator("select[name=type]").select_option("complaint")
    customer.locator("textarea[name=body]").fill("The door hinge snapped again after the repair.")
    customer.get_by_role("button", name="Submit").click()
    expect(customer).to_have_url(re.compile(r"/portal/cases/\d+/$"))

    agent = login("agent")
    agent.set_viewport_size({"width": 1440, "height": 900})
    _agent_online(agent)

    customer.goto("/portal/")
    # every portal page carries the chat widget (portal/base.html)
    widget = customer.locator("#reservoir-chat")
    widget.locator(".launcher").click()
    expect(widget.locator(".msg-bot").first).to_be_visible()  # signed in: no pre-chat form
    expect(widget.locator(".prechat")).to_be_hidden()
    widget.locator(".composer-input").fill("Hello, I want to talk to a person about my fridge.")
    widget.locator(".send").click()
    expect(widget.locator(".msg-visitor")).to_have_count(1)
    expect(widget.locator(".msg-system").last).to_contain_text("joined the chat")

    expect(agent.locator("#cc-mine .cc-item")).to_have_count(1)
    expect(agent.locator("#cc-log")).to_contain_text("talk to a person about my fridge")
    cases = agent.locator("#cc-cases")
    expect(cases).to_contain_text(subject)
    expect(cases).to_contain_text("Complaint")
    expect(cases).to_contain_text("The door hinge snapped again after the repair.")
    offers = agent.locator("#cc-offers")
    expect(offers.locator('[data-suppressed="sales"]').first).to_be_visible()
    expect(offers).to_contain_text("Open complaint")
    assert offers.locator("[data-offer]").filter(has_text="sales").count() == 0

    agent.locator("#cc-input").fill("I am sorry about the door. Let me look at your case.")
    agent.locator("#cc-composer button[type=submit]").click()
    expect(widget.locator(".msg-agent")).to_contain_text("sorry about the door")
    widget.locator(".composer-input").fill("Thank you")
    expect(agent.locator("#cc-typing")).to_be_visible()

    visitor_ctx = browser.new_context(locale="en-US", viewport={"width": 1100, "height": 760})
    contexts.append(visitor_ctx)
    visitor = visitor_ctx.new_page()
    visitor.goto(plain_site)
    shop_widget = visitor.locator("#reservoir-chat")
    shop_widget.locator(".launcher").click()
    shop_widget.locator("input[name=name]").fill("Zhou Min")
    shop_widget.locator("input[name=email]").fill(f"zhou-{uuid.uuid4().hex[:6]}@example.com")
    shop_widget.locator(".prechat button[type=submit]").click()
    shop_widget.locator(".composer-input").fill("Can I speak to a human about delivery?")
    shop_widget.locator(".send").click()
    expect(shop_widget.locator(".msg-system").last).to_contain_text("joined the chat")
    expect(agent.locator("#cc-mine .cc-item")).to_have_count(2)
    agent.locator("#cc-input").fill("Hello Zhou Min — delivery takes two days.")
    _shot(agent, "console-two-chats")
    _shot(visitor, "widget-plain-page")
    _shot(customer, "widget-portal")
