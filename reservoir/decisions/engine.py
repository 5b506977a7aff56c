"""`decide(party_id, context)`: the one answer every channel gets.

Tables in force are evaluated in order over lazily computed facts; fired rows contribute
offers, discounts, a price list, suppressions, scripts and a routing priority. Two guard
rails hold whatever the tables say: an open complaint suppresses sales offers (SV4) and a
marketing opt-out suppresses marketing offers (MA3). Eligible offers are ranked by
expected value (propensity × margin, from traits when present). The answer is logged
(see `decisions.log`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import time
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from reservoir.decisions import log as decision_log
from reservoir.decisions.compiler import CompiledRow, CompiledTable, tables_in_force
from reservoir.decisions.enums import OfferKind, Suppress
from reservoir.decisions.facts import DecisionContext, FactSet


@dataclass(frozen=True)
class Offer:
    code: str
    kind: str
    margin: float | None
    propensity: float | None
    expected_value: float | None
    table: str
    row: int
    reason: str


@dataclass(frozen=True)
class Discount:
    pct: str
    applies_to: str
    table: str
    row: int
    reason: str


@dataclass(frozen=True)
class Suppression:
    kind: str
    reason: str
    source: str  # a table key, or "policy" for the guard rails


@dataclass(frozen=True)
class FiredRow:
    table: str
    table_name: str
    version: int
    row: int
    tests: list[tuple[str, Any, str]]  # (input label, its value, the cell that matched)
    reason: str


@dataclass
class Decision:
    party_id: int
    channel: str
    offers: list[Offer] = field(default_factory=list)
    withheld: list[Offer] = field(default_factory=list)
    discounts: list[Discount] = field(default_factory=list)
    price_list: str = ""
    suppressions: list[Suppression] = field(default_factory=list)
    priority: int | None = None
    scripts: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    fired: list[FiredRow] = field(default_factory=list)
    versions: dict[str, int] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)
    facts_digest: str = ""
    outputs_digest: str = ""
    duration_us: int = 0

    @property
    def suppressed_kinds(self) -> list[str]:
        return sorted({s.kind for s in self.suppressions})

    def commercial(self) -> dict[str, Any]:
        """What must be identical in every channel (P3): offers, discounts, prices, suppressions."""
        return {
            "offers": [o.code for o in self.offers],
            "withheld": [o.code for o in self.withheld],
            "discounts": [(d.pct, d.applies_to) for d in self.discounts],
            "price_list": self.price_list,
            "suppressed": sorted({s.kind for s in self.suppressions}),
        }

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def digest(value: Any) -> str:
    raw = json.dumps(value, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()


def decide(
    party_id: int,
    context: DecisionContext,
    *,
    actor: Any = None,
    log: bool = True,
    defer_log: bool = False,
) -> Decision:
    """Decide what `party_id` gets in `context`.

    Side effects: reads facts through the registered providers; writes one decision-log row
    (at the end of the request when `defer_log`, see `decisions.log`) unless `log` is False.
    """
    started = time.perf_counter()
    facts = FactSet(party_id, context)
    decision = Decision(party_id=party_id, channel=context.channel)
    candidates: list[Offer] = []
    for table in tables_in_force(context.at):
        decision.versions[table.key] = table.number
        values = table.values(facts)
        for row in table.matches(values, facts):
            _apply(decision, table, row, values, candidates)
    _guard_rails(decision, facts)
    _rank(decision, candidates, facts["customer.propensities"])
    decision.facts = facts.commercial()
    decision.facts_digest = digest(decision.facts)
    decision.outputs_digest = digest(decision.commercial())
    decision.duration_us = int((time.perf_counter() - started) * 1e6)
    if log:
        decision_log.append(decision, context, actor, deferred=defer_log)
    return decision


def _apply(
    decision: Decision,
    table: CompiledTable,
    row: CompiledRow,
    values: list[Any],
    candidates: list[Offer],
) -> None:
    out = row.outputs
    number = row.position + 1
    tests = [(table.inputs[col].label, values[col], row.cells[col]) for col, _t in row.tests]
    decision.fired.append(FiredRow(table.key, table.name, table.number, number, tests, out.reason))
    if out.reason:
        decision.reasons.append(out.reason)
    if out.offer_code:
        margin = float(out.offer_margin) if out.offer_margin is not None else None
        candidates.append(
            Offer(out.offer_code, out.offer_kind, margin, None, None, table.key, number, out.reason)
        )
    if out.discount_pct is not None:
        pct = str(out.discount_pct.quantize(Decimal("0.01")))
        decision.discounts.append(Discount(pct, out.discount_on, table.key, number, out.reason))
    if out.price_list and not decision.price_list:
        decision.price_list = out.price_list
    if out.suppress:
        decision.suppressions.append(Suppression(out.suppress, out.reason, table.key))
    if out.script:
        decision.scripts.append(out.script)
    if out.priority is not None:
        decision.priority = max(decision.priority or out.priority, out.priority)


def _guard_rails(decision: Decision, facts: FactSet) -> None:
    if facts["customer.has_open_complaint"]:
        decision.suppressions.append(
            Suppression(
                Suppress.SALES, _("Open complaint: no sales pitch until it is resolved."), "policy"
            )
        )
    if facts["customer.marketing_opt_out"]:
        decision.suppressions.append(
            Suppression(Suppress.MARKETING, _("The customer opted out of marketing."), "policy")
        )


def _rank(decision: Decision, candidates: list[Offer], propensities: Any) -> None:
    """Drop suppressed offers, keep the best row per offer code, order by expected value."""
    blocked = {s.kind for s in decision.suppressions}
    if Suppress.ALL in blocked:
        blocked |= {OfferKind.SALES, OfferKind.MARKETING, OfferKind.SERVICE}
    props = propensities if isinstance(propensities, dict) else {}
    best: dict[str, tuple[tuple[float, float], Offer]] = {}
    for order, offer in enumerate(candidates):
        p = props.get(offer.code)
        p = float(p) if isinstance(p, int | float) and not isinstance(p, bool) else None
        ev = round(p * offer.margin, 2) if p is not None and offer.margin is not None else None
        scored = dataclasses.replace(offer, propensity=p, expected_value=ev)
        if offer.kind in blocked:
            decision.withheld.append(scored)
            continue
        score = ev if ev is not None else (offer.margin or 0.0)
        key = (score, -order)
        if offer.code not in best or key > best[offer.code][0]:
            best[offer.code] = (key, scored)
    ranked = sorted(best.values(), key=lambda item: item[0], reverse=True)
    decision.offers = [offer for _key, offer in ranked]
