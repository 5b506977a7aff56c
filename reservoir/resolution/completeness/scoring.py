"""Presence rows (which catalogue fields each party has filled) and the score they give.

A score is 100 × (sum of the weights of the filled fields that apply to the party's kind) /
(sum of the weights of every field that applies), rounded half up; a kind with no weighted
field scores 100 (nothing is expected of it).

Speed (100,000 parties must rescore in seconds): a party's filled fields travel as a bit
mask (bit i = catalogue field i). The party query returns the mask of its own columns
computed by SQL, related fields come from one scan each, the rows are read with a plain
cursor (the ORM's per-value converters cost more than the query), and a `Scorer` scores
each distinct (kind, mask) once — a base has a few hundred of them.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from functools import reduce
from operator import add
from typing import Any

from django.db import connection
from django.db.models import Case, QuerySet, Value, When

from reservoir.parties.enums import PartyStatus
from reservoir.parties.models import Party
from reservoir.resolution.completeness.fields import FIELDS, FieldSpec, RelatedTest
from reservoir.resolution.completeness.weights import Weights

TRAIT_KEY = "completeness"
FETCH = 5000


@dataclass(frozen=True, slots=True)
class Presence:
    """One party's filled fields (a mask), with what the gap report groups by."""

    party_id: int
    kind: str
    owner_id: int | None
    source: str
    mask: int

    @property
    def filled(self) -> frozenset[str]:
        return frozenset(f.key for f in FIELDS if self.mask & f.bit)


@dataclass(frozen=True)
class Score:
    score: int
    missing: tuple[str, ...]  # field keys, heaviest first

    def trait_value(self) -> dict[str, object]:
        """The value stored in the party's `completeness` trait."""
        return {"score": self.score, "missing": list(self.missing)}


def _mask_expression(fields: list[FieldSpec]) -> Case | Value:
    """SQL for the sum of the bits of the `fields` a party row has filled."""
    parts = [Case(When(f.test.condition(), then=Value(f.bit)), default=Value(0)) for f in fields]
    if not parts:
        return Value(0)
    return reduce(add, parts)  # type: ignore[no-any-return]


def presence_rows(qs: QuerySet[Party], *, bulk: bool = True) -> Iterator[Presence]:
    """Stream the presence of every field for the parties of `qs`.

    `bulk` (for many parties): one scan per related field, then the party rows — ten
    queries whatever the count. Otherwise (one or a few parties): one query with an EXISTS
    per related field.
    """
    related = [f for f in FIELDS if isinstance(f.test, RelatedTest)] if bulk else []
    inline = [f for f in FIELDS if f not in related]
    held: dict[int, int] = {}
    for f in related:
        if isinstance(f.test, RelatedTest):
            bit = f.bit
            for pk in f.test.holders(qs):
                held[pk] = held.get(pk, 0) | bit
    rows = (
        qs.order_by()
        .annotate(filled_mask=_mask_expression(inline))
        .values_list("pk", "kind", "owner_id", "source", "filled_mask")
    )
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(FETCH):
            for pk, kind, owner_id, source, mask in chunk:
                yield Presence(pk, kind, owner_id, source, int(mask) | held.get(pk, 0))


class Scorer:
    """Scores (kind, mask) pairs with one set of weights, each distinct pair once."""

    def __init__(self, weights: Weights) -> None:
        self.weights = weights
        self._counted = {}
        for kind in ("person", "organization"):
            self._counted[kind] = sorted(
                ((FIELDS_BY_KEY_BIT[w.key], w.key, w.weight) for w in weights.for_kind(kind)),
                key=lambda item: -item[2],
            )
        self._cache: dict[tuple[str, int], Score] = {}

    def counted(self, kind: str) -> list[tuple[int, str, int]]:
        """(bit, key, weight) of the fields that count for `kind`, heaviest first."""
        return self._counted.get(kind, [])

    def score(self, kind: str, mask: int) -> Score:
        key = (kind, mask)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = _score(self.counted(kind), mask)
        return cached


FIELDS_BY_KEY_BIT: dict[str, int] = {f.key: f.bit for f in FIELDS}


def _score(counted: list[tuple[int, str, int]], mask: int) -> Score:
    total = sum(weight for _bit, _key, weight in counted)
    if total == 0:
        return Score(100, ())
    got = sum(weight for bit, _key, weight in counted if mask & bit)
    missing = tuple(key for bit, key, _weight in counted if not mask & bit)
    # Half up, in integers: 100·got/total rounded, without float or banker's rounding.
    return Score((200 * got + total) // (2 * total), missing)


_SENTINEL = -987_654_321  # stands for the party id in the cached single-party query


@functools.cache
def _single_party_sql() -> tuple[str, tuple[Any, ...]]:
    """The one-party presence query, compiled once: with fifteen EXISTS and CASE terms,
    compiling it costs ten times more than running it."""
    qs = Party.objects.filter(pk=_SENTINEL).exclude(status=PartyStatus.MERGED)
    rows = qs.annotate(filled_mask=_mask_expression(list(FIELDS))).values_list(
        "pk", "kind", "owner_id", "source", "filled_mask"
    )
    sql, params = rows.query.sql_with_params()
    return sql, tuple(params)


def presence_of(party_id: int) -> Presence | None:
    """The presence of one party that is not merged (one query), or None."""
    sql, params = _single_party_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [party_id if p == _SENTINEL else p for p in params])
        row = cursor.fetchone()
    if row is None:
        return None
    pk, kind, owner_id, source, mask = row
    return Presence(pk, kind, owner_id, source, int(mask))
