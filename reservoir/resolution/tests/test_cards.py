"""The trade-show scenario at test size: cards against a seeded base with known truth."""

import pytest

from reservoir.demo import cards
from reservoir.resolution.matchindex import rebuild_match_index
from reservoir.resolution.matching import find_duplicates
from reservoir.resolution.selectors import match_record

pytestmark = pytest.mark.django_db


def test_cards_are_matched_with_precision_and_recall_of_95_percent_when_seeded():
    scenario = cards.generate(n_base=1_000, n_cards=300, seed=11)
    party_ids = cards.load_base(scenario)
    rebuild_match_index()

    links, within, errors = cards.evaluate(
        scenario,
        party_ids,
        lambda record: match_record(record, limit=1),
        lambda records: [(a, b) for a, b, _r in find_duplicates(records, threshold=0.6)],
    )

    total = links + within
    assert within.tp > 0
    assert links.tp > 100
    assert total.precision >= 0.95, errors[:10]
    assert total.recall >= 0.95, errors[:10]
