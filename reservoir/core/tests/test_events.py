from dataclasses import dataclass

import pytest
from django.db import transaction

from reservoir.core import events


@dataclass(frozen=True)
class Pinged:
    n: int


@pytest.mark.django_db(transaction=True)
def test_event_is_delivered_after_commit_and_not_on_rollback():
    received: list[int] = []
    events.subscribe(Pinged, lambda e: received.append(e.n))

    with transaction.atomic():
        events.publish(Pinged(1))
        assert received == []
    with pytest.raises(RuntimeError), transaction.atomic():
        events.publish(Pinged(2))
        raise RuntimeError("rollback")

    assert received == [1]


@pytest.mark.django_db(transaction=True)
def test_failing_handler_does_not_stop_the_others():
    received: list[int] = []

    def broken(_e):
        raise ValueError("boom")

    events.subscribe(Pinged, broken)
    events.subscribe(Pinged, lambda e: received.append(e.n))

    events.publish(Pinged(3))

    assert 3 in received
