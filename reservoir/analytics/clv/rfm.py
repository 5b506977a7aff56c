"""RFM scoring and segments (DF3): quantile scores 1…bins and a fixed R × FM segment grid.

Scores come from ranks with ties sharing the lowest rank ("min"), so equal inputs always
get equal scores and a mass of zeros lands in score 1 (pandas.qcut fails on such ties).
Recency is in days since the last purchase: more recent scores higher.
"""

from __future__ import annotations

from typing import Any, overload

import numpy as np
from scipy.stats import rankdata

from reservoir.analytics.scoring import trait_labels

ArrayLike = Any

SEGMENT_LABELS = trait_labels.SEGMENT_LABELS  # one list: the trait catalogue's

# rows: recency score 1…5; columns: FM score (round half up of (F + M) / 2) 1…5
SEGMENT_GRID: tuple[tuple[str, ...], ...] = (
    ("lost", "lost", "at_risk", "cannot_lose", "cannot_lose"),  # R = 1
    ("hibernating", "hibernating", "at_risk", "at_risk", "cannot_lose"),  # R = 2
    ("about_to_sleep", "need_attention", "need_attention", "loyal", "loyal"),  # R = 3
    ("promising", "potential_loyalist", "potential_loyalist", "loyal", "champions"),  # R = 4
    ("new", "potential_loyalist", "potential_loyalist", "champions", "champions"),  # R = 5
)
_GRID = np.array(SEGMENT_GRID, dtype=object)


def quantile_scores(
    values: ArrayLike, *, bins: int = 5, higher_is_better: bool = True
) -> np.ndarray:
    """Scores 1…bins by rank: score = 1 + ⌊bins · (min-rank − 1) / n⌋ (ties share a score)."""
    v = np.asarray(values, dtype=np.float64).ravel()
    if bins < 1:
        raise ValueError("bins must be >= 1")
    if not len(v):
        return np.zeros(0, dtype=np.int64)
    if np.isnan(v).any():
        raise ValueError("scores need finite values")
    ranks = rankdata(v if higher_is_better else -v, method="min")
    return (1 + np.floor(bins * (ranks - 1) / len(v))).astype(np.int64)


def rfm_scores(
    recency_days: ArrayLike, frequency: ArrayLike, monetary: ArrayLike, *, bins: int = 5
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(R, F, M) integer scores 1…bins by quantiles; recent, frequent, high spend score high."""
    r = quantile_scores(recency_days, bins=bins, higher_is_better=False)
    f = quantile_scores(frequency, bins=bins)
    m = quantile_scores(monetary, bins=bins)
    if not len(r) == len(f) == len(m):
        raise ValueError("recency, frequency and monetary must have the same length")
    return r, f, m


@overload
def rfm_segment(r: int, f: int, m: int) -> str: ...
@overload
def rfm_segment(r: ArrayLike, f: ArrayLike, m: ArrayLike) -> Any: ...
def rfm_segment(r: ArrayLike, f: ArrayLike, m: ArrayLike) -> Any:
    """Segment code(s) from 1…5 scores: a str for scalars, an array of str for arrays.

    FM = round half up of (F + M) / 2, then SEGMENT_GRID[R − 1][FM − 1].
    """
    ra, fa, ma = (np.asarray(v, dtype=np.int64) for v in (r, f, m))
    if ((ra < 1) | (ra > 5) | (fa < 1) | (fa > 5) | (ma < 1) | (ma > 5)).any():
        raise ValueError("RFM segments need scores from 1 to 5")
    fm = (fa + ma + 1) // 2
    codes = _GRID[ra - 1, fm - 1]
    if np.ndim(codes) == 0:
        return str(codes)
    return codes.astype(str)
