"""Market-basket analysis: Apriori frequent itemsets, association rules, next best products.

Our own code (about a hundred lines) instead of mlxtend, which needs pandas one-hot frames:
support is counted on vertical transaction-id bitsets (Python ints), so each candidate costs
one AND and a popcount. Figures match the mlxtend user guide's apriori/association_rules.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations
from typing import Literal

RuleMetric = Literal["support", "confidence", "lift", "leverage", "conviction"]


@dataclass(frozen=True)
class Rule:
    """antecedent → consequent with the usual interest measures (conviction may be inf)."""

    antecedent: frozenset[str]
    consequent: frozenset[str]
    support: float
    confidence: float
    lift: float
    leverage: float
    conviction: float
    antecedent_support: float = 0.0
    consequent_support: float = 0.0


def _tid_bitsets(transactions: Iterable[Iterable[str]]) -> tuple[dict[str, int], int]:
    """item → bitset of the transactions that contain it; and the number of transactions."""
    bits: dict[str, int] = {}
    n = 0
    for n, basket in enumerate(transactions, start=1):
        mask = 1 << (n - 1)
        for item in set(basket):
            bits[item] = bits.get(item, 0) | mask
    return bits, n


def frequent_itemsets(
    transactions: Iterable[Iterable[str]], *, min_support: float, max_len: int | None = None
) -> dict[frozenset[str], float]:
    """Every itemset in at least `min_support` of the transactions, with its support (Apriori).

    Duplicate items within a transaction count once. Empty input gives {}.
    """
    if not 0 < min_support <= 1:
        raise ValueError("min_support must be in (0, 1]")
    bits, n = _tid_bitsets(transactions)
    if n == 0:
        return {}
    need = math.ceil(min_support * n - 1e-9)
    level: dict[tuple[str, ...], int] = {
        (item,): tids for item, tids in sorted(bits.items()) if tids.bit_count() >= need
    }
    result: dict[frozenset[str], float] = {}
    size = 1
    while level:
        result.update({frozenset(k): v.bit_count() / n for k, v in level.items()})
        size += 1
        if max_len is not None and size > max_len:
            break
        keys = sorted(level)
        frequent = set(keys)
        nxt: dict[tuple[str, ...], int] = {}
        for i, left in enumerate(keys):
            for right in keys[i + 1 :]:
                if left[:-1] != right[:-1]:
                    break  # sorted: no later key shares the prefix
                cand = (*left, right[-1])
                if any(sub not in frequent for sub in combinations(cand, size - 1)):
                    continue
                tids = level[left] & level[right]
                if tids.bit_count() >= need:
                    nxt[cand] = tids
        level = nxt
    return result


def _rule(
    antecedent: frozenset[str], consequent: frozenset[str], itemsets: dict[frozenset[str], float]
) -> Rule:
    support = itemsets[antecedent | consequent]
    s_a, s_c = itemsets[antecedent], itemsets[consequent]
    confidence = support / s_a
    conviction = math.inf if confidence >= 1.0 else (1.0 - s_c) / (1.0 - confidence)
    return Rule(
        antecedent=antecedent,
        consequent=consequent,
        support=support,
        confidence=confidence,
        lift=confidence / s_c,
        leverage=support - s_a * s_c,
        conviction=conviction,
        antecedent_support=s_a,
        consequent_support=s_c,
    )


def association_rules(
    itemsets: dict[frozenset[str], float],
    *,
    min_confidence: float = 0.5,
    metric: RuleMetric | None = None,
    min_threshold: float = 0.0,
) -> list[Rule]:
    """All rules A → C from frequent itemsets with confidence ≥ `min_confidence` and, when
    `metric` is given, that measure ≥ `min_threshold` (e.g. metric="lift", min_threshold=1.2).

    Sorted by lift, confidence, support (descending), then by item names.
    """
    rules: list[Rule] = []
    for itemset in itemsets:
        if len(itemset) < 2:
            continue
        items = sorted(itemset)
        for size in range(1, len(items)):
            for ante in combinations(items, size):
                antecedent = frozenset(ante)
                rule = _rule(antecedent, itemset - antecedent, itemsets)
                if rule.confidence >= min_confidence - 1e-12 and (
                    metric is None or getattr(rule, metric) >= min_threshold - 1e-12
                ):
                    rules.append(rule)
    rules.sort(
        key=lambda r: (
            -r.lift,
            -r.confidence,
            -r.support,
            sorted(r.antecedent),
            sorted(r.consequent),
        )
    )
    return rules


@dataclass(frozen=True)
class ItemCooccurrence:
    """Pairwise item supports: the fallback recommender when no rule fires."""

    n: int
    item_support: dict[str, float]
    pair_support: dict[frozenset[str], float]


def item_cooccurrence(transactions: Iterable[Iterable[str]]) -> ItemCooccurrence:
    """Count single items and pairs over the transactions (supports as fractions)."""
    bits, n = _tid_bitsets(transactions)
    if n == 0:
        return ItemCooccurrence(0, {}, {})
    items = sorted(bits)
    pairs: dict[frozenset[str], float] = {}
    for i, left in enumerate(items):
        for right in items[i + 1 :]:
            both = (bits[left] & bits[right]).bit_count()
            if both:
                pairs[frozenset((left, right))] = both / n
    return ItemCooccurrence(n, {k: v.bit_count() / n for k, v in bits.items()}, pairs)


def next_best_products(
    customer_items: set[str],
    rules: Iterable[Rule],
    *,
    exclude_owned: bool = True,
    k: int = 3,
    cooccurrence: ItemCooccurrence | None = None,
) -> list[tuple[str, float, float]]:
    """Up to k (item, lift, confidence) suggestions from rules whose antecedent the customer
    owns, best lift first; filled up from item-to-item co-occurrence when given.
    """
    best: dict[str, tuple[float, float]] = {}
    for rule in rules:
        if not rule.antecedent <= customer_items:
            continue
        for item in rule.consequent:
            if exclude_owned and item in customer_items:
                continue
            if (rule.lift, rule.confidence) > best.get(item, (-math.inf, -math.inf)):
                best[item] = (rule.lift, rule.confidence)
    ranked = sorted(best.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))
    picks = [(item, lift, conf) for item, (lift, conf) in ranked[:k]]
    if len(picks) < k and cooccurrence is not None and cooccurrence.n:
        chosen = {item for item, _, _ in picks}
        extra: dict[str, tuple[float, float]] = {}
        for owned in customer_items:
            s_a = cooccurrence.item_support.get(owned)
            if not s_a:
                continue
            for other, s_c in cooccurrence.item_support.items():
                if other in chosen or (exclude_owned and other in customer_items):
                    continue
                both = cooccurrence.pair_support.get(frozenset((owned, other)), 0.0)
                if both and (both / s_a / s_c, both / s_a) > extra.get(other, (0.0, 0.0)):
                    extra[other] = (both / s_a / s_c, both / s_a)
        more = sorted(extra.items(), key=lambda kv: (-kv[1][0], -kv[1][1], kv[0]))
        picks += [(item, lift, conf) for item, (lift, conf) in more[: k - len(picks)]]
    return picks
