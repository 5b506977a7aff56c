"""Turning domain events into trigger occurrences: (kind, party id, unique event key, data)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from reservoir.automation.enums import TriggerKind
from reservoir.parties.events import PartiesMerged, PartyCreated, PartyUpdated, TraitChanged
from reservoir.sales.events import OrderPlaced
from reservoir.support.events import CaseOpened, CaseResolved, CaseSlaBreached, CaseSlaWarning
from reservoir.timeline.events import InteractionRecorded
from reservoir.todos.events import TodoCompleted


@dataclass(frozen=True)
class Occurrence:
    kind: str
    party_id: int | None
    key: str  # unique per event: the run key is (rule, key)
    data: dict[str, Any]


def occurrence_of(event: object) -> Occurrence | None:  # noqa: PLR0911 - one per event
    """The trigger occurrence an event stands for (None for events automation ignores)."""
    if isinstance(event, PartyCreated):
        return Occurrence(
            TriggerKind.PARTY_CREATED,
            event.party_id,
            f"party:{event.party_id}",
            {"provisional": event.provisional},
        )
    if isinstance(event, PartyUpdated):
        return Occurrence(
            TriggerKind.PARTY_UPDATED,
            event.party_id,
            f"party-upd:{event.party_id}:{uuid.uuid4().hex}",
            {"fields": list(event.fields)},
        )
    if isinstance(event, TraitChanged):
        # The event has no id of its own: each delivery is one occurrence.
        return Occurrence(
            TriggerKind.TRAIT_CHANGED,
            event.party_id,
            f"trait:{event.party_id}:{event.key}:{uuid.uuid4().hex}",
            {"trait": event.key},
        )
    if isinstance(event, PartiesMerged):
        return Occurrence(
            TriggerKind.PARTIES_MERGED, event.survivor_id, f"merge:{event.merge_id}", {}
        )
    if isinstance(event, InteractionRecorded):
        return Occurrence(
            TriggerKind.INTERACTION_RECORDED,
            event.party_id,
            f"interaction:{event.interaction_id}",
            {"channel": event.channel, "interaction_kind": event.kind},
        )
    if isinstance(event, OrderPlaced):
        return Occurrence(
            TriggerKind.ORDER_PLACED,
            event.party_id,
            f"order:{event.order_id}",
            {"order_id": event.order_id},
        )
    if isinstance(event, TodoCompleted):
        return Occurrence(
            TriggerKind.TODO_COMPLETED, event.party_id, f"todo-done:{event.todo_id}", {}
        )
    return _case_occurrence(event)


def _case_occurrence(event: object) -> Occurrence | None:
    """Service events: keys are unique per case (and per SLA target and due time)."""
    if isinstance(event, CaseOpened):
        return Occurrence(
            TriggerKind.CASE_OPENED,
            event.party_id,
            f"case:{event.case_id}",
            {"case_id": event.case_id, "case_type": event.case_type, "priority": event.priority},
        )
    if isinstance(event, CaseSlaWarning | CaseSlaBreached):
        breached = isinstance(event, CaseSlaBreached)
        return Occurrence(
            TriggerKind.CASE_SLA_BREACHED if breached else TriggerKind.CASE_SLA_WARNING,
            event.party_id,
            f"case-sla:{'breach' if breached else 'warn'}:{event.case_id}:{event.target}:"
            f"{event.due_at}",
            {
                "case_id": event.case_id,
                "target": event.target,
                "case_type": event.case_type,
                "priority": event.priority,
            },
        )
    if isinstance(event, CaseResolved):
        return Occurrence(
            TriggerKind.CASE_RESOLVED,
            event.party_id,
            f"case-resolved:{event.case_id}:{uuid.uuid4().hex}",
            {"case_id": event.case_id, "case_type": event.case_type},
        )
    return None


EVENT_TYPES: tuple[type, ...] = (
    PartyCreated,
    PartyUpdated,
    TraitChanged,
    PartiesMerged,
    InteractionRecorded,
    OrderPlaced,
    TodoCompleted,
    CaseOpened,
    CaseSlaWarning,
    CaseSlaBreached,
    CaseResolved,
)
