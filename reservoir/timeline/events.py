"""Facts about the contact repository, published after commit."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InteractionRecorded:
    interaction_id: int
    party_id: int
    channel: str
    kind: str


@dataclass(frozen=True)
class InteractionsIngested:
    """A batch landed; one event per batch so a 10,000-row load does not fan out 10,000 pushes."""

    party_ids: tuple[int, ...]
    count: int
