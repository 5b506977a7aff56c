"""Acceptance (service desk): a case arrives by e-mail through the SMTP gateway, is
auto-assigned by skill, the agent replies with a knowledge-base article, resolves it, and the
customer's CSAT answer appears on the party's 360 page.

The demo server runs in its own process and data folder (see conftest.py), so the gateway
runs there too: `reservoir manage support_mail smtpd` (which serves
`support.mail.gateway.controller`) against the same data folder, and the few arrangements
a browser cannot make (an agent profile, the survey token the e-mail would carry) go through
`reservoir manage shell` in that folder.
"""

from __future__ import annotations

import json
import os
import re
import signal
import smtplib
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import REPO, DemoServer

pytestmark = pytest.mark.e2e

Login = Callable[[str], Page]
SUPPORT = "help@shop.example"
AGENT = "service"
ARTICLE = "Tracking a late delivery"

ARRANGE = """
import json
from reservoir.iam.models import User
from reservoir.support.knowledge.models import Article
from reservoir.support.models import AgentProfile
agent = User.objects.get(username=%(agent)r)
others = list(AgentProfile.objects.filter(available=True).exclude(user=agent).values_list("pk", flat=True))
AgentProfile.objects.filter(pk__in=others).update(available=False)
mine = AgentProfile.objects.filter(user=agent).values("skills", "capacity", "available").first()
AgentProfile.objects.update_or_create(
    user=agent, defaults={"skills": ["question"], "capacity": 10000, "available": True}
)
from reservoir.support.knowledge import services as kb
article = Article.objects.filter(title=%(article)r, status="published").first()
if article is None:
    article = kb.create_article(
        by=None, title=%(article)r, language="en", publish=True,
        body_html="<p>Track your parcel under Orders in the portal; write to us if it is late.</p>",
    )
print(json.dumps({"others": others, "mine": mine, "article": article.title, "name": agent.get_full_name() or agent.username}))
"""

RESTORE = """
import json
from reservoir.iam.models import User
from reservoir.support.models import AgentProfile
state = json.loads(%(state)r)
AgentProfile.objects.filter(pk__in=state["others"]).update(available=True)
agent = User.objects.get(username=%(agent)r)
if state["mine"]:
    AgentProfile.objects.filter(user=agent).update(**state["mine"])
else:
    AgentProfile.objects.filter(user=agent).delete()
"""

# Let the demo's worker finish what the journey queued (mail, rescoring) so that the server
# stops promptly at the end of the session.
DRAIN = """
import time
from django.db.models import Q
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max
busy = Q(status=TaskResultStatus.RUNNING) | Q(
    Q(run_after=get_date_max()) | Q(run_after__lte=timezone.now()), status=TaskResultStatus.READY
)
deadline = time.monotonic() + 90
while time.monotonic() < deadline and DBTaskResult.objects.filter(busy).exists():
    time.sleep(0.5)
print(sorted(DBTaskResult.objects.filter(busy).values_list("task_path", flat=True)))
"""

TOKEN = """
from reservoir.support.models import Survey
print(Survey.objects.get(case__subject=%(subject)r, kind="csat").token)
"""


def _data_dir(server: DemoServer) -> str:
    match = re.search(r"Data folder: (\S+)", server.output())
    assert match, server.output()
    return match.group(1)


def _env(server: DemoServer) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        RESERVOIR_DATA_DIR=_data_dir(server),
        SUPPORT_EMAIL_ADDRESS=SUPPORT,
        DEBUG="false",
        PYTHONUNBUFFERED="1",
    )
    return env


def _shell(server: DemoServer, code: str) -> str:
    """Run Python in the demo's data folder (`reservoir manage shell -c`); return its output."""
    done = subprocess.run(  # noqa: S603 - our own command line
        [sys.executable, "-m", "reservoir.cli", "manage", "shell", "-c", code],
        cwd=REPO,
        env=_env(server),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def gateway(server: DemoServer) -> Iterator[int]:
    """The support SMTP gateway on a free port, storing into the demo's database."""
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 - our own command line
        [
            sys.executable,
            "-m",
            "reservoir.cli",
            "manage",
            "support_mail",
            "smtpd",
            "--port",
            str(port),
        ],
        cwd=REPO,
        env=_env(server),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        time.sleep(0.2)
    yield port
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@pytest.fixture
def skilled_agent(server: DemoServer) -> Iterator[dict[str, object]]:
    """The demo service agent is the only available agent with the "question" skill."""
    state = json.loads(_shell(server, ARRANGE % {"agent": AGENT, "article": ARTICLE}))
    yield state
    print("tasks still queued:", _shell(server, DRAIN))
    _shell(server, RESTORE % {"state": json.dumps(state), "agent": AGENT})


def _send_mail(port: int, *, sender: str, subject: str, body: str) -> None:
    msg = EmailMessage()
    msg["From"] = f"Chen Jie <{sender}>"
    msg["To"] = SUPPORT
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{uuid.uuid4().hex}@customer.example>"
    msg.set_content(body)
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as smtp:
        smtp.send_message(msg)


def _shot(page: Page, name: str) -> None:
    folder = os.environ.get("RESERVOIR_E2E_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_email_case_auto_assigned_answered_with_article_resolved_and_csat_on_the_party(
    server: DemoServer,
    browser: Browser,
    login: Login,
    gateway: int,
    skilled_agent: dict[str, object],
) -> None:
    token = uuid.uuid4().hex[:8]
    subject = f"Question about my order {token}"
    sender = f"chen.jie.{token}@customer.example"
    article = str(skilled_agent["article"])

    _send_mail(gateway, sender=sender, subject=subject, body="Hello, how do I get help?")

    page = login(AGENT)
    page.goto("/service/?tab=mine")
    page.locator("#inbox-q").fill(subject)
    page.locator("#inbox-q").press("Enter")
    row = page.locator("#case-table tbody tr").filter(has_text=subject)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(str(skilled_agent["name"]))
    _shot(page, "desk-inbox")
    row.locator("a.case-link").click()
    expect(page).to_have_url(re.compile(r"/service/cases/\d+/$"))
    expect(page.locator("#case-title")).to_have_text(subject)
    expect(page.locator("#case-assignee")).to_have_text(str(skilled_agent["name"]))
    expect(page.locator("#thread .msg-customer")).to_contain_text("how do I get help")

    page.locator("#kb-q").fill(article)
    hit = page.locator("#kb-picker .kb-hit").filter(has_text=article).first
    expect(hit).to_be_visible()
    hit.locator(".kb-insert-btn").click()
    expect(page.locator("#id_body")).to_have_value(re.compile(re.escape(article)))
    page.locator("#id_body").press("Control+Home")
    page.locator("#id_body").type("Dear customer, this article explains it. ")
    page.locator("#reply-send").click()
    reply = page.locator("#thread .msg-agent").last
    expect(reply).to_contain_text(article)
    expect(reply.locator("a[href*='/portal/help/']")).to_have_count(1)
    _shot(page, "desk-case")

    resolve = page.locator("#resolve-form")
    expect(resolve.locator("input[name=send_csat]")).to_be_checked()
    resolve.locator("button[type=submit]").click()
    expect(page.locator("#case-status")).to_have_attribute("data-status", "resolved")
    expect(page.locator("#case-surveys [data-survey='csat']")).to_be_visible()
    party_url = page.locator("#ctx-identity .card-link").get_attribute("href")
    assert party_url

    survey_token = _survey_token(server, subject)
    customer = browser.new_context(base_url=server.url, locale="en-US")
    try:
        survey = customer.new_page()
        survey.goto(f"/portal/survey/{survey_token}/")
        survey.locator("#survey-form input[name=score][value='5']").check(force=True)
        survey.locator("#survey-form button[type=submit]").click()
        expect(survey.locator("#survey-thanks")).to_be_visible()
    finally:
        customer.close()

    page.goto(party_url)
    trait = page.locator('#party-scores .trait-list li[data-trait="csat.last"]')
    expect(trait.locator(".trait-value")).to_have_text("5")


def _survey_token(server: DemoServer, subject: str) -> str:
    """The survey token the customer's e-mail link carries."""
    return _shell(server, TOKEN % {"subject": subject})
