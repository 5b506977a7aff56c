"""Domain events: frozen dataclasses published inside a transaction, delivered after commit.

`publish(event)` registers the delivery with `transaction.on_commit`, so receivers never see
a fact whose transaction rolled back. Receivers subscribe in their app's `AppConfig.ready()`.
A failing receiver is logged and does not stop the others.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import transaction

logger = logging.getLogger(__name__)

E = TypeVar("E")
Handler = Callable[[Any], None]

_handlers: dict[type, list[Handler]] = defaultdict(list)


def subscribe(event_type: type[E], handler: Callable[[E], None]) -> None:
    """Register `handler` for `event_type`; registering the same handler twice is a no-op."""
    if handler not in _handlers[event_type]:
        _handlers[event_type].append(handler)


def publish(event: object, *, using: str | None = None) -> None:
    """Deliver `event` to its subscribers after the current transaction commits.

    Outside a transaction the event is delivered at once.
    """
    transaction.on_commit(lambda: _deliver(event), using=using, robust=False)


def _deliver(event: object) -> None:
    for handler in list(_handlers.get(type(event), ())):
        try:
            handler(event)
        except Exception:
            logger.exception("event handler %r failed for %r", handler, event)
