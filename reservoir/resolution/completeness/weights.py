"""The effective weights: the catalogue's defaults overlaid with the configured rows."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from reservoir.resolution.completeness.fields import FIELDS, applies
from reservoir.resolution.models.completeness import CompletenessWeight

MAX_WEIGHT = 100


@dataclass(frozen=True)
class Weight:
    key: str
    weight: int
    applies_to: str


@dataclass(frozen=True)
class Weights:
    """Every catalogue field's weight, in catalogue order."""

    items: tuple[Weight, ...]

    def for_kind(self, kind: str) -> list[Weight]:
        """The fields that count for a party of `kind` (weight above zero)."""
        return [w for w in self.items if w.weight > 0 and applies(w.applies_to, kind)]

    def total(self, kind: str) -> int:
        return sum(w.weight for w in self.for_kind(kind))

    def by_key(self) -> dict[str, Weight]:
        return {w.key: w for w in self.items}

    @property
    def version(self) -> str:
        """A short digest of the weights, stored with each score (trait model_version)."""
        text = ";".join(f"{w.key}={w.weight}/{w.applies_to}" for w in self.items)
        return "w-" + hashlib.sha256(text.encode()).hexdigest()[:10]


def defaults() -> Weights:
    return Weights(tuple(Weight(f.key, f.default_weight, f.default_applies) for f in FIELDS))


def from_mapping(values: Mapping[str, tuple[int, str]]) -> Weights:
    """Weights from {key: (weight, applies_to)}; keys not given keep their defaults."""
    base = defaults().by_key()
    return Weights(
        tuple(Weight(f.key, *values[f.key]) if f.key in values else base[f.key] for f in FIELDS)
    )


def get_weights() -> Weights:
    """The weights in force (one query)."""
    rows = CompletenessWeight.objects.values_list("field_key", "weight", "applies_to")
    return from_mapping({key: (weight, applies_to) for key, weight, applies_to in rows})
