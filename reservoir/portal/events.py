"""Facts about portal accounts, published after commit."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CustomerSignedIn:
    account_id: int
    party_id: int
    method: str  # password | link


@dataclass(frozen=True)
class CustomerInvited:
    account_id: int
    party_id: int
    by_id: int | None
