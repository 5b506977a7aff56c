import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from reservoir.automation import engine
from reservoir.automation.enums import RunStatus, TriggerKind
from reservoir.automation.models import Run
from reservoir.automation.tests.factories import RuleFactory
from reservoir.automation.tests.support import drain
from reservoir.automation.triggers import Occurrence
from reservoir.parties.tests.factories import PartyFactory

pytestmark = pytest.mark.django_db


class _Receiver(BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], bytes]] = []
    status = 200

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((dict(self.headers), body))
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    _Receiver.received = []
    _Receiver.status = 200
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", _Receiver
    server.shutdown()


def _rule(url):
    return RuleFactory(
        trigger=TriggerKind.ORDER_PLACED,
        actions=[{"type": "webhook", "options": {"url": url, "secret": "s3cret", "timeout": 2}}],
    )


def test_webhook_body_is_hmac_signed_and_answer_recorded(receiver):
    url, handler = receiver
    _rule(url)
    party = PartyFactory()

    engine.dispatch(Occurrence(TriggerKind.ORDER_PLACED, party.pk, "order:9", {"order_id": 9}))
    drain()

    headers, body = handler.received[0]
    expected = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    run = Run.objects.get()
    assert headers["X-Reservoir-Signature"] == expected
    assert json.loads(body)["event"]["order_id"] == 9
    assert run.status == RunStatus.SUCCEEDED
    assert run.log[0]["message"] == "Webhook answered 200."


def test_webhook_error_answer_makes_run_retry(receiver):
    url, handler = receiver
    handler.status = 500
    _rule(url)
    party = PartyFactory()

    engine.dispatch(Occurrence(TriggerKind.ORDER_PLACED, party.pk, "order:9", {"order_id": 9}))
    drain()

    run = Run.objects.get()
    assert run.status == RunStatus.RETRYING
    assert "500" in run.error
