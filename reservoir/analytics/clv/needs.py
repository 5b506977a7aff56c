"""Needs-based segments (DF2): k-means on each customer's category mix.

Input rows are shares of spend (or purchases) per product category. scikit-learn's KMeans
does the clustering; with k=None, k is chosen by the silhouette score among 3…6. Labels are
renumbered by cluster size (0 = largest) so that runs are stable and readable.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score

ArrayLike = Any
K_RANGE = (3, 4, 5, 6)
SILHOUETTE_SAMPLE = 5_000


class NeedsSegments(NamedTuple):
    """labels (one per customer), centroids (k × categories, same order), the k used."""

    labels: np.ndarray
    centroids: np.ndarray
    k: int


def _fit(mix: np.ndarray, k: int, random_state: int) -> KMeans:
    return KMeans(n_clusters=k, n_init=10, random_state=random_state).fit(mix)


def needs_segments(
    category_mix: ArrayLike, *, k: int | None = None, random_state: int = 0
) -> NeedsSegments:
    """Cluster customers by category mix; choose k by silhouette (3…6) when k is None.

    Fewer distinct customers than a candidate k rule that k out; with fewer than 2 distinct
    rows every customer gets label 0. Raises ValueError on a non-2-d input or k < 1.
    """
    mix = np.asarray(category_mix, dtype=np.float64)
    if mix.ndim != 2:
        raise ValueError("category_mix must be customers x categories")
    if k is not None and k < 1:
        raise ValueError("k must be >= 1")
    n = len(mix)
    distinct = len(np.unique(mix, axis=0)) if n else 0
    if distinct < 2 or k == 1:
        centroid = mix.mean(axis=0, keepdims=True) if n else np.zeros((0, mix.shape[1]))
        return NeedsSegments(np.zeros(n, dtype=np.int64), centroid, 1 if n else 0)
    if k is not None:
        model = _fit(mix, min(k, distinct), random_state)
    else:
        best: tuple[float, KMeans] | None = None
        for cand in K_RANGE:
            if cand >= distinct:
                break
            model = _fit(mix, cand, random_state)
            score = float(
                silhouette_score(
                    mix,
                    model.labels_,
                    sample_size=min(n, SILHOUETTE_SAMPLE),
                    random_state=random_state,
                )
            )
            if best is None or score > best[0] + 1e-12:
                best = (score, model)
        model = best[1] if best is not None else _fit(mix, min(2, distinct), random_state)
    raw = np.asarray(model.labels_, dtype=np.int64)
    sizes = np.bincount(raw, minlength=model.n_clusters)
    order = np.lexsort((np.arange(len(sizes)), -sizes))  # largest first, ties by old label
    relabel = np.empty_like(order)
    relabel[order] = np.arange(len(order))
    return NeedsSegments(relabel[raw], model.cluster_centers_[order], int(model.n_clusters))
