"""Compile a table version into Python callables, once, and keep the active set cached.

A published version never changes, so its compiled form is cached by version id. Input
columns are evaluated once per decision; a plain fact path is a dictionary read, anything
else a celpy CompiledRunner program. Each row keeps only its non-"-" cells as
(column, predicate) pairs, so a 200-row table costs a few hundred closure calls.

The active set (which published version of each table is in force) is reloaded from the
database at most once a second per process, and at once in the process that publishes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from reservoir.decisions import facts as registry
from reservoir.decisions.cells import Cell, Test, compile_cell
from reservoir.decisions.enums import HitPolicy, VersionStatus
from reservoir.decisions.expressions import ExpressionError, check, evaluator
from reservoir.decisions.facts import FactSet
from reservoir.decisions.models import TableInput, TableRow, TableVersion
from reservoir.decisions.types import DYN, FactType

RELOAD_SECONDS = 1.0
UNDEFINED: Any = None  # an input whose expression failed: only "-" cells match it


class TableError(Exception):
    """Everything wrong with a version, as (where, message) pairs."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{w}: {m}" for w, m in errors))


@dataclass(frozen=True)
class Outputs:
    offer_code: str
    offer_kind: str
    offer_margin: Decimal | None
    discount_pct: Decimal | None
    discount_on: str
    price_list: str
    suppress: str
    script: str
    priority: int | None
    reason: str


@dataclass(frozen=True)
class CompiledInput:
    label: str
    source: str
    type: FactType
    run: Any  # fn(facts, variables) → value
    paths: frozenset[str]


@dataclass(frozen=True)
class CompiledRow:
    position: int
    tests: tuple[tuple[int, Test], ...]
    cells: tuple[str, ...]
    outputs: Outputs


@dataclass(frozen=True)
class CompiledTable:
    key: str
    name: str
    position: int
    version_id: int
    number: int
    hit_policy: str
    effective_from: dt.datetime | None
    effective_to: dt.datetime | None
    inputs: tuple[CompiledInput, ...]
    rows: tuple[CompiledRow, ...]

    def in_force(self, at: dt.datetime) -> bool:
        return (self.effective_from is None or self.effective_from <= at) and (
            self.effective_to is None or at < self.effective_to
        )

    def values(self, facts: FactSet) -> list[Any]:
        """Evaluate the input columns; the same expression in two tables runs once."""
        out = []
        memo = facts.memo
        for inp in self.inputs:
            if inp.source in memo:
                out.append(memo[inp.source])
                continue
            try:
                value = inp.run(facts, {})
            except Exception:  # noqa: BLE001 - a failed expression is "undefined", by design
                value = UNDEFINED
            memo[inp.source] = value
            out.append(value)
        return out

    def matches(self, values: list[Any], facts: FactSet) -> list[CompiledRow]:
        """The rows whose every test passes, in table order, cut short by the hit policy."""
        hits = []
        for row in self.rows:
            for col, test in row.tests:
                try:
                    if not test(values[col], facts):
                        break
                except Exception:  # noqa: BLE001 - an erroring cell is a non-match
                    break
            else:
                if self.hit_policy == HitPolicy.FIRST:
                    return [row]
                hits.append(row)
        if self.hit_policy == HitPolicy.PRIORITY and hits:
            best = max(hits, key=lambda r: (r.outputs.priority or 0, -r.position))
            return [best]
        return hits


def compile_input(inp: TableInput, schema: Mapping[str, FactType]) -> CompiledInput:
    checked = check(inp.expression, schema)
    return CompiledInput(inp.label, checked.source, checked.type, evaluator(checked), checked.paths)


def compile_row(
    row: TableRow, inputs: list[CompiledInput], schema: Mapping[str, FactType]
) -> tuple[CompiledRow, set[str]]:
    """Compile a row's cells; return it and the fact paths its non-"-" cells depend on."""
    cells = list(row.cells or [])
    cells += ["-"] * (len(inputs) - len(cells))
    tests: list[tuple[int, Test]] = []
    paths: set[str] = set()
    for col, (text, inp) in enumerate(zip(cells, inputs, strict=False)):
        cell: Cell = compile_cell(str(text), inp.type, schema)
        if cell.test is not None:
            tests.append((col, cell.test))
            paths |= inp.paths | cell.paths
    outputs = Outputs(
        row.offer_code, row.offer_kind, row.offer_margin, row.discount_pct, row.discount_on,
        row.price_list, row.suppress, row.script, row.priority, row.reason,
    )  # fmt: skip
    return CompiledRow(row.position, tuple(tests), tuple(str(c) for c in cells), outputs), paths


def channel_error(commercial: bool, paths: set[str]) -> str | None:
    """Why a commercial row may not depend on these facts, or None (P3: same answer everywhere)."""
    hidden = sorted(paths & registry.presentation_only())
    if commercial and hidden:
        return _(
            "This rule depends on %(facts)s, so it may only set a script or a routing priority: "
            "offers, discounts, price lists and suppressions must be the same in every channel."
        ) % {"facts": ", ".join(hidden)}
    return None


def compile_version(version: TableVersion) -> CompiledTable:
    """Compile every input and row; raise TableError listing everything that is wrong."""
    schema = registry.schema()
    errors: list[tuple[str, str]] = []
    inputs: list[CompiledInput] = []
    for i, inp in enumerate(version.inputs.all()):
        try:
            inputs.append(compile_input(inp, schema))
        except ExpressionError as exc:
            errors.append((_("Input %(n)s") % {"n": i + 1}, exc.message))
            inputs.append(CompiledInput(inp.label, inp.expression, DYN, None, frozenset()))
    rows: list[CompiledRow] = []
    table_paths: set[str] = set()
    row_paths: list[tuple[TableRow, set[str]]] = []
    for r, row in enumerate(version.rows.all()):
        try:
            compiled, paths = compile_row(row, inputs, schema)
        except ExpressionError as exc:
            errors.append((_("Row %(n)s") % {"n": r + 1}, exc.message))
            continue
        rows.append(compiled)
        table_paths |= paths
        row_paths.append((row, paths))
    for row, paths in row_paths:
        # With first/priority hits, a channel-dependent row can shadow a commercial one.
        scope = paths if version.hit_policy == HitPolicy.COLLECT else table_paths
        commercial = row.is_commercial or (
            version.hit_policy != HitPolicy.COLLECT and any(r.is_commercial for r, _p in row_paths)
        )
        problem = channel_error(commercial, scope)
        if problem:
            errors.append((_("Row %(n)s") % {"n": row.position + 1}, problem))
    if errors:
        raise TableError(errors)
    table = version.table
    return CompiledTable(
        table.key, table.name, table.position, version.pk, version.number, version.hit_policy,
        version.effective_from, version.effective_to, tuple(inputs), tuple(rows),
    )  # fmt: skip


class _ActiveSet:
    """Published versions, compiled, reloaded at most every RELOAD_SECONDS."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.loaded_at = -1e9
        self.tables: list[CompiledTable] = []
        # Keyed by (id, published at): ids can be reused after a rollback.
        self.by_version: dict[tuple[int, Any], CompiledTable] = {}
        self.signature: list[Any] = []

    def invalidate(self) -> None:
        self.loaded_at = -1e9
        self.signature = [None]

    def get(self) -> list[CompiledTable]:
        if time.monotonic() - self.loaded_at > RELOAD_SECONDS:
            with self.lock:
                if time.monotonic() - self.loaded_at > RELOAD_SECONDS:
                    self.refresh()
        return self.tables

    def refresh(self) -> None:
        """One small query; the versions are loaded and compiled only when it changed."""
        signature = list(
            TableVersion.objects.filter(status=VersionStatus.PUBLISHED)
            .order_by("pk")
            .values_list("pk", "published_at", "effective_from", "effective_to", "table__position")
        )
        if signature != self.signature:
            self.reload()
            self.signature = signature
        self.loaded_at = time.monotonic()

    def reload(self) -> None:
        versions = (
            TableVersion.objects.filter(status=VersionStatus.PUBLISHED)
            .select_related("table")
            .prefetch_related(
                Prefetch("inputs", queryset=TableInput.objects.order_by("position", "id")),
                Prefetch("rows", queryset=TableRow.objects.order_by("position", "id")),
            )
        )
        tables: list[CompiledTable] = []
        cache: dict[tuple[int, Any], CompiledTable] = {}
        for version in versions:
            key = (version.pk, version.published_at)
            compiled = self.by_version.get(key)
            if compiled is not None:
                t = version.table
                compiled = dataclasses.replace(compiled, position=t.position, name=t.name)
            else:
                try:
                    compiled = compile_version(version)
                except TableError:
                    continue  # a schema change broke it; the editor shows why
            cache[key] = compiled
            tables.append(compiled)
        tables.sort(key=lambda t: (t.position, t.key, -t.number))
        self.by_version = cache
        self.tables = tables
        self.loaded_at = time.monotonic()


ACTIVE = _ActiveSet()


def tables_in_force(at: dt.datetime) -> list[CompiledTable]:
    """For each table, its newest published version in force at `at`, in evaluation order."""
    seen: set[str] = set()
    out = []
    for table in ACTIVE.get():
        if table.key not in seen and table.in_force(at):
            seen.add(table.key)
            out.append(table)
    return out
