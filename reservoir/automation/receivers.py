"""Domain events → automation runs (delivered after commit by core.events).

Events of a kind no enabled rule listens to are dropped before the engine, using the
per-process cache in `rule_cache` (no query per event; fresh within about a second).
Interactions automation itself recorded (its emails to customers) are dropped too: a rule
"when an interaction is recorded, email the customer" would otherwise answer its own email
until the loop guard stopped it, several emails later.
"""

from __future__ import annotations

import logging

from reservoir.automation import engine, rule_cache
from reservoir.automation.enums import TIMELINE_SOURCE
from reservoir.automation.triggers import EVENT_TYPES, occurrence_of
from reservoir.core import events
from reservoir.timeline.events import InteractionRecorded
from reservoir.timeline.models import Interaction

log = logging.getLogger(__name__)


def on_event(event: object) -> None:
    occ = occurrence_of(event)
    if occ is None or not rule_cache.has_rules(occ.kind):
        return
    if isinstance(event, InteractionRecorded) and _recorded_by_automation(event.interaction_id):
        return
    engine.dispatch(occ)


def _recorded_by_automation(interaction_id: int) -> bool:
    """One indexed lookup, made only when some rule listens to recorded interactions."""
    return Interaction.objects.filter(pk=interaction_id, source=TIMELINE_SOURCE).exists()


def subscribe() -> None:
    rule_cache.connect()
    for event_type in EVENT_TYPES:
        events.subscribe(event_type, on_event)
