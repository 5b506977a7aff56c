"""RFM quantile scores (robust to ties) and the R × FM segment grid."""

from __future__ import annotations

import numpy as np
import pytest

from reservoir.analytics.clv import rfm


def test_quintiles_of_distinct_values():
    r, f, m = rfm.rfm_scores(range(1, 11), range(1, 11), range(10, 0, -1))
    assert r.tolist() == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]  # fewer days since last purchase = better
    assert f.tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert m.tolist() == [5, 5, 4, 4, 3, 3, 2, 2, 1, 1]


def test_ties_share_a_score_and_zeros_score_one():
    scores = rfm.quantile_scores([0, 0, 0, 0, 0, 0, 3, 5, 8, 9])
    assert scores.tolist() == [1, 1, 1, 1, 1, 1, 4, 4, 5, 5]
    assert rfm.quantile_scores([7, 7, 7]).tolist() == [1, 1, 1]
    assert rfm.quantile_scores([3, 1, 2], bins=3).tolist() == [3, 1, 2]
    assert rfm.quantile_scores([]).tolist() == []


@pytest.mark.parametrize(
    ("scores", "segment"),
    [
        ((5, 5, 5), "champions"),
        ((4, 4, 5), "champions"),
        ((5, 1, 1), "new"),
        ((4, 1, 1), "promising"),
        ((4, 1, 2), "potential_loyalist"),  # FM = round half up of 1.5 = 2
        ((3, 4, 4), "loyal"),
        ((3, 3, 3), "need_attention"),
        ((3, 1, 1), "about_to_sleep"),
        ((2, 3, 4), "at_risk"),
        ((1, 5, 5), "cannot_lose"),
        ((2, 2, 1), "hibernating"),
        ((1, 1, 1), "lost"),
    ],
)
def test_segments(scores, segment):
    assert rfm.rfm_segment(*scores) == segment


def test_segments_vectorised_and_labelled():
    codes = rfm.rfm_segment(np.array([5, 1]), np.array([5, 1]), np.array([5, 1]))
    assert codes.tolist() == ["champions", "lost"]
    used = {code for row in rfm.SEGMENT_GRID for code in row}
    assert used == set(rfm.SEGMENT_LABELS)
    assert str(rfm.SEGMENT_LABELS["cannot_lose"]) == "Cannot lose them"


def test_bad_scores_are_rejected():
    with pytest.raises(ValueError):
        rfm.rfm_segment(0, 3, 3)
    with pytest.raises(ValueError):
        rfm.rfm_scores([1, 2], [1], [1, 2])
