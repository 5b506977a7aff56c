"""Needs segments: k-means on category mix recovers well-separated groups."""

from __future__ import annotations

import numpy as np
import pytest

from reservoir.analytics.clv import needs

CENTRES = np.array(
    [
        [0.7, 0.1, 0.1, 0.05, 0.05],
        [0.05, 0.7, 0.05, 0.1, 0.1],
        [0.1, 0.05, 0.7, 0.1, 0.05],
        [0.05, 0.1, 0.05, 0.1, 0.7],
    ]
)
SIZES = (80, 60, 40, 20)


def _mix(seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    truth = np.repeat(np.arange(4), SIZES)
    rows = CENTRES[truth] + rng.normal(0, 0.02, (len(truth), 5))
    rows = np.clip(rows, 0, None)
    order = rng.permutation(len(truth))
    return (rows / rows.sum(axis=1, keepdims=True))[order], truth[order]


def test_silhouette_picks_the_four_groups_and_labels_by_size():
    mix, truth = _mix()
    labels, centroids, k = needs.needs_segments(mix)
    assert k == 4
    # labels are renumbered largest first, so they equal the generating groups
    assert labels.tolist() == truth.tolist()
    assert np.abs(centroids - CENTRES).max() < 0.02


def test_fixed_k_and_degenerate_inputs():
    mix, _ = _mix(2)
    result = needs.needs_segments(mix, k=3)
    assert result.k == 3
    assert sorted(set(result.labels.tolist())) == [0, 1, 2]
    same = needs.needs_segments(np.tile([[0.5, 0.5]], (5, 1)))
    assert (same.labels.tolist(), same.k) == ([0] * 5, 1)
    empty = needs.needs_segments(np.zeros((0, 3)))
    assert (len(empty.labels), empty.k) == (0, 0)
    with pytest.raises(ValueError):
        needs.needs_segments(np.zeros(3))
