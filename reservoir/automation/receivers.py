"""Domain events → automation runs (delivered after commit by core.events)."""

from __future__ import annotations

import logging

from reservoir.automation import engine
from reservoir.automation.triggers import EVENT_TYPES, occurrence_of
from reservoir.core import events

log = logging.getLogger(__name__)


def on_event(event: object) -> None:
    occ = occurrence_of(event)
    if occ is not None:
        engine.dispatch(occ)


def subscribe() -> None:
    for event_type in EVENT_TYPES:
        events.subscribe(event_type, on_event)
