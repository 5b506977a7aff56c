"""Apriori and association rules on the mlxtend user guide's five-transaction example."""

from __future__ import annotations

import math

import pytest

from reservoir.analytics.clv import basket

DATASET = [
    ["Milk", "Onion", "Nutmeg", "Kidney Beans", "Eggs", "Yogurt"],
    ["Dill", "Onion", "Nutmeg", "Kidney Beans", "Eggs", "Yogurt"],
    ["Milk", "Apple", "Kidney Beans", "Eggs"],
    ["Milk", "Unicorn", "Corn", "Kidney Beans", "Yogurt"],
    ["Corn", "Onion", "Onion", "Kidney Beans", "Ice cream", "Eggs"],
]
TRANSACTIONS = [set(t) for t in DATASET]


def fs(*items: str) -> frozenset[str]:
    return frozenset(items)


def test_frequent_itemsets_at_06():
    itemsets = basket.frequent_itemsets(TRANSACTIONS, min_support=0.6)
    assert itemsets == pytest.approx(
        {
            fs("Eggs"): 0.8,
            fs("Kidney Beans"): 1.0,
            fs("Milk"): 0.6,
            fs("Onion"): 0.6,
            fs("Yogurt"): 0.6,
            fs("Eggs", "Kidney Beans"): 0.8,
            fs("Eggs", "Onion"): 0.6,
            fs("Kidney Beans", "Milk"): 0.6,
            fs("Kidney Beans", "Onion"): 0.6,
            fs("Kidney Beans", "Yogurt"): 0.6,
            fs("Eggs", "Kidney Beans", "Onion"): 0.6,
        }
    )
    assert basket.frequent_itemsets(DATASET, min_support=0.6) == itemsets  # lists, duplicates
    assert len(basket.frequent_itemsets(TRANSACTIONS, min_support=0.6, max_len=1)) == 5
    assert basket.frequent_itemsets([], min_support=0.5) == {}


def _table(rules: list[basket.Rule]) -> dict[tuple[frozenset[str], frozenset[str]], tuple]:
    return {
        (r.antecedent, r.consequent): (
            round(r.antecedent_support, 2),
            round(r.consequent_support, 2),
            round(r.support, 2),
            round(r.confidence, 2),
            round(r.lift, 2),
            round(r.leverage, 2),
            r.conviction if math.isinf(r.conviction) else round(r.conviction, 2),
        )
        for r in rules
    }


INF = math.inf


def test_rules_confidence_07_match_mlxtend_guide():
    itemsets = basket.frequent_itemsets(TRANSACTIONS, min_support=0.6)
    rules = basket.association_rules(itemsets, min_confidence=0.7)
    assert _table(rules) == {
        (fs("Kidney Beans"), fs("Eggs")): (1.0, 0.8, 0.8, 0.8, 1.0, 0.0, 1.0),
        (fs("Eggs"), fs("Kidney Beans")): (0.8, 1.0, 0.8, 1.0, 1.0, 0.0, INF),
        (fs("Eggs"), fs("Onion")): (0.8, 0.6, 0.6, 0.75, 1.25, 0.12, 1.6),
        (fs("Onion"), fs("Eggs")): (0.6, 0.8, 0.6, 1.0, 1.25, 0.12, INF),
        (fs("Milk"), fs("Kidney Beans")): (0.6, 1.0, 0.6, 1.0, 1.0, 0.0, INF),
        (fs("Onion"), fs("Kidney Beans")): (0.6, 1.0, 0.6, 1.0, 1.0, 0.0, INF),
        (fs("Yogurt"), fs("Kidney Beans")): (0.6, 1.0, 0.6, 1.0, 1.0, 0.0, INF),
        (fs("Eggs", "Kidney Beans"), fs("Onion")): (0.8, 0.6, 0.6, 0.75, 1.25, 0.12, 1.6),
        (fs("Eggs", "Onion"), fs("Kidney Beans")): (0.6, 1.0, 0.6, 1.0, 1.0, 0.0, INF),
        (fs("Kidney Beans", "Onion"), fs("Eggs")): (0.6, 0.8, 0.6, 1.0, 1.25, 0.12, INF),
        (fs("Eggs"), fs("Kidney Beans", "Onion")): (0.8, 0.6, 0.6, 0.75, 1.25, 0.12, 1.6),
        (fs("Onion"), fs("Eggs", "Kidney Beans")): (0.6, 0.8, 0.6, 1.0, 1.25, 0.12, INF),
    }
    assert len(rules) == 12
    assert [round(r.lift, 2) for r in rules[:6]] == [1.25] * 6  # best lift first


def test_rules_lift_12_match_mlxtend_guide():
    itemsets = basket.frequent_itemsets(TRANSACTIONS, min_support=0.6)
    rules = basket.association_rules(itemsets, min_confidence=0.0, metric="lift", min_threshold=1.2)
    assert set(_table(rules)) == {
        (fs("Eggs"), fs("Onion")),
        (fs("Onion"), fs("Eggs")),
        (fs("Eggs", "Kidney Beans"), fs("Onion")),
        (fs("Kidney Beans", "Onion"), fs("Eggs")),
        (fs("Eggs"), fs("Kidney Beans", "Onion")),
        (fs("Onion"), fs("Eggs", "Kidney Beans")),
    }
    onion_eggs = next(
        r for r in rules if r.antecedent == fs("Onion") and r.consequent == fs("Eggs")
    )
    assert (onion_eggs.support, onion_eggs.confidence) == pytest.approx((0.6, 1.0))
    assert onion_eggs.lift == pytest.approx(1.25)


def test_next_best_products_from_rules_and_cooccurrence():
    itemsets = basket.frequent_itemsets(TRANSACTIONS, min_support=0.6)
    rules = basket.association_rules(itemsets, min_confidence=0.7)
    picks = basket.next_best_products({"Onion"}, rules)
    assert [item for item, _, _ in picks] == ["Eggs", "Kidney Beans"]
    assert picks[0][1:] == pytest.approx((1.25, 1.0))
    assert basket.next_best_products({"Onion", "Eggs"}, rules, k=1) == [
        ("Kidney Beans", pytest.approx(1.25), pytest.approx(1.0))  # via Onion → {Eggs, KB}
    ]
    owned = basket.next_best_products({"Onion"}, rules, exclude_owned=False, k=5)
    assert "Onion" not in [item for item, _, _ in owned]  # no rule predicts what fired it
    # Apple is in no frequent itemset: fall back to co-occurrence (lift = 1 / support here)
    co = basket.item_cooccurrence(TRANSACTIONS)
    assert basket.next_best_products({"Apple"}, rules) == []
    fallback = basket.next_best_products({"Apple"}, rules, k=2, cooccurrence=co)
    assert [item for item, _, _ in fallback] == ["Milk", "Eggs"]
    assert fallback[0][1:] == pytest.approx((1 / 0.6, 1.0))


def test_bad_support_is_rejected():
    with pytest.raises(ValueError):
        basket.frequent_itemsets(TRANSACTIONS, min_support=0)
