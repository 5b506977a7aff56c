"""Which rows are already customers, and which rows repeat an earlier row of the file.

Against the base, in this order: the row key of an earlier import (same row, same source),
an exact normalized contact point (email, phone, chat id), then the probabilistic matcher
(`resolution.selectors.match_record`) for rows no identifier ties to a party. Exact lookups
run in bulk (one query per chunk and kind); the matcher runs per remaining row.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from reservoir.parties.enums import PartyStatus
from reservoir.parties.models import ContactPoint
from reservoir.resolution.importing.rows import ImportRow
from reservoir.resolution.matching.records import PartyRecord
from reservoir.resolution.models import ImportRowKey

LOOKUP_CHUNK = 500
MAX_CANDIDATES = 50
LIVE = (PartyStatus.ACTIVE, PartyStatus.PROVISIONAL, PartyStatus.INACTIVE)


@dataclass(frozen=True)
class Match:
    """A party of the base that a row is (sure) or may be (not sure: flag only)."""

    party_id: int
    by: str  # "key" | "email" | "phone" | "wechat" | ... | "probable"
    probability: float | None = None
    sure: bool = True
    evidence: tuple[Any, ...] = ()


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def exact_matches(rows: Sequence[ImportRow]) -> dict[int, Match]:
    """Return {row line: Match} for rows whose key or an identifier is already in the base."""
    out: dict[int, Match] = {}
    keys = [r.key for r in rows]
    by_key: dict[str, int] = {}
    for chunk in _chunks(keys, LOOKUP_CHUNK):
        by_key.update(
            ImportRowKey.objects.filter(key__in=list(chunk)).values_list("key", "party_id")
        )
    wanted: dict[str, set[str]] = {}
    for row in rows:
        for kind, value in row.identifiers:
            wanted.setdefault(kind, set()).add(value)
    owner: dict[tuple[str, str], int] = {}
    for kind, values in wanted.items():
        for chunk in _chunks(sorted(values), LOOKUP_CHUNK):
            found = (
                ContactPoint.objects.filter(
                    kind=kind, value__in=list(chunk), party__status__in=LIVE
                )
                .order_by("-party_id")  # the oldest party wins (last write in the dict)
                .values_list("value", "party_id")
            )
            for value, party_id in found:
                owner[(kind, value)] = party_id
    for row in rows:
        if row.key in by_key:
            out[row.line] = Match(by_key[row.key], "key")
            continue
        for kind, value in row.identifiers:
            if (kind, value) in owner:
                out[row.line] = Match(owner[(kind, value)], kind)
                break
    return out


@functools.cache
def _matcher() -> Any:
    from reservoir.resolution.matching import Matcher

    return Matcher()


def probable_matches(rows: Sequence[ImportRow]) -> dict[int, Match]:
    """Return {row line: Match} for the best probabilistic candidate of each row, if any.

    The batch form of `resolution.selectors.match_record` (same index, same engine): one
    index query per row, the candidates' records loaded once per chunk, each candidate
    ranked by the engine's fast weight and only the best one scored with evidence. Sure
    at the auto-merge threshold; kept (to flag) at the review threshold.
    """
    from reservoir.resolution.matchindex import candidate_ids, party_records
    from reservoir.resolution.matching import blocking_keys
    from reservoir.resolution.matching.compare import prepare
    from reservoir.resolution.matching.model import probability

    wanted: dict[int, list[int]] = {}
    for row in rows:
        keys = frozenset(k[:64] for k in blocking_keys(row.record()))
        found = candidate_ids(keys, limit=MAX_CANDIDATES)
        if found:
            wanted[row.line] = found
    if not wanted:
        return {}
    records = party_records({pid for ids in wanted.values() for pid in ids})
    matcher, floor = _matcher(), settings.RESOLUTION_REVIEW_THRESHOLD
    out: dict[int, Match] = {}
    for row in rows:
        others = [records[pid] for pid in wanted.get(row.line, ()) if pid in records]
        if not others:
            continue
        mine = row.record()
        prepared = prepare(mine)
        best = max(others, key=lambda o: matcher.fast_weight(prepared, prepare(o)))
        if probability(matcher.fast_weight(prepared, prepare(best))) < floor:
            continue
        result = matcher.score(mine, best)
        if result.probability < floor:
            continue
        sure = result.probability >= settings.RESOLUTION_AUTO_MERGE_THRESHOLD
        sure = sure and not conflicting(mine, best)
        out[row.line] = Match(int(best.key), "probable", float(result.probability), sure,
                              tuple(result.evidence))  # fmt: skip
    return out


def probable_repeats(rows: Sequence[ImportRow]) -> dict[int, int]:
    """Return {row line: earlier row line} for rows the engine is sure repeat an earlier row
    of the same chunk without sharing an identifier (typos, 张伟 / 張偉, pinyin).

    Rows of earlier chunks are found in the base instead (they are written by then).
    """
    from reservoir.resolution.matching import find_duplicates

    if len(rows) < 2:
        return {}
    threshold = settings.RESOLUTION_AUTO_MERGE_THRESHOLD
    pairs = find_duplicates([r.record() for r in rows], matcher=_matcher(), threshold=threshold)
    out: dict[int, int] = {}
    records = {r.line: r.record() for r in rows}
    for a, b, _result in sorted(pairs, key=lambda p: (_line(p[0]), _line(p[1]))):
        first, later = sorted((_line(a), _line(b)))
        if conflicting(records[first], records[later]):
            continue
        if later not in out:
            out[later] = out.get(first, first)
    return out


def conflicting(a: PartyRecord, b: PartyRecord) -> bool:
    """True when both records have emails (or phones) and share none of them.

    Two people of the same name at the same company are common; different addresses and
    numbers on both sides make "same customer" a question for a reviewer, not a certainty.
    """
    return any(
        x and y and not set(x) & set(y) for x, y in ((a.emails, b.emails), (a.phones, b.phones))
    )


def _line(key: object) -> int:
    return int(str(key).rpartition(":")[2])


@dataclass
class FileIndex:
    """Identifiers and row keys seen so far in the file, to spot rows that repeat one."""

    first_line: dict[str, int] = field(default_factory=dict)

    def earlier(self, row: ImportRow) -> int | None:
        """Return the line of an earlier row sharing a key or identifier, and remember `row`."""
        tokens = [f"key:{row.key}", *(f"{k}:{v}" for k, v in row.identifiers)]
        seen = next((self.first_line[t] for t in tokens if t in self.first_line), None)
        for token in tokens:
            self.first_line.setdefault(token, seen or row.line)
        return seen
