"""Browser journeys against a real `reservoir demo` server, driven by Playwright + chromium.

`server` starts the README's demo command in a fresh data folder (embedded SQLite) and stops
it with Ctrl-C at the end of the session; `browser` is Debian's chromium; `login(username)`
opens a new browser context signed in as a demo user. On failure, every page a test opened
is screenshotted into a temporary folder (the path is printed in the failure report); the
server's output is kept in reservoir-e2e-server.log in the temporary folder.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, expect, sync_playwright

REPO = Path(__file__).resolve().parents[2]
START_TIMEOUT = 240.0
STOP_TIMEOUT = 20.0
RUNNING = re.compile(r"Reservoir is running at (\S+)")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT_DIR = Path(tempfile.gettempdir()) / "reservoir-e2e-screenshots"
SERVER_LOG = Path(tempfile.gettempdir()) / "reservoir-e2e-server.log"

expect.set_options(timeout=10_000)


@dataclass
class DemoServer:
    """A running `reservoir demo`: its base URL, process and everything it printed."""

    url: str
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)

    def output(self) -> str:
        return "".join(self.lines)

    def absolute(self, path: str) -> str:
        return self.url.rstrip("/") + path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own server
            return bool(response.status < 500)
    except urllib.error.HTTPError as exc:
        return exc.code < 500
    except OSError:
        return False


def _kill_group(process: subprocess.Popen[str]) -> None:
    """Last resort: the demo and the children it started share the session we created."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def server() -> Iterator[DemoServer]:
    """`python -m reservoir.cli demo --port N` in a fresh data folder; Ctrl-C at the end."""
    data_dir = Path(tempfile.mkdtemp(prefix="reservoir-e2e-data-"))
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(RESERVOIR_DATA_DIR=str(data_dir), PYTHONUNBUFFERED="1", DEBUG="false")
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "reservoir.cli", "demo", "--port", str(port)],
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
        start_new_session=True,
    )
    demo = DemoServer(url="", process=process)
    running = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            demo.lines.append(line)
            if match := RUNNING.search(line):
                demo.url = match.group(1)
                running.set()

    reader = threading.Thread(target=read, name="reservoir-demo-output", daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not running.wait(0.5):
            if process.poll() is not None or time.monotonic() > deadline:
                break
        while running.is_set() and process.poll() is None and time.monotonic() < deadline:
            if _answers(demo.absolute("/accounts/login/")):
                break
            time.sleep(0.5)
        else:
            state = "exited" if process.poll() is not None else "timed out"
            pytest.fail(
                f"`reservoir demo` {state} before answering within {START_TIMEOUT:.0f}s "
                f"(exit code {process.poll()}). Its output:\n{demo.output()}",
                pytrace=False,
            )
        yield demo
    except BaseException:
        if process.poll() is None:
            _kill_group(process)
        shutil.rmtree(data_dir, ignore_errors=True)
        raise

    process.send_signal(signal.SIGINT)
    try:
        code = process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        _kill_group(process)
        pytest.fail(
            f"`reservoir demo` did not stop within {STOP_TIMEOUT:.0f}s of Ctrl-C. Its output:\n"
            f"{demo.output()}",
            pytrace=False,
        )
    reader.join(timeout=5)
    shutil.rmtree(data_dir, ignore_errors=True)
    SERVER_LOG.write_text(demo.output())
    assert "Reservoir stopped." in demo.output(), demo.output()
    assert code == 0, f"exit code {code}; output:\n{demo.output()}"


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    executable = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def demo_passwords() -> dict[str, str]:
    from reservoir.demo.loader import demo_logins

    return {username: password for username, password, _role in demo_logins()}


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def contexts(browser: Browser, request: pytest.FixtureRequest) -> Iterator[list[BrowserContext]]:
    """The browser contexts a test opens; screenshotted if the test fails, then closed."""
    opened: list[BrowserContext] = []
    yield opened
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        for c, context in enumerate(opened):
            for p, page in enumerate(context.pages):
                path = SCREENSHOT_DIR / f"{request.node.name}-{c}-{p}.png"
                try:
                    page.screenshot(path=str(path), full_page=True)
                except Exception as exc:
                    print(f"screenshot failed: {exc}")
                else:
                    print(f"screenshot: {path} ({page.url})")
    for context in opened:
        context.close()


@pytest.fixture
def login(
    server: DemoServer, browser: Browser, contexts: list[BrowserContext], demo_passwords
) -> Callable[[str], Page]:
    """`login("sales")` → a page in a new browser context, signed in, on the dashboard."""

    def sign_in(username: str) -> Page:
        context = browser.new_context(base_url=server.url, locale="en-US")
        contexts.append(context)
        page = context.new_page()
        page.goto("/accounts/login/")
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(demo_passwords[username])
        page.locator('form[action="/accounts/login/"] button[type=submit]').click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
        expect(page.locator("#global-search")).to_be_visible()
        # Demo staff may prefer Chinese; the journeys start in English (the browser's locale).
        if page.locator("html").get_attribute("lang") != "en":
            page.locator("#language-select").select_option("en")
            expect(page.locator("html")).to_have_attribute("lang", "en")
        return page

    return sign_in
