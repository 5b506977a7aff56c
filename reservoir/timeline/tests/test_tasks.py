import pytest

from reservoir.timeline.models import Interaction
from reservoir.timeline.tasks import ingest_interaction

pytestmark = pytest.mark.django_db


def test_ingest_task_is_idempotent_when_run_twice():
    payload = {
        "channel": "sms",
        "direction": "inbound",
        "contact_value": "13800138000",
        "body": "hi",
        "occurred_at": "2026-11-20T10:00:00+08:00",
    }

    first = ingest_interaction.call(payload)
    second = ingest_interaction.call(payload)

    assert first > 0
    assert second == 0
    assert Interaction.objects.count() == 1


def test_ingest_task_uses_external_id_when_given():
    payload = {
        "channel": "email",
        "direction": "inbound",
        "contact_value": "a@b.com",
        "source": "imap",
        "external_id": "<m1@x>",
    }

    first = ingest_interaction.call(payload)
    second = ingest_interaction.call(payload)

    assert first == second
    assert Interaction.objects.count() == 1
