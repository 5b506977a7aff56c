"""Facts about parties, published after commit."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PartyCreated:
    party_id: int
    provisional: bool


@dataclass(frozen=True)
class PartyUpdated:
    party_id: int
    fields: tuple[str, ...]


@dataclass(frozen=True)
class TraitChanged:
    party_id: int
    key: str
