"""Run a report's state against the warehouse and describe what the page shows.

Shared by the fixed reports, the explorer and their exports, so the table on the screen and
the file downloaded are built by the same code from the same URL.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from django.http import HttpRequest, QueryDict
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from reservoir.analytics.exports import Table, table_from_result
from reservoir.analytics.forms import (
    ExplorerForm,
    ReportState,
    dimension_label,
    level_label,
    levels_of,
)
from reservoir.analytics.warehouse.query import (
    Level,
    OlapQuery,
    OlapResult,
    Slice,
    drill_down,
    drill_up,
    run_query,
)
from reservoir.core.errors import DomainError
from reservoir.iam.models import User


@dataclass(frozen=True)
class Chip:
    """One slice of the drill path, with the URL that removes it."""

    label: str
    value: str
    remove_url: str


@dataclass
class Shown:
    form: ExplorerForm
    state: ReportState
    actor: User
    result: OlapResult | None = None
    table: Table | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def status(self) -> int:
        return 400 if self.errors else 200


def run(request: HttpRequest, defaults: ReportState, title: str, *, actor: User) -> Shown:
    """Validate the request's query string and run it; errors become messages, not 500s."""
    form = ExplorerForm(request.GET, defaults=defaults)
    if not form.is_valid():
        return Shown(form=form, state=defaults, actor=actor, errors=form.messages())
    state = form.state()
    shown = Shown(form=form, state=state, actor=actor)
    try:
        shown.result = run_query(state.query, actor=actor)
    except DomainError as exc:
        shown.errors = [exc.message]
        return shown
    shown.table = table_from_result(shown.result, title)
    return shown


def member_url(state: ReportState, member: Slice) -> str:
    """Where a click on a row member goes: into the dimension chosen in "drill", else one
    level down its own hierarchy ("" at the bottom level: nothing below)."""
    query = state.query
    if state.drill and state.drill != member.dimension:
        target = Level(state.drill, levels_of(state.drill)[0])
        drilled = replace(query, slices=(*query.slices, member), rows=(target,))
        return "?" + state.url(query=drilled, drill="")
    if member.level == levels_of(member.dimension)[-1]:
        return ""
    return "?" + state.url(query=drill_down(query, member))


def up_url(state: ReportState) -> str:
    """One level up the row dimension's hierarchy ("" when already at the top)."""
    query = state.query
    if not query.rows:
        return ""
    dim = query.rows[0].dimension
    if not any(s.dimension == dim for s in query.slices):
        return ""
    return "?" + state.url(query=drill_up(query, dim))


# Levels whose member key is an id or a code, not what a person reads.
KEYED_LEVELS = {
    ("product", "product"),
    ("region", "customer"),
    ("staff", "staff"),
    ("channel", "channel"),
}


def slice_label(member: Slice, *, actor: User) -> str:
    """What a person reads for a slice: the product's or customer's name, the channel's
    label. Asked of the warehouse as `actor`, so a member the actor may not see keeps its key."""
    if (member.dimension, member.level) not in KEYED_LEVELS:
        return member.value
    probe = OlapQuery(
        measures=("orders",),
        rows=(Level(member.dimension, member.level),),
        slices=(member,),
        limit=1,
    )
    try:
        result = run_query(probe, actor=actor)
    except DomainError:
        return member.value
    key = f"{member.dimension}.{member.level}"
    for row in result.rows:
        return str(row.get(f"{key}__label") or member.value)
    return member.value


def chips(state: ReportState, *, actor: User) -> list[Chip]:
    """The slices in drill order; removing one also removes the finer slices of its dimension
    (a month without its year would no longer be the path the user took)."""
    query = state.query
    out = []
    for i, s in enumerate(query.slices):
        names = levels_of(s.dimension)
        depth = names.index(s.level)
        kept = tuple(
            other
            for j, other in enumerate(query.slices)
            if j != i and not (other.dimension == s.dimension and names.index(other.level) > depth)
        )
        label = level_label(s.dimension, s.level)
        if len(names) == 1:
            label = dimension_label(s.dimension)
        value = slice_label(s, actor=actor)
        out.append(Chip(label, value, "?" + state.url(query=replace(query, slices=kept))))
    return out


def export_query(request: HttpRequest) -> str:
    """The request's own query string (an export link reproduces the page exactly)."""
    params: QueryDict = request.GET.copy()
    return params.urlencode()


def period_presets(state: ReportState, today: dt.date) -> list[tuple[str, str, bool]]:
    """(label, url, active) of the quick period choices."""
    year = today.year
    back = today.month - 11
    twelve = dt.date(year + (back - 1) // 12, (back - 1) % 12 + 1, 1)
    choices: list[tuple[str, dt.date | None, dt.date | None]] = [
        (_("All time"), None, None),
        (_("This year"), dt.date(year, 1, 1), dt.date(year, 12, 31)),
        (_("Last year"), dt.date(year - 1, 1, 1), dt.date(year - 1, 12, 31)),
        (_("Last 12 months"), twelve, today),
    ]
    query = state.query
    out = []
    for label, start, end in choices:
        url = "?" + state.url(query=replace(query, start=start, end=end))
        out.append((str(label), url, query.start == start and query.end == end))
    return out


def display(value: object, fmt: str) -> str:
    """A cell as text for the page: grouped digits, money with two decimals, change in %."""
    if value is None or value == "":
        return "—"
    if fmt == "text":
        return str(value)
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    if fmt == "share":
        return f"{number_format(number * 100, decimal_pos=1, use_l10n=True)}%"
    if fmt == "percent":
        sign = "+" if number > 0 else ""
        return f"{sign}{number_format(number * 100, decimal_pos=1, use_l10n=True)}%"
    decimals = 0 if fmt == "int" else 2
    return number_format(number, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def display_rows(table: Table, links: list[str]) -> list[dict[str, Any]]:
    """The table's rows ready for the template: cells as (text, numeric, tone, is_header),
    and the link a click on the row's member follows."""
    out = []
    for row, link in zip(table.rows, links, strict=True):
        cells = []
        for value, column in zip(row.cells, table.columns, strict=True):
            tone = ""
            if column.format == "percent" and isinstance(value, int | float) and value:
                tone = "up" if value > 0 else "down"
            cells.append((display(value, column.format), column.numeric, tone, column.header))
        out.append({"cells": cells, "link": link, "member": row.member})
    return out


def display_totals(table: Table) -> list[tuple[str, bool]]:
    if not table.totals:
        return []
    return [
        (display(v, c.format) if not c.header else str(v or ""), c.numeric)
        for v, c in zip(table.totals, table.columns, strict=True)
    ]


def hidden_fields(state: ReportState, *, skip: tuple[str, ...]) -> list[tuple[str, str]]:
    """(name, value) of the state's parameters that a form does not show, so submitting the
    form keeps them (the drill slices, measures, ...)."""
    params = state.params()
    return [(k, v) for k in params for v in params.getlist(k) if k not in skip]
