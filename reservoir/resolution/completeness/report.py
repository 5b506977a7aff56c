"""The gap report: average score, distribution, and the share of parties missing each field,
overall and by segment (role × kind), owner and source — over the parties the actor sees.

Four queries whatever the size of the base: the presence rows, the roles, the owners' names
and the weights. Aggregation happens in Python over the presence rows because a party
counts once per role (a segment is a role × kind pair) and every breakdown needs the same
rows; one pass serves them all.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from reservoir.iam.models import User
from reservoir.parties import selectors as party_selectors
from reservoir.parties.enums import PartyKind, PartyRoleKind
from reservoir.parties.models import Party, PartyRole
from reservoir.resolution.completeness.fields import FIELDS
from reservoir.resolution.completeness.scoring import Scorer, presence_rows
from reservoir.resolution.completeness.weights import get_weights

NONE = "none"  # the filter value for "no owner" / "no source"
MAX_GROUPS = 20  # breakdowns keep the biggest groups and fold the rest into "Other"
BUCKETS = ((0, 19), (20, 39), (40, 59), (60, 79), (80, 99), (100, 100))


@dataclass(frozen=True)
class ReportFilters:
    kind: str = ""
    role: str = ""  # a role, NONE (no role) or "" (any)
    owner: str = ""  # a user id, NONE (unowned) or "" (any)
    source: str = ""  # a source, NONE (no source) or "" (any)

    def apply(self, qs: QuerySet[Party]) -> QuerySet[Party]:
        if self.kind:
            qs = qs.filter(kind=self.kind)
        if self.role == NONE:
            qs = qs.exclude(pk__in=PartyRole.objects.values("party_id"))
        elif self.role:
            qs = qs.filter(pk__in=PartyRole.objects.filter(role=self.role).values("party_id"))
        if self.owner == NONE:
            qs = qs.filter(owner__isnull=True)
        elif self.owner:
            qs = qs.filter(owner_id=int(self.owner))
        if self.source == NONE:
            qs = qs.filter(source="")
        elif self.source:
            qs = qs.filter(source=self.source)
        return qs

    def as_query(self) -> dict[str, str]:
        return {k: v for k, v in vars(self).items() if v}


@dataclass(frozen=True)
class FieldGap:
    key: str
    label: str
    weight: int
    applicable: int  # parties the field counts for
    missing: int

    @property
    def missing_pct(self) -> float:
        return round(100 * self.missing / self.applicable, 1) if self.applicable else 0.0


@dataclass(frozen=True)
class Bucket:
    low: int
    high: int
    count: int

    @property
    def label(self) -> str:
        return str(self.low) if self.low == self.high else f"{self.low}–{self.high}"


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    query: dict[str, str]  # the filters that narrow the report to this group ({} for "Other")
    parties: int
    average: float
    gaps: list[FieldGap]

    def gap(self, key: str) -> FieldGap | None:
        return next((g for g in self.gaps if g.key == key), None)


@dataclass(frozen=True)
class Report:
    parties: int
    average: float
    complete: int  # parties scoring 100
    histogram: list[Bucket]
    gaps: list[FieldGap]  # most missing first
    by_segment: list[Group]
    by_owner: list[Group]
    by_source: list[Group]
    fields: list[FieldGap] = field(default_factory=list)  # catalogue order, weighted only

    @property
    def complete_pct(self) -> float:
        return round(100 * self.complete / self.parties, 1) if self.parties else 0.0


class _Tally:
    """Running sums for one group of parties: counts per distinct (kind, mask)."""

    def __init__(self) -> None:
        self.parties = 0
        self.score_sum = 0
        self.masks: Counter[tuple[str, int]] = Counter()

    def add(self, kind: str, mask: int, value: int) -> None:
        self.parties += 1
        self.score_sum += value
        self.masks[(kind, mask)] += 1

    def average(self) -> float:
        return round(self.score_sum / self.parties, 1) if self.parties else 0.0

    def gaps(self, scorer: Scorer) -> list[FieldGap]:
        applicable: Counter[str] = Counter()
        missing: Counter[str] = Counter()
        for (kind, mask), n in self.masks.items():
            for bit, key, _weight in scorer.counted(kind):
                applicable[key] += n
                if not mask & bit:
                    missing[key] += n
        by_key = scorer.weights.by_key()
        return [
            FieldGap(f.key, str(f.label), by_key[f.key].weight, n, missing[f.key])
            for f in FIELDS
            if (n := applicable[f.key])
        ]

    def merge(self, other: _Tally) -> None:
        self.parties += other.parties
        self.score_sum += other.score_sum
        self.masks.update(other.masks)


def build_report(*, actor: User, filters: ReportFilters | None = None) -> Report:
    """The gap report over the parties `actor` may see, narrowed by `filters`."""
    filters = filters or ReportFilters()
    qs = filters.apply(party_selectors.for_user(actor))
    scorer = Scorer(get_weights())
    roles: dict[int, list[str]] = defaultdict(list)
    for party_id, role in PartyRole.objects.filter(party__in=qs).values_list("party_id", "role"):
        roles[party_id].append(role)
    total = _Tally()
    segments: dict[str, _Tally] = defaultdict(_Tally)
    owners: dict[int | None, _Tally] = defaultdict(_Tally)
    sources: dict[str, _Tally] = defaultdict(_Tally)
    buckets = [0] * len(BUCKETS)
    complete = 0
    for row in presence_rows(qs):
        kind, mask = row.kind, row.mask
        value = scorer.score(kind, mask).score
        total.add(kind, mask, value)
        for role in roles.get(row.party_id) or [""]:
            segments[f"{role}:{kind}"].add(kind, mask, value)
        owners[row.owner_id].add(kind, mask, value)
        sources[row.source].add(kind, mask, value)
        buckets[_bucket(value)] += 1
        complete += value == 100
    gaps = total.gaps(scorer)
    return Report(
        parties=total.parties,
        average=total.average(),
        complete=complete,
        histogram=[Bucket(lo, hi, n) for (lo, hi), n in zip(BUCKETS, buckets, strict=True)],
        gaps=sorted(gaps, key=lambda g: (-g.missing_pct, -g.weight, g.key)),
        by_segment=_groups(segments, _segment_labels(), scorer, _segment_query),
        by_owner=_groups(
            {(str(k) if k else NONE): t for k, t in owners.items()},
            _owner_labels([k for k in owners if k]),
            scorer,
            lambda key: {"owner": key},
        ),
        by_source=_groups(
            {(k or NONE): t for k, t in sources.items()},
            {NONE: _("No source")},
            scorer,
            lambda key: {"source": key},
        ),
        fields=gaps,
    )


def _bucket(value: int) -> int:
    return min(value // 20, len(BUCKETS) - 2) if value < 100 else len(BUCKETS) - 1


def _segment_labels() -> dict[str, str]:
    kinds = dict(PartyKind.choices)
    roles = {"": _("No role"), **dict(PartyRoleKind.choices)}
    return {
        f"{role}:{kind}": f"{role_label} · {kind_label}"
        for role, role_label in roles.items()
        for kind, kind_label in kinds.items()
    }


def _owner_labels(ids: list[int]) -> dict[str, str]:
    labels = {NONE: _("Nobody (unowned)")}
    for user in User.objects.filter(pk__in=ids).only("username", "first_name", "last_name"):
        labels[str(user.pk)] = str(user)
    return labels


def _segment_query(key: str) -> dict[str, str]:
    role, _sep, kind = key.partition(":")
    return {"role": role or NONE, "kind": kind}


def _groups(
    tallies: dict[str, _Tally],
    labels: dict[str, str],
    scorer: Scorer,
    query: Callable[[str], dict[str, str]],
) -> list[Group]:
    """Groups by size (largest first); past MAX_GROUPS the rest fold into "Other"."""
    ordered = sorted(tallies.items(), key=lambda kv: (-kv[1].parties, labels.get(kv[0], kv[0])))
    shown, rest = ordered[:MAX_GROUPS], ordered[MAX_GROUPS:]
    groups = [
        Group(key, labels.get(key, key), query(key), t.parties, t.average(), t.gaps(scorer))
        for key, t in shown
    ]
    if rest:
        other = _Tally()
        for _key, t in rest:
            other.merge(t)
        groups.append(Group("", _("Other"), {}, other.parties, other.average(), other.gaps(scorer)))
    return groups
