import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from reservoir.automation import engine
from reservoir.automation.enums import RunStatus, TriggerKind
from reservoir.automation.models import Run, RunStep
from reservoir.automation.tests.factories import RuleFactory
from reservoir.automation.tests.support import drain
from reservoir.automation.triggers import Occurrence
from reservoir.iam.tests.factories import TeamFactory, UserFactory
from reservoir.parties.tests.factories import PartyFactory
from reservoir.todos.models import Todo

pytestmark = pytest.mark.django_db


class _Receiver(BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], bytes]] = []
    status = 200
    answers: list[int] = []  # answered first, in order; then `status`

    def do_POST(self):  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append((dict(self.headers), body))
        answers = type(self).answers
        self.send_response(answers.pop(0) if answers else type(self).status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    _Receiver.received = []
    _Receiver.status = 200
    _Receiver.answers = []
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/hook", _Receiver
    server.shutdown()


def _hook(url):
    return {"type": "webhook", "options": {"url": url, "secret": "s3cret", "timeout": 2}}


def _rule(url, *more):
    return RuleFactory(trigger=TriggerKind.ORDER_PLACED, actions=[_hook(url), *more])


def _order(party, order_id=9):
    return Occurrence(
        TriggerKind.ORDER_PLACED, party.pk, f"order:{order_id}", {"order_id": order_id}
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


def test_webhook_carries_same_idempotency_key_when_retried(receiver):
    url, handler = receiver
    handler.answers = [503]
    _rule(url)
    party = PartyFactory()

    engine.dispatch(_order(party))
    drain(retrying=True)

    run = Run.objects.get()
    keys = [headers["Idempotency-Key"] for headers, _body in handler.received]
    assert run.status == RunStatus.SUCCEEDED
    assert run.attempts == 2
    assert len(keys) == 2
    assert keys[0] == keys[1]
    assert keys[0].startswith(f"{run.pk}-0-")


def test_webhook_idempotency_key_differs_between_runs_and_actions(receiver):
    url, handler = receiver
    _rule(url, _hook(url))
    party = PartyFactory()

    engine.dispatch(_order(party, 1))
    engine.dispatch(_order(party, 2))
    drain()

    keys = [headers["Idempotency-Key"] for headers, _body in handler.received]
    assert len(keys) == 4
    assert len(set(keys)) == 4


def test_webhook_is_called_once_when_a_later_action_fails_and_the_run_retries(receiver):
    url, handler = receiver
    _rule(url, {"type": "escalate", "options": {"to": "manager", "reason": "late"}})
    party = PartyFactory(team=TeamFactory())

    engine.dispatch(_order(party))
    drain(retrying=True)

    run = Run.objects.get()
    assert run.status == RunStatus.FAILED
    assert run.attempts == 4
    assert len(handler.received) == 1
    assert RunStep.objects.filter(run=run).count() == 1


def test_retry_replays_assignment_state_when_webhook_between_failed_once(receiver):
    url, handler = receiver
    handler.answers = [500]
    team = TeamFactory()
    first, _second = UserFactory(team=team), UserFactory(team=team)
    todo = {
        "type": "create_todo",
        "options": {
            "title": "Call",
            "due_in": 1,
            "due_unit": "days",
            "assign_to": "assigned",
            "priority": "normal",
        },
    }
    RuleFactory(
        trigger=TriggerKind.ORDER_PLACED,
        actions=[
            {"type": "assign", "options": {"strategy": "round_robin", "team": team.pk}},
            _hook(url),
            todo,
        ],
    )
    party = PartyFactory()

    engine.dispatch(_order(party))
    drain(retrying=True)

    run = Run.objects.get()
    party.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED
    assert [e["action"] for e in run.log] == ["assign", "webhook", "create_todo"]
    assert [e["attempt"] for e in run.log] == [1, 2, 2]
    assert party.owner_id == first.pk
    assert Todo.objects.get().assignee_id == first.pk
