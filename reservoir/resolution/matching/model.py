"""The Fellegi–Sunter model: m/u probabilities per field level → match weight → probability.

Why our own model rather than a record-linkage library at run time: Splink (the reference)
is this same model, but it compiles SQL for DuckDB per call; matching ONE incoming record
(`predict_between`) took it 0.5–0.8 s in `benchmarks/resolution_febrl.py`
(`splink_match_one_ms`), against ~0.1 ms here (`match_one_ms`), and the CRM must match on
every incoming interaction (p95 ≤ 20 ms against 100,000 parties, DB lookup included).
recordlinkage (the other well-kept Python library) is pandas-batch only, also unfit for one
record. So the well-kept libraries do the parts they are best at — rapidfuzz (C++ string
similarity), numpy (EM), OpenCC, pypinyin, nicknames — and this module adds the ~150 lines of
model. Splink stays the yardstick: on the Febrl benchmark our F1 is higher, in less time.
Parameters ship in `params.json` (set a priori, see the note there) and can be fitted
without labels by EM (`estimate.py`).
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reservoir.resolution.matching import labels
from reservoir.resolution.matching.compare import (
    FIELDS,
    LEVELS,
    MISSING,
    Prepared,
    compare,
    name_levels,
    prepare,
)
from reservoir.resolution.matching.records import Evidence, MatchResult, PartyRecord

PARAMS_FILE = Path(__file__).with_name("params.json")
_MAX_BITS = 60.0
_TF_CLIP = 6.0
TF_FIELDS = ("family_name", "given_name", "city", "postal_code")
_TF_INDEX = tuple((name, FIELDS.index(name)) for name in TF_FIELDS)


@dataclass(frozen=True)
class ModelParams:
    """prior = probability that two random records are the same party; m/u per field level.

    `tf` optionally maps a field to {value: frequency} for term-frequency adjustment of exact
    matches (a shared rare surname is stronger evidence than a shared common one).
    """

    prior: float
    m: Mapping[str, tuple[float, ...]]
    u: Mapping[str, tuple[float, ...]]
    tf: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    tf_avg: Mapping[str, float] = field(default_factory=dict)  # Σ p² per tf field

    @classmethod
    def default(cls) -> ModelParams:
        """The shipped parameters (`params.json`), read once."""
        return _default_params()

    @classmethod
    def from_json(cls, text: str) -> ModelParams:
        data = json.loads(text)
        return cls(
            prior=float(data["prior"]),
            m={k: tuple(map(float, v)) for k, v in data["m"].items()},
            u={k: tuple(map(float, v)) for k, v in data["u"].items()},
            tf={k: dict(v) for k, v in data.get("tf", {}).items()},
            tf_avg={k: float(v) for k, v in data.get("tf_avg", {}).items()},
        )

    def to_json(self) -> str:
        data = {
            "prior": self.prior,
            "m": dict(self.m),
            "u": dict(self.u),
            "tf": {k: dict(v) for k, v in self.tf.items()},
            "tf_avg": dict(self.tf_avg),
        }
        return json.dumps(data, indent=1, ensure_ascii=False)

    def for_base(self, parties: int, *, known_share: float = 0.5) -> ModelParams:
        """These parameters with the prior set for matching against a base of `parties`:
        an incoming record is one of them with chance `known_share`, so a random pair is
        a match with chance known_share / parties (the shipped 1e-5 fits ~50,000)."""
        prior = min(max(known_share / max(parties, 1), 1e-9), 0.5)
        return ModelParams(prior=prior, m=self.m, u=self.u, tf=self.tf, tf_avg=self.tf_avg)

    def weights(self) -> dict[str, tuple[float, ...]]:
        """log2(m/u) per field level (a field missing from m/u contributes nothing)."""
        out: dict[str, tuple[float, ...]] = {}
        for name in FIELDS:
            m, u = self.m.get(name), self.u.get(name)
            if m is None or u is None:
                out[name] = (0.0,) * len(LEVELS[name])
            else:
                raw = [
                    math.log2(max(mi, 1e-9) / max(ui, 1e-9)) for mi, ui in zip(m, u, strict=True)
                ]
                # a weaker agreement level never counts more than a stronger one
                for i in range(1, len(raw)):
                    raw[i] = min(raw[i], raw[i - 1])
                raw[-1] = min(raw[-1], 0.0)
                out[name] = tuple(raw)
        return out


@functools.cache
def _default_params() -> ModelParams:
    return ModelParams.from_json(PARAMS_FILE.read_text(encoding="utf-8"))


def probability(bits: float) -> float:
    """Match weight (log2 odds) → probability."""
    return 1.0 / (1.0 + 2.0 ** (-max(-_MAX_BITS, min(_MAX_BITS, bits))))


class Matcher:
    """Scores pairs of `PartyRecord`s. Stateless apart from caches; safe to share."""

    def __init__(self, params: ModelParams | None = None) -> None:
        self.params = params or ModelParams.default()
        self._weights = self.params.weights()
        self._table = tuple(self._weights[f] for f in FIELDS)
        self._prior_bits = math.log2(self.params.prior / (1.0 - self.params.prior))
        self._tf = self.params.tf

    def levels(self, a: PartyRecord, b: PartyRecord) -> tuple[int, ...]:
        """Comparison level per field (see `compare.FIELDS`)."""
        return compare(prepare(a), prepare(b))

    def weight_of_levels(self, levels: Sequence[int]) -> float:
        table = self._table
        return self._prior_bits + sum(table[i][lv] for i, lv in enumerate(levels) if lv != MISSING)

    def fast_weight(self, pa: Prepared, pb: Prepared) -> float:
        """Total match weight of two prepared records, without evidence."""
        levels = compare(pa, pb)
        return self.weight_of_compared(pa, levels)

    def weight_of_compared(self, pa: Prepared, levels: Sequence[int]) -> float:
        """Total weight from compared levels, with term-frequency corrections."""
        bits = self.weight_of_levels(levels)
        if self._tf:
            bits += sum(adj for _, adj in self._tf_items(pa, levels))
        return bits

    def _tf_items(self, pa: Prepared, levels: Sequence[int]) -> list[tuple[str, float]]:
        """Term-frequency corrections (field, bits) for exact agreement on a rare/common value:
        log2(mean agreement chance / frequency of this value), clipped to ±_TF_CLIP bits."""
        out = []
        for name, index in _TF_INDEX:
            if levels[index] != 0:
                continue
            table = self._tf.get(name)
            value = tf_value(name, pa)
            if table and value in table:
                adj = math.log2(self.params.tf_avg[name] / table[value])
                out.append((name, max(-_TF_CLIP, min(_TF_CLIP, adj))))
        return out

    def score(self, a: PartyRecord, b: PartyRecord) -> MatchResult:
        """Probability that a and b are the same party, with the evidence per field."""
        return self.score_prepared(prepare(a), prepare(b))

    def score_prepared(
        self, pa: Prepared, pb: Prepared, levels: Sequence[int] | None = None
    ) -> MatchResult:
        """`score` of prepared records (pass `levels` when already compared)."""
        if levels is None:
            levels = compare(pa, pb)
        tf = dict(self._tf_items(pa, levels)) if self._tf else {}
        readings = name_levels(pa.name, pb.name)[2:] if levels[1] != MISSING else (0, 0)
        evidence = []
        total = self._prior_bits
        for i, name in enumerate(FIELDS):
            lv = levels[i]
            if lv == MISSING:
                continue
            w = self._table[i][lv] + tf.get(name, 0.0) if tf else self._table[i][lv]
            total += w
            if i == 0 and lv == 0:  # "both persons" counts but is not worth showing
                continue
            left, right = labels.display(name, pa, pb, readings)
            level = LEVELS[name][lv]
            evidence.append(
                _evidence(name, level, w, left=left, right=right, label=labels.label(name, level))
            )
        return MatchResult(probability(total), total, tuple(evidence))

    def score_many(self, a: PartyRecord, candidates: Sequence[PartyRecord]) -> list[MatchResult]:
        """`score(a, c)` for each candidate, in order."""
        pa = prepare(a)
        return [self.score_prepared(pa, prepare(c)) for c in candidates]

    def matches(
        self, a: PartyRecord, candidates: Sequence[PartyRecord], *, threshold: float = 0.6
    ) -> list[tuple[PartyRecord, MatchResult]]:
        """Candidates scoring at or above `threshold`, most probable first (ties by key).

        The fast path for online matching: evidence is built only for the pairs returned.
        """
        pa = prepare(a)
        out = []
        for c in candidates:
            pc = prepare(c)
            levels = compare(pa, pc)
            if probability(self.weight_of_compared(pa, levels)) >= threshold:
                out.append((c, self.score_prepared(pa, pc, levels)))
        out.sort(key=lambda t: (-t[1].probability, str(t[0].key)))
        return out


def _evidence(
    name: str, level: str, weight: float, *, left: str, right: str, label: Any
) -> Evidence:
    """Build an Evidence without the frozen dataclass __init__ (which costs one
    object.__setattr__ per field: most of `score`'s time). Same object, same fields."""
    ev = object.__new__(Evidence)
    ev.__dict__.update(field=name, level=level, weight=weight, left=left, right=right, label=label)
    return ev


def tf_value(name: str, p: Prepared) -> str:
    """The value of a single-valued field of a prepared record ('' if none): the value whose
    frequency sets the chance of exact agreement (term frequency)."""
    if name in ("family_name", "given_name"):
        if not p.name.readings:
            return ""
        family, given = p.name.readings[0]
        return (family if name == "family_name" else given).primary
    return str(getattr(p, "birth" if name == "birth_date" else name))
