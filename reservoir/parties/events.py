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


@dataclass(frozen=True)
class PartiesMerged:
    """`merged_id` was absorbed by `survivor_id`; apps above move their rows to the survivor."""

    merge_id: int
    survivor_id: int
    merged_id: int


@dataclass(frozen=True)
class PartiesUnmerged:
    """A merge was undone; apps above move back exactly the rows they moved for it."""

    merge_id: int
    survivor_id: int
    restored_id: int


@dataclass(frozen=True)
class PartiesImported:
    """A bulk import committed one chunk: `party_ids` were created by import job `job_id`,
    tagged `source`. Published once per chunk instead of one PartyCreated per party."""

    job_id: int
    party_ids: tuple[int, ...]
    source: str
