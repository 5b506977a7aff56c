"""Unsupervised parameter estimation (no labels): random-pair u, EM for m, u and the prior.

The model is the two-class latent mixture of Fellegi–Sunter, fitted with EM (numpy) over
the candidate pairs that blocking produces, as Splink does over its blocked pairs. We fit
m, u and the match rate among candidates together, so the probabilities read "given that
blocking proposed this pair" — exactly the situation of both batch and online matching.
Start values: m from the shipped parameters, u from random record pairs. Written here
rather than calling Splink so that the CRM needs no DuckDB at run time (see `model`).
Term-frequency tables (a shared rare surname weighs more) come from value counts.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Sequence

import numpy as np

from reservoir.resolution.matching.compare import (
    FIELDS,
    LEVELS,
    MISSING,
    Prepared,
    compare,
    prepare,
)
from reservoir.resolution.matching.model import TF_FIELDS, Matcher, ModelParams, tf_value
from reservoir.resolution.matching.records import PartyRecord

_SMOOTH = 0.5  # pseudo-count per level, keeps every probability > 0
_EXACT_FIELDS = (
    "family_name",
    "given_name",
    "birth_date",
    "street",
    "city",
    "postal_code",
    "region",
    "country",
    "company",
)


def comparison_matrix(prepared: Sequence[Prepared], pairs: Sequence[tuple[int, int]]) -> np.ndarray:
    """Level per (pair, field) as int8; MISSING = -1."""
    out = np.empty((len(pairs), len(FIELDS)), dtype=np.int8)
    for row, (i, j) in enumerate(pairs):
        out[row] = compare(prepared[i], prepared[j])
    return out


def random_pairs(n: int, k: int, seed: int = 0) -> list[tuple[int, int]]:
    """k distinct-index random pairs over n records (deterministic for a seed)."""
    rng = random.Random(seed)  # noqa: S311 - sampling, not security
    pairs: list[tuple[int, int]] = []
    while len(pairs) < k and n > 1:
        i, j = rng.randrange(n), rng.randrange(n)
        if i != j:
            pairs.append((i, j))
    return pairs


def _level_probs(
    G: np.ndarray, weights: np.ndarray, base: dict[str, tuple[float, ...]]
) -> dict[str, tuple[float, ...]]:
    probs = {}
    for f, name in enumerate(FIELDS):
        n_levels = len(LEVELS[name])
        col = G[:, f]
        counts = np.bincount(
            col[col != MISSING], weights=weights[col != MISSING], minlength=n_levels
        )
        prior = np.asarray(base.get(name, (1.0 / n_levels,) * n_levels))
        smoothed = counts + _SMOOTH * n_levels * prior
        probs[name] = tuple(float(x) for x in smoothed / smoothed.sum())
    return probs


def term_frequencies(
    prepared: Sequence[Prepared],
) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    """Value frequencies of the TF fields and their mean agreement chance (Σ p²)."""
    tables: dict[str, dict[str, float]] = {}
    avg: dict[str, float] = {}
    for name in TF_FIELDS:
        counts = Counter(v for p in prepared if (v := tf_value(name, p)))
        total = sum(counts.values())
        if total:
            tables[name] = {v: c / total for v, c in counts.items()}
            avg[name] = sum((c / total) ** 2 for c in counts.values())
    return tables, avg


def _exact_u(prepared: Sequence[Prepared], name: str) -> float | None:
    """Chance that two random records (both with the field) agree exactly: Σ p²."""
    counts = Counter(v for p in prepared if (v := tf_value(name, p)))
    total = sum(counts.values())
    if total < 2:
        return None
    return max(sum(c * (c - 1) for c in counts.values()) / (total * (total - 1)), 1e-7)


def random_u(
    prepared: Sequence[Prepared], start: ModelParams, sample: int, seed: int
) -> dict[str, tuple[float, ...]]:
    """u per field level from random record pairs; the exact level of single-valued fields
    from value frequencies (a random sample rarely hits a shared birth date)."""
    R = comparison_matrix(prepared, random_pairs(len(prepared), sample, seed))
    u = _level_probs(R, np.ones(len(R)), dict(start.u))
    for name in _EXACT_FIELDS:
        exact = _exact_u(prepared, name)
        if exact is not None:
            exact = min(exact, 0.99)
            rest = np.asarray(u[name][1:])
            rest = rest / rest.sum() * (1.0 - exact)
            u[name] = (exact, *(float(x) for x in rest))
    return u


def estimate_params(
    prepared: Sequence[Prepared],
    pairs: Sequence[tuple[int, int]],
    *,
    start: ModelParams | None = None,
    random_sample: int = 10000,
    max_iter: int = 100,
    tol: float = 1e-6,
    use_tf: bool = True,
    seed: int = 0,
    total_pairs: float | None = None,
) -> ModelParams:
    """u from random pairs (fixed), then m and the match rate among `pairs` by EM.

    The returned prior is per random pair (match rate × candidates / all pairs; `total_pairs`
    defaults to n(n−1)/2), as in the shipped parameters.
    """
    start = start or ModelParams.default()
    u = random_u(prepared, start, random_sample, seed)
    G = comparison_matrix(prepared, pairs)
    present = G != MISSING
    log_u = {name: np.log(np.asarray(u[name])) for name in FIELDS}
    m = dict(start.m)
    lam = 0.5
    for _ in range(max_iter):
        logit = np.full(len(G), math.log(lam / (1 - lam)))
        for f, name in enumerate(FIELDS):
            ratio = np.log(np.asarray(m[name])) - log_u[name]
            logit += np.where(present[:, f], ratio[np.where(present[:, f], G[:, f], 0)], 0.0)
        resp = 1.0 / (1.0 + np.exp(-np.clip(logit, -50, 50)))
        m = _level_probs(G, resp, dict(start.m))
        new_lam = float(min(max(resp.mean(), 1e-6), 1 - 1e-6))
        if abs(new_lam - lam) < tol:
            lam = new_lam
            break
        lam = new_lam
    n = len(prepared)
    total = total_pairs or n * (n - 1) / 2
    prior = min(max(lam * len(pairs) / total, 1e-12), 0.5)
    tf, tf_avg = term_frequencies(prepared) if use_tf else ({}, {})
    return ModelParams(prior=prior, m=m, u=u, tf=tf, tf_avg=tf_avg)


def total_pairs(n: int, groups: Sequence[int] | None = None) -> float:
    """Number of comparable pairs: n(n−1)/2, or across groups only for linkage."""
    if groups is None:
        return n * (n - 1) / 2
    sizes = Counter(groups)
    return float(sum(sizes.values()) ** 2 - sum(c * c for c in sizes.values())) / 2


def fit_matcher(
    records: Sequence[PartyRecord], *, groups: Sequence[int] | None = None, max_block: int = 500
) -> Matcher:
    """A `Matcher` with parameters estimated by EM on the candidate pairs of `records`."""
    from reservoir.resolution.matching.cluster import candidate_pairs

    prepared = [prepare(r) for r in records]
    pairs = candidate_pairs(prepared, max_block=max_block, groups=groups)
    return Matcher(estimate_params(prepared, pairs, total_pairs=total_pairs(len(records), groups)))
