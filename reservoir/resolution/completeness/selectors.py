"""Reads for data completeness: one party's score, the weights preview, the gap lists."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from reservoir.core.errors import NotFound
from reservoir.iam.models import User
from reservoir.parties import selectors as party_selectors
from reservoir.parties.models import Party
from reservoir.resolution.completeness.fields import BY_KEY, applies, only_missing
from reservoir.resolution.completeness.report import ReportFilters
from reservoir.resolution.completeness.scoring import Scorer, presence_of, presence_rows
from reservoir.resolution.completeness.weights import Weights, get_weights
from reservoir.resolution.models.completeness import CompletenessRun


@dataclass(frozen=True)
class FieldState:
    key: str
    label: str
    weight: int


@dataclass(frozen=True)
class PartyCompleteness:
    party_id: int
    score: int
    missing: list[FieldState]  # heaviest first
    filled: list[FieldState]
    weights_version: str

    @property
    def tone(self) -> str:
        """The design system tone of the score: success, warning or danger."""
        return "success" if self.score >= 80 else "warning" if self.score >= 50 else "danger"


def get_party_completeness(*, party: Party, weights: Weights | None = None) -> PartyCompleteness:
    """The score of a party the caller already checked is visible, computed now (two queries:
    the weights and the party's filled fields; a merged party scores as empty)."""
    weights = weights or get_weights()
    row = presence_of(party.pk)
    filled = row.filled if row else frozenset()
    result = Scorer(weights).score(party.kind, row.mask if row else 0)
    by_key = weights.by_key()

    def state(key: str) -> FieldState:
        return FieldState(key, str(BY_KEY[key].label), by_key[key].weight)

    counted = [w.key for w in weights.for_kind(party.kind)]
    return PartyCompleteness(
        party_id=party.pk,
        score=result.score,
        missing=[state(k) for k in result.missing],
        filled=[state(k) for k in counted if k in filled],
        weights_version=weights.version,
    )


def get_visible_party_completeness(*, actor: User, party_id: int) -> PartyCompleteness:
    """Like `get_party_completeness` for a party id; NotFound when `actor` may not see it."""
    return get_party_completeness(party=party_selectors.get_party(actor=actor, party_id=party_id))


@dataclass(frozen=True)
class Preview:
    parties: int
    current: float
    proposed: float


def preview_weights(*, actor: User, proposed: Weights | None = None) -> Preview:
    """Average score of the parties `actor` sees with the weights in force and with
    `proposed` (the same when None); two queries."""
    current = Scorer(get_weights())
    changed = Scorer(proposed) if proposed is not None else current
    n, now, then = 0, 0, 0
    for row in presence_rows(party_selectors.for_user(actor)):
        n += 1
        now += current.score(row.kind, row.mask).score
        then += changed.score(row.kind, row.mask).score
    return Preview(n, round(now / n, 1) if n else 0.0, round(then / n, 1) if n else 0.0)


def list_missing(*, actor: User, key: str, filters: ReportFilters) -> QuerySet[Party]:
    """Visible parties (narrowed by `filters`) that the field `key` counts for and that lack
    it, by name. NotFound for an unknown field."""
    if key not in BY_KEY:
        raise NotFound(_("No completeness field “%(key)s”.") % {"key": key})
    weight = get_weights().by_key()[key]
    qs = filters.apply(party_selectors.for_user(actor))
    kinds = [k for k in ("person", "organization") if applies(weight.applies_to, k)]
    qs = qs.filter(kind__in=kinds) if weight.weight else qs.none()
    return only_missing(qs, key).select_related("owner").order_by("display_name", "pk")


def list_sources(*, actor: User) -> list[str]:
    """The distinct non-empty sources of the parties `actor` sees, alphabetically."""
    qs = party_selectors.for_user(actor).exclude(source="").order_by("source")
    return list(qs.values_list("source", flat=True).distinct())


WHOLE_BASE_TRIGGERS = ("nightly", "weights", "manual")


def get_last_run() -> CompletenessRun | None:
    """The latest rescoring of the whole base (imports rescore only their own rows)."""
    runs = CompletenessRun.objects.filter(trigger__in=WHOLE_BASE_TRIGGERS)
    return runs.order_by("-finished_at").first()
