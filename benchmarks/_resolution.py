"""The measured parts of the identity-resolution benchmark (Django must be set up)."""

from __future__ import annotations

import os
import random
import time
from typing import Any

from benchmarks._measure import percentile

Figures = dict[str, tuple[float, str, int]]


def cards_part(n_base: int, n_cards: int) -> Figures:
    """Trade-show cards against a seeded base: precision and recall of the import's matching."""
    from django.conf import settings

    from reservoir.demo import cards
    from reservoir.resolution.matchindex import rebuild_match_index
    from reservoir.resolution.matching import find_duplicates
    from reservoir.resolution.selectors import get_matcher, match_record

    t0 = time.perf_counter()
    scenario = cards.generate(n_base=n_base, n_cards=n_cards, seed=2026)
    party_ids = cards.load_base(scenario)
    _analyze()
    t1 = time.perf_counter()
    keys = rebuild_match_index()
    t2 = time.perf_counter()
    review = settings.RESOLUTION_REVIEW_THRESHOLD
    links, within, errors = cards.evaluate(
        scenario,
        party_ids,
        lambda record: match_record(record, limit=1),
        lambda records: [
            (a, b) for a, b, _r in find_duplicates(records, matcher=get_matcher(), threshold=review)
        ],
    )
    t3 = time.perf_counter()
    total = links + within
    if os.environ.get("SHOW_ERRORS"):
        for err in errors[: int(os.environ["SHOW_ERRORS"])]:
            print("#", err)
    return {
        "cards_base_parties": (n_base, "count", 0),
        "cards_count": (n_cards, "count", 0),
        "cards_precision": (total.precision, "ratio", 4),
        "cards_recall": (total.recall, "ratio", 4),
        "cards_f1": (_f1(total.precision, total.recall), "ratio", 4),
        "cards_link_precision": (links.precision, "ratio", 4),
        "cards_link_recall": (links.recall, "ratio", 4),
        "cards_within_precision": (within.precision, "ratio", 4),
        "cards_within_recall": (within.recall, "ratio", 4),
        "cards_within_true_pairs": (within.tp + within.fn, "count", 0),
        "cards_load_seconds": (t1 - t0, "s", 1),
        "match_index_rebuild_10k_seconds": (t2 - t1, "s", 2),
        "match_index_keys_10k": (keys, "count", 0),
        "cards_match_seconds": (t3 - t2, "s", 1),
    }


def _analyze() -> None:
    """Refresh the planner's statistics after a bulk load (PostgreSQL; SQLite plans fine)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def speed_part(n_base: int, probes: int) -> Figures:
    """One new record against `n_base` parties: p50/p95 of `match_record`."""
    from reservoir.demo import cards
    from reservoir.resolution.matchindex import rebuild_match_index
    from reservoir.resolution.selectors import match_record

    t0 = time.perf_counter()
    scenario = cards.generate(n_base=n_base, n_cards=probes + 100, seed=7)
    party_ids = cards.load_base(scenario)
    _analyze()
    t1 = time.perf_counter()
    keys = rebuild_match_index()
    t2 = time.perf_counter()
    probes_cards = list(scenario.cards)
    random.Random(3).shuffle(probes_cards)
    timings: list[float] = []
    found = 0
    links = cards.Counts()
    for i, card in enumerate(probes_cards):
        record = cards.card_record(card)
        start = time.perf_counter()
        result = match_record(record, limit=5)
        ms = (time.perf_counter() - start) * 1000
        if i < 100:  # the first hundred warm caches and connections up
            continue
        timings.append(ms)
        found += bool(result)
        got, want = (result[0].party_id if result else None), party_ids.get(card.ident)
        links.tp += got is not None and got == want
        links.fp += got is not None and got != want
        links.fn += want is not None and got != want
    label = f"{n_base // 1000}k"
    out: dict[str, Any] = {
        "match_base_parties": (n_base, "count", 0),
        "match_base_load_seconds": (t1 - t0, "s", 1),
        f"match_index_rebuild_{label}_seconds": (t2 - t1, "s", 2),
        f"match_index_keys_{label}": (keys, "count", 0),
        "match_one_p50_ms": (percentile(timings, 50), "ms", 2),
        "match_one_p95_ms": (percentile(timings, 95), "ms", 2),
        "match_one_max_ms": (max(timings), "ms", 2),
        "match_one_with_candidates": (found / len(timings), "ratio", 3),
        f"cards_{label}_link_precision": (links.precision, "ratio", 4),
        f"cards_{label}_link_recall": (links.recall, "ratio", 4),
        "host_load_1m": (os.getloadavg()[0], "load", 2),
    }
    return out
