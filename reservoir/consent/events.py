"""Facts about consent, published after commit."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ConsentChanged:
    party_id: int
    channel: str
    purpose: str
    status: str
    source: str
