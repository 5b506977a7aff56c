"""The facts registry: what rules may ask about a party and a contact, and who answers.

Decisions sits low in the layers (L1), yet most facts live above it (orders in sales,
contacts in timeline, complaints in support). So this module only *declares* facts (a path
such as `customer.has_open_complaint`, a type, a default) and keeps a provider interface;
upper apps register providers from `AppConfig.ready()` (ARCHITECTURE.md rule 4). A fact
without a provider yet (e.g. complaints before the support app exists) has its default.

`FactSet` resolves facts lazily for one decision: a provider runs the first time one of its
facts is read and its answers are cached until the decision ends.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from reservoir.decisions.types import BOOL, DOUBLE, DYN, INT, STRING, FactType, list_of, map_of

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DecisionContext:
    """Who asks, through which channel, about what (a frozen value: crosses process bounds)."""

    channel: str
    at: dt.datetime
    staff_username: str = ""
    staff_role: str = ""
    intent: str = ""
    basket_skus: tuple[str, ...] = ()


Provider = Callable[[int, DecisionContext], Mapping[str, Any]]


@dataclass(frozen=True)
class FactSpec:
    path: str
    type: FactType
    label: str | Promise
    default: Any
    # Presentation-only facts (the channel, the staff member) may shape how an answer is
    # said, never what it is: commercial outputs must not depend on them (P3).
    presentation_only: bool = False


@dataclass(frozen=True)
class PartyRef:
    id: int
    name: str


class PartyDirectory(Protocol):
    """Party lookups that decisions cannot make itself (parties is a sibling app)."""

    def get(self, actor: Any, party_id: int) -> PartyRef | None:
        """The party if `actor` may see it, else None."""

    def search(self, actor: Any, text: str, limit: int) -> list[PartyRef]:
        """Visible parties matching `text`."""

    def names(self, actor: Any, ids: Iterable[int]) -> dict[int, str]:
        """Display names of the parties among `ids` that `actor` may see."""

    def visible_ids(self, actor: Any) -> Any:
        """A queryset of the ids `actor` may see (usable as a subquery: `id__in=`)."""


_SPECS: dict[str, FactSpec] = {}
_PROVIDERS: dict[str, tuple[str, Provider]] = {}  # path → (provider name, fn)
_DIRECTORY: list[PartyDirectory] = []


def declare(
    path: str,
    type_: FactType,
    label: str | Promise,
    default: Any,
    *,
    presentation_only: bool = False,
) -> None:
    """Declare a fact (idempotent for the same declaration)."""
    _SPECS[path] = FactSpec(path, type_, label, default, presentation_only)


def register_provider(name: str, provides: Iterable[str], compute: Provider) -> None:
    """Register `compute` as the source of the declared facts `provides` (called from ready())."""
    for path in provides:
        if path not in _SPECS:
            raise KeyError(f"Fact {path!r} is not declared")
        _PROVIDERS[path] = (name, compute)


@contextmanager
def provider(name: str, provides: Iterable[str], compute: Provider) -> Iterator[None]:
    """Register a provider for the duration of a block (tests, one-off jobs), then restore."""
    paths = list(provides)
    saved = {p: _PROVIDERS.get(p) for p in paths}
    register_provider(name, paths, compute)
    try:
        yield
    finally:
        for p, old in saved.items():
            if old is None:
                _PROVIDERS.pop(p, None)
            else:
                _PROVIDERS[p] = old


def register_party_directory(directory: PartyDirectory) -> None:
    _DIRECTORY[:] = [directory]


def party_directory() -> PartyDirectory:
    if not _DIRECTORY:
        raise LookupError("No party directory registered (the workspace app provides it)")
    return _DIRECTORY[0]


def specs() -> list[FactSpec]:
    return sorted(_SPECS.values(), key=lambda s: s.path)


def schema() -> dict[str, FactType]:
    return {p: s.type for p, s in _SPECS.items()}


def presentation_only() -> frozenset[str]:
    return frozenset(p for p, s in _SPECS.items() if s.presentation_only)


def provider_name(path: str) -> str:
    entry = _PROVIDERS.get(path)
    return entry[0] if entry else ""


def _context_facts(_party_id: int, ctx: DecisionContext) -> dict[str, Any]:
    local = ctx.at.astimezone()
    return {
        "context.channel": ctx.channel,
        "context.hour": local.hour,
        "context.weekday": local.isoweekday(),
        "context.date": local.date().isoformat(),
        "context.staff": ctx.staff_username,
        "context.staff_role": ctx.staff_role,
        "context.intent": ctx.intent,
        "context.basket_skus": list(ctx.basket_skus),
    }


@dataclass
class FactSet:
    """The facts of one decision, computed on first read and cached (not thread-shared)."""

    party_id: int
    context: DecisionContext
    values: dict[str, Any] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)
    memo: dict[str, Any] = field(default_factory=dict)  # input expression → value
    read: set[str] = field(default_factory=set)  # the facts the rules asked for

    def __getitem__(self, path: str) -> Any:
        self.read.add(path)
        try:
            return self.values[path]
        except KeyError:
            pass
        entry = _PROVIDERS.get(path)
        if entry is None:
            spec = _SPECS.get(path)
            self.values[path] = spec.default if spec else None
            return self.values[path]
        name, compute = entry
        try:
            answers = compute(self.party_id, self.context)
        except Exception:
            log.exception("Fact provider %s failed for party %s", name, self.party_id)
            self.failed.append(name)
            answers = {}
        for p, (other, _fn) in _PROVIDERS.items():
            if other == name and p not in self.values:
                self.values[p] = answers.get(p, _SPECS[p].default)
        return self.values[path]

    def commercial(self) -> dict[str, Any]:
        """The facts the rules read, without the presentation-only ones (for the digest)."""
        hidden = presentation_only()
        return {p: self.values[p] for p in sorted(self.read - hidden)}


def _declare_catalog() -> None:
    """The facts Reservoir offers rules; providers above decisions fill them in."""
    ctx = [
        ("context.channel", STRING, _("Channel asking (phone, chat, portal, …)"), "", True),
        ("context.staff", STRING, _("Staff member's login"), "", True),
        ("context.staff_role", STRING, _("Staff member's role"), "", True),
        ("context.hour", INT, _("Hour of day (company time)"), 0, False),
        ("context.weekday", INT, _("Day of week (1 = Monday)"), 1, False),
        ("context.date", STRING, _("Date (YYYY-MM-DD)"), "", False),
        ("context.intent", STRING, _("Reason for contact (intent)"), "", False),
        ("context.basket_skus", list_of(STRING), _("SKUs in the basket"), [], False),
        (
            "context.basket_categories",
            list_of(STRING),
            _("Top categories in the basket"),
            [],
            False,
        ),
        ("context.basket_total", DOUBLE, _("Basket value"), 0.0, False),
    ]
    for path, type_, label, default, pres in ctx:
        declare(path, type_, label, default, presentation_only=pres)
    customer = [
        ("customer.kind", STRING, _("Person or organization"), ""),
        ("customer.status", STRING, _("Status"), ""),
        ("customer.roles", list_of(STRING), _("Roles (customer, prospect, …)"), []),
        ("customer.language", STRING, _("Language"), ""),
        ("customer.industry", STRING, _("Industry"), ""),
        ("customer.team", STRING, _("Owning team"), ""),
        ("customer.preferred_channel", STRING, _("Preferred channel (profile)"), ""),
        ("customer.traits", map_of(DYN), _("All traits, by key"), {}),
        ("customer.segment", STRING, _("Segment (trait “segment”)"), ""),
        ("customer.value_tier", STRING, _("Value tier (trait “value_tier”)"), ""),
        ("customer.vip", BOOL, _("VIP (trait “vip”)"), False),
        ("customer.churn_risk", DOUBLE, _("Churn risk 0–1 (trait “churn_risk”)"), 0.0),
        ("customer.clv", DOUBLE, _("Lifetime value (trait “clv”)"), 0.0),
        ("customer.propensities", map_of(DOUBLE), _("Propensity by offer (trait)"), {}),
        ("customer.orders_count", INT, _("Orders placed"), 0),
        ("customer.lifetime_revenue", DOUBLE, _("Lifetime revenue"), 0.0),
        ("customer.days_since_last_order", INT, _("Days since last order (-1: never)"), -1),
        ("customer.products_owned", list_of(STRING), _("SKUs bought"), []),
        ("customer.categories_owned", list_of(STRING), _("Top categories bought"), []),
        ("customer.days_since_last_contact", INT, _("Days since last contact (-1: never)"), -1),
        ("customer.contacts_30d", INT, _("Contacts in the last 30 days"), 0),
        ("customer.has_open_complaint", BOOL, _("Has an open complaint"), False),
        ("customer.marketing_opt_out", BOOL, _("Opted out of marketing"), False),
    ]
    for path, type_, label, default in customer:
        declare(path, type_, label, default)
    register_provider(
        "decisions.context", [p for p, *_r in ctx if p not in _BASKET], _context_facts
    )


_BASKET = {"context.basket_categories", "context.basket_total"}
_declare_catalog()
