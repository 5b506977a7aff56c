"""Events of the analytics app."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WarehouseRefreshed:
    """A warehouse refresh finished and its generation is live (published after commit)."""

    run_id: int
    full: bool = False
