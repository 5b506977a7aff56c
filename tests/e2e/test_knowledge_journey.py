"""Knowledge base: a service agent writes a Chinese article in the editor and publishes it; a
sales rep finds it from a query whose words are not adjacent in the text; a portal visitor
(no sign-in) gets it suggested while typing, but never the agent's internal article."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

pytestmark = pytest.mark.e2e


def _write(page, title: str, body: str, *, internal: bool = False) -> None:
    page.goto("/kb/new/")
    page.locator("#id_title").fill(title)
    page.locator("#id_language").select_option("zh-hans")
    if internal:
        page.locator("#id_visibility").select_option("internal")
    page.locator("#kb-editor").click()
    page.keyboard.type(body)
    page.locator("#kb-editor").press("Control+b")
    page.keyboard.type(" 完毕")
    page.locator("#article-publish").click()
    expect(page).to_have_url(re.compile(r"/kb/\d+/$"))
    expect(page.locator("#article-body")).to_contain_text(body)


def test_agent_writes_rep_finds_visitor_gets_suggestion(
    login, browser: Browser, server, contexts: list[BrowserContext]
):
    tag = uuid.uuid4().hex[:6]
    title = f"打印机故障 {tag}"
    agent = login("service")
    _write(agent, title, "如果您的打印机无法连接无线网络，请先重启路由器。")
    _write(agent, f"内部 打印机 备忘 {tag}", "打印机网络管理员密码在保险柜里。", internal=True)

    rep = login("sales")
    rep.goto("/kb/")
    rep.locator("#kb-filters input[name=q]").fill(f"打印机 网络 {tag}")
    rep.locator("#kb-filters button[type=submit]").click()
    expect(rep.locator("#kb-table")).to_contain_text(title)
    expect(rep.locator("#kb-new")).to_have_count(0)

    visitor_context = browser.new_context(base_url=server.url, locale="zh-CN")
    contexts.append(visitor_context)
    visitor = visitor_context.new_page()
    visitor.goto(f"/kb/suggest/?q=无线+打印机+{tag}")
    expect(visitor.locator("#kb-suggestions")).to_contain_text(title)
    expect(visitor.locator("#kb-suggestions")).not_to_contain_text("内部")
