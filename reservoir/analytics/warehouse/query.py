"""The OLAP query API over the warehouse: measures, dimension hierarchies, drill-down/up.

Report pages build an `OlapQuery` (measures, row and column levels, slices, a period, an
optional comparison) and call `run_query(query, actor=user)`; every query is limited to the
customers the actor may see (`access.customer_predicate`, the iam visibility rule).

Result rows carry, per row level, `"<dimension>.<level>"` (the member key, what a `Slice`
takes) and `"<dimension>.<level>__label"` (what to show: a product's or customer's name,
a translated channel); then one value per measure. Money values are `Decimal` with two
places, counts `int`, `arpu` money. With `compare`, each row also has `<m>__compare` (the
value in the previous period or year) and `<m>__change` (ratio, (cur - prev) / prev; None
when prev is 0 or missing). With `columns`, measures are pivoted: one column per member and
measure, keyed `"<measure>|<member>"` (members of several column levels joined with " / ").

Definitions: revenue counts order lines of orders not cancelled or returned; a *new*
customer in a cell placed their first order ever on a day of that cell; returning customers
= customers − new customers. `interactions`/`interaction_cost` come from the interaction
fact and cannot be split by product.

The SQL (`aggregate`) is plain ANSI: joins, GROUP BY, COUNT(DISTINCT), CASE, bound parameters,
no ROLLUP/CUBE or engine-specific functions, identifiers only from the whitelists below, so
it moves to a larger engine (Postgres, Trino, BigQuery ...) through sqlglot/Ibis unchanged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reservoir.core.errors import InvalidInput

if TYPE_CHECKING:
    from reservoir.iam.models import User


@dataclass(frozen=True)
class Measure:
    name: str
    label: Promise | str
    format: str  # "money" | "int" | "float"
    fact: str  # "sales" | "interactions"


@dataclass(frozen=True)
class LevelDef:
    name: str
    label: Promise | str


@dataclass(frozen=True)
class Hierarchy:
    name: str
    label: Promise | str
    levels: tuple[LevelDef, ...]


@dataclass(frozen=True)
class Level:
    dimension: str
    level: str


@dataclass(frozen=True)
class Slice:
    dimension: str
    level: str
    value: str


@dataclass(frozen=True)
class OlapQuery:
    measures: tuple[str, ...]
    rows: tuple[Level, ...] = ()
    columns: tuple[Level, ...] = ()
    slices: tuple[Slice, ...] = ()
    start: dt.date | None = None
    end: dt.date | None = None
    compare: str = ""  # "" | "previous_period" | "previous_year"
    limit: int = 500


@dataclass(frozen=True)
class OlapResult:
    query: OlapQuery
    row_headers: list[str]
    columns: list[str]
    column_labels: dict[str, str]
    rows: list[dict[str, Any]]
    totals: dict[str, Any]
    refreshed_at: dt.datetime | None = None
    extra: dict[str, Any] = field(default_factory=dict)


MEASURES: dict[str, Measure] = {
    "revenue": Measure("revenue", _("Revenue"), "money", "sales"),
    "orders": Measure("orders", _("Orders"), "int", "sales"),
    "customers": Measure("customers", _("Customers"), "int", "sales"),
    "quantity": Measure("quantity", _("Quantity"), "int", "sales"),
    "arpu": Measure("arpu", _("Revenue per customer"), "money", "sales"),
    "new_customers": Measure("new_customers", _("New customers"), "int", "sales"),
    "returning_customers": Measure("returning_customers", _("Returning customers"), "int", "sales"),
    "interactions": Measure("interactions", _("Interactions"), "int", "interactions"),
    "interaction_cost": Measure("interaction_cost", _("Interaction cost"), "money", "interactions"),
}

DIMENSIONS: dict[str, Hierarchy] = {
    "date": Hierarchy(
        "date",
        _("Date"),
        (
            LevelDef("year", _("Year")),
            LevelDef("quarter", _("Quarter")),
            LevelDef("month", _("Month")),
            LevelDef("day", _("Day")),
        ),
    ),
    "product": Hierarchy(
        "product",
        _("Product"),
        (
            LevelDef("category", _("Category")),
            LevelDef("subcategory", _("Subcategory")),
            LevelDef("product", _("Product")),
        ),
    ),
    "region": Hierarchy(
        "region",
        _("Region"),
        (
            LevelDef("province", _("Province / state")),
            LevelDef("city", _("City")),
            LevelDef("customer", _("Customer")),
        ),
    ),
    "channel": Hierarchy("channel", _("Channel"), (LevelDef("channel", _("Channel")),)),
    "staff": Hierarchy("staff", _("Staff"), (LevelDef("staff", _("Staff member")),)),
    "segment": Hierarchy("segment", _("Segment"), (LevelDef("segment", _("Segment")),)),
}


COMPARES = ("", "previous_period", "previous_year")
MAX_LIMIT = 10_000


def levels_of(dimension: str) -> tuple[str, ...]:
    return tuple(lv.name for lv in DIMENSIONS[dimension].levels)


def level_label(dimension: str, level: str) -> str:
    for lv in DIMENSIONS[dimension].levels:
        if lv.name == level:
            return str(lv.label)
    return level


def validate(query: OlapQuery) -> None:
    """Raise InvalidInput with a clear message when `query` cannot run."""
    if not query.measures:
        raise InvalidInput(gettext("Choose at least one measure."), field="measures")
    for m in query.measures:
        if m not in MEASURES:
            raise InvalidInput(gettext("Unknown measure: %(m)s.") % {"m": m}, field="measures")
    if len(set(query.measures)) != len(query.measures):
        raise InvalidInput(gettext("A measure is listed twice."), field="measures")
    levels = (*query.rows, *query.columns)
    for lv in levels:
        _check_level(lv.dimension, lv.level, "rows")
    if len({lv.dimension for lv in levels}) != len(levels):
        raise InvalidInput(gettext("Use each dimension once in rows and columns."), field="rows")
    for sl in query.slices:
        _check_level(sl.dimension, sl.level, "slices")
        if not isinstance(sl.value, str) or len(sl.value) > 200:
            raise InvalidInput(gettext("A filter value is too long."), field="slices")
    facts = {MEASURES[m].fact for m in query.measures}
    uses_product = any(lv.dimension == "product" for lv in levels) or any(
        sl.dimension == "product" for sl in query.slices
    )
    if uses_product and "interactions" in facts:
        raise InvalidInput(
            gettext("Interactions cannot be broken down or filtered by product."), field="measures"
        )
    if query.start and query.end and query.start > query.end:
        raise InvalidInput(gettext("The period starts after it ends."), field="start")
    if query.compare not in COMPARES:
        raise InvalidInput(
            gettext("Unknown comparison: %(c)s.") % {"c": query.compare}, field="compare"
        )
    if query.compare and query.columns:
        raise InvalidInput(
            gettext("A comparison cannot be combined with pivot columns."), field="compare"
        )
    dated = any(sl.dimension == "date" for sl in query.slices)
    if query.compare and not (query.start and query.end) and not dated:
        raise InvalidInput(
            gettext("A comparison needs a period: set a start and an end, or filter on a date."),
            field="compare",
        )
    if not 1 <= query.limit <= MAX_LIMIT:
        raise InvalidInput(
            gettext("The row limit must be between 1 and %(n)s.") % {"n": MAX_LIMIT}, field="limit"
        )


def _check_level(dimension: str, level: str, field_name: str) -> None:
    if dimension not in DIMENSIONS:
        raise InvalidInput(
            gettext("Unknown dimension: %(d)s.") % {"d": dimension}, field=field_name
        )
    if level not in levels_of(dimension):
        raise InvalidInput(
            gettext("Unknown level %(l)s of %(d)s.") % {"l": level, "d": dimension},
            field=field_name,
        )


def run_query(query: OlapQuery, *, actor: User) -> OlapResult:
    """Run `query` over the customers `actor` may see. Raises InvalidInput on a bad query."""
    from reservoir.analytics.warehouse import engine

    validate(query)
    return engine.run(query, actor)


def drill_down(query: OlapQuery, member: Slice) -> OlapQuery:
    """Filter on `member` and show the next finer level of its dimension instead.

    The dimension's level in rows (or columns) is replaced; when the dimension is in
    neither, the finer level is added to the rows. Raises InvalidInput at the finest level.
    """
    _check_level(member.dimension, member.level, "member")
    names = levels_of(member.dimension)
    index = names.index(member.level)
    if index + 1 >= len(names):
        raise InvalidInput(gettext("This is the finest level; there is nothing to drill into."))
    finer = Level(member.dimension, names[index + 1])
    slices = tuple(s for s in query.slices if s != member) + (member,)
    rows, columns = list(query.rows), list(query.columns)
    placed = False
    for seq in (rows, columns):
        for i, lv in enumerate(seq):
            if lv.dimension == member.dimension:
                seq[i], placed = finer, True
    if not placed:
        rows.append(finer)
    return replace(query, rows=tuple(rows), columns=tuple(columns), slices=slices)


def drill_up(query: OlapQuery, dimension: str) -> OlapQuery:
    """Remove the finest filter on `dimension` and show that filter's level again.

    Without a filter on the dimension, its shown level becomes one level coarser. Raises
    InvalidInput when there is nothing coarser.
    """
    if dimension not in DIMENSIONS:
        raise InvalidInput(
            gettext("Unknown dimension: %(d)s.") % {"d": dimension}, field="dimension"
        )
    names = levels_of(dimension)
    mine = [s for s in query.slices if s.dimension == dimension]
    shown = [lv for lv in (*query.rows, *query.columns) if lv.dimension == dimension]
    if mine:
        finest = max(mine, key=lambda s: names.index(s.level))
        slices = tuple(s for s in query.slices if s != finest)
        target = Level(dimension, finest.level)
    elif shown and names.index(shown[0].level) > 0:
        slices = query.slices
        target = Level(dimension, names[names.index(shown[0].level) - 1])
    else:
        raise InvalidInput(gettext("This is the coarsest level; there is nothing to drill up to."))
    rows = tuple(target if lv.dimension == dimension else lv for lv in query.rows)
    columns = tuple(target if lv.dimension == dimension else lv for lv in query.columns)
    if not shown:
        rows = (*rows, target)
    return replace(query, rows=rows, columns=columns, slices=slices)


def cohort_retention(
    *, actor: User, start: dt.date | None = None, end: dt.date | None = None
) -> list[dict[str, Any]]:
    """Monthly cohorts of first orders (first order between `start` and `end`), visible to
    `actor`: [{"cohort": "2025-03", "size": n, "retention": [share in month +1 .. +12]}];
    a share is None for months after the last data."""
    from reservoir.analytics.warehouse import cohorts

    return cohorts.cohort_retention(actor=actor, start=start, end=end)


def new_vs_returning(*, actor: User, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """Per month: customers buying for the first time ever vs. customers who bought before,
    and the revenue of each: [{"month", "new", "returning", "new_revenue",
    "returning_revenue"}] (money as Decimal)."""
    from reservoir.analytics.warehouse import cohorts

    return cohorts.new_vs_returning(actor=actor, start=start, end=end)
