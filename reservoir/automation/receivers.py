"""Domain events → automation runs (delivered after commit by core.events).

Events of a kind no enabled rule listens to are dropped before the engine, using the
per-process cache in `rule_cache` (no query per event; fresh within about a second).
"""

from __future__ import annotations

import logging

from reservoir.automation import engine, rule_cache
from reservoir.automation.triggers import EVENT_TYPES, occurrence_of
from reservoir.core import events

log = logging.getLogger(__name__)


def on_event(event: object) -> None:
    occ = occurrence_of(event)
    if occ is not None and rule_cache.has_rules(occ.kind):
        engine.dispatch(occ)


def subscribe() -> None:
    rule_cache.connect()
    for event_type in EVENT_TYPES:
        events.subscribe(event_type, on_event)
