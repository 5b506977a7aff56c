"""Facts about to-dos, published after commit."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TodoCreated:
    todo_id: int
    party_id: int | None
    assignee_id: int | None


@dataclass(frozen=True)
class TodoCompleted:
    todo_id: int
    party_id: int | None
