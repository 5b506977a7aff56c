"""Batch duplicate detection over a list of records, and clustering of scored pairs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from reservoir.resolution.matching.blocking import blocking_keys
from reservoir.resolution.matching.compare import Prepared, compare, prepare
from reservoir.resolution.matching.model import Matcher, probability
from reservoir.resolution.matching.records import MatchResult, PartyRecord

Key = int | str


def _order(key: Key) -> tuple[int, int | str]:
    return (0, key) if isinstance(key, int) else (1, str(key))


def candidate_pairs(
    prepared: Sequence[Prepared], *, max_block: int = 500, groups: Sequence[int] | None = None
) -> list[tuple[int, int]]:
    """Index pairs (i < j) of records sharing a blocking key; keys on more than
    `max_block` records are skipped (too common to be useful). With `groups` (one label per
    record), only pairs across different groups are returned (linkage of two sources)."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(prepared):
        for key in blocking_keys(p.record):
            blocks[key].append(i)
    pairs: set[tuple[int, int]] = set()
    for members in blocks.values():
        if 1 < len(members) <= max_block:
            for x, i in enumerate(members):
                for j in members[x + 1 :]:
                    if groups is None or groups[i] != groups[j]:
                        pairs.add((i, j))
    return sorted(pairs)


def find_duplicates(
    records: Sequence[PartyRecord],
    *,
    matcher: Matcher | None = None,
    threshold: float = 0.6,
    max_block: int = 500,
    groups: Sequence[int] | None = None,
    estimate: bool = False,
) -> list[tuple[Key, Key, MatchResult]]:
    """Pairs of records at or above `threshold`, most probable first (key order within a pair).

    `groups` restricts to pairs across sources (see `candidate_pairs`). With `estimate`
    (and no `matcher`), the parameters are first fitted on these candidate pairs by EM
    (`estimate.estimate_params`, no labels needed)."""
    prepared = [prepare(r) for r in records]
    pairs = candidate_pairs(prepared, max_block=max_block, groups=groups)
    if matcher is None:
        if estimate:
            from reservoir.resolution.matching.estimate import estimate_params, total_pairs

            params = estimate_params(prepared, pairs, total_pairs=total_pairs(len(records), groups))
            matcher = Matcher(params)
        else:
            matcher = Matcher()
    out = []
    for i, j in pairs:
        pa, pb = prepared[i], prepared[j]
        if _order(pb.record.key) < _order(pa.record.key):
            pa, pb = pb, pa
        levels = compare(pa, pb)
        if probability(matcher.weight_of_compared(pa, levels)) >= threshold:
            out.append((pa.record.key, pb.record.key, matcher.score_prepared(pa, pb, levels)))
    out.sort(key=lambda t: (-t[2].probability, _order(t[0]), _order(t[1])))
    return out


def cluster(
    pairs: Iterable[tuple[Key, Key, MatchResult | float]], *, threshold: float
) -> list[list[Key]]:
    """Connected components of the pairs at or above `threshold` (probability).

    Members are sorted, clusters ordered by their first member; singletons are not returned.
    """
    parent: dict[Key, Key] = {}

    def find(x: Key) -> Key:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b, result in pairs:
        p = result.probability if isinstance(result, MatchResult) else float(result)
        if p >= threshold:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb, key=_order)] = min(ra, rb, key=_order)
    groups: dict[Key, list[Key]] = defaultdict(list)
    for x in parent:
        groups[find(x)].append(x)
    clusters = [sorted(m, key=_order) for m in groups.values() if len(m) > 1]
    return sorted(clusters, key=lambda c: _order(c[0]))
