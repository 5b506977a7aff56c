"""Writes for contact rules: tables, drafts, input columns, rows, publishing and retiring.

Only drafts are edited; publishing compiles the whole version (every expression and cell is
type-checked against the fact schema) and makes it the one in force. Every write is audited
in the caller's transaction; publishing and retiring refresh this process's active set at
once (others within `compiler.RELOAD_SECONDS`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from reservoir.audit import services as audit
from reservoir.core.errors import Conflict, InvalidInput, PermissionDenied
from reservoir.decisions import facts as registry
from reservoir.decisions.compiler import (
    ACTIVE,
    TableError,
    channel_error,
    compile_input,
    compile_row,
    compile_version,
)
from reservoir.decisions.enums import HitPolicy, VersionStatus
from reservoir.decisions.expressions import ExpressionError, check
from reservoir.decisions.models import DecisionTable, TableInput, TableRow, TableVersion
from reservoir.iam.enums import Role
from reservoir.iam.models import User

ROW_OUTPUTS = (
    "offer_code", "offer_kind", "offer_margin", "discount_pct", "discount_on", "price_list",
    "suppress", "script", "priority", "reason",
)  # fmt: skip


def can_edit(user: Any) -> bool:
    """Marketers, managers and administrators write contact rules; everyone may read them."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(Role.MARKETER)


def _require_editor(by: User) -> None:
    if not can_edit(by):
        raise PermissionDenied(
            _("Only marketers, managers and administrators change contact rules.")
        )


def _require_draft(version: TableVersion) -> None:
    if version.status != VersionStatus.DRAFT:
        raise Conflict(_("Only a draft can be changed; start a new draft first."))


@transaction.atomic
def create_table(
    *, key: str, name: str, by: User, description: str = "", position: int = 100,
    hit_policy: str = HitPolicy.FIRST,
) -> DecisionTable:  # fmt: skip
    """Create a table with an empty draft (version 1). Side effects: 2 audit entries."""
    _require_editor(by)
    if DecisionTable.objects.filter(key=key).exists():
        raise InvalidInput(_("A table with this key exists already."), field="key")
    table = DecisionTable.objects.create(
        key=key, name=name, description=description, position=position
    )
    draft = TableVersion.objects.create(table=table, number=1, hit_policy=hit_policy, created_by=by)
    audit.record(by, "decisions.table.created", table, data={"key": key})
    audit.record(by, "decisions.draft.created", draft, data={"number": 1})
    return table


@transaction.atomic
def update_table(table: DecisionTable, *, by: User, **fields: Any) -> DecisionTable:
    """Change name, description or evaluation order (not versioned). Side effects: audit."""
    _require_editor(by)
    before = audit.snapshot(table, ["name", "description", "position"])
    for name, value in fields.items():
        setattr(table, name, value)
    table.save()
    changes = audit.diff(before, audit.snapshot(table, ["name", "description", "position"]))
    audit.record(by, "decisions.table.updated", table, changes)
    ACTIVE.invalidate()
    return table


@transaction.atomic
def start_draft(table: DecisionTable, *, by: User) -> TableVersion:
    """Return the table's draft, creating one as a copy of its newest version if needed.

    Side effects: a new version with copied inputs and rows; audit entry.
    """
    _require_editor(by)
    draft = table.versions.filter(status=VersionStatus.DRAFT).first()
    if draft is not None:
        return draft
    source = table.versions.order_by("-number").first()
    number = (table.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    try:
        draft = TableVersion.objects.create(
            table=table, number=number, created_by=by,
            hit_policy=source.hit_policy if source else HitPolicy.FIRST,
            effective_from=None, effective_to=source.effective_to if source else None,
        )  # fmt: skip
    except IntegrityError as exc:
        raise Conflict(_("Someone else started a draft a moment ago; reload the page.")) from exc
    if source is not None:
        TableInput.objects.bulk_create(
            TableInput(version=draft, position=i.position, label=i.label,
                       expression=i.expression, value_type=i.value_type)
            for i in source.inputs.all()
        )  # fmt: skip
        TableRow.objects.bulk_create(
            TableRow(version=draft, position=r.position, cells=list(r.cells),
                     **{f: getattr(r, f) for f in ROW_OUTPUTS})
            for r in source.rows.all()
        )  # fmt: skip
    audit.record(by, "decisions.draft.created", draft, data={"number": number, "from": source})
    return draft


@transaction.atomic
def set_hit_policy(draft: TableVersion, hit_policy: str, *, by: User) -> None:
    _require_editor(by)
    _require_draft(draft)
    if hit_policy not in HitPolicy.values:
        raise InvalidInput(_("Unknown hit policy."), field="hit_policy")
    audit.record(
        by, "decisions.draft.updated", draft, {"hit_policy": [draft.hit_policy, hit_policy]}
    )
    draft.hit_policy = hit_policy
    draft.save(update_fields=["hit_policy"])


@transaction.atomic
def save_input(
    draft: TableVersion, *, label: str, expression: str, by: User, column: TableInput | None = None
) -> TableInput:
    """Add or change an input column; the expression is type-checked against the fact schema.

    Raises InvalidInput(field="expression") naming the position and the reason.
    Side effects: audit entry; a new column gets "-" in every row.
    """
    _require_editor(by)
    _require_draft(draft)
    try:
        checked = check(expression, registry.schema())
    except ExpressionError as exc:
        raise InvalidInput(exc.message, field="expression") from exc
    if column is None:
        position = draft.inputs.count()
        column = TableInput(version=draft, position=position)
        for row in draft.rows.all():
            row.cells = [*row.cells, "-"][: position + 1]
            row.save(update_fields=["cells"])
    before = audit.snapshot(column, ["label", "expression"]) if column.pk else {}
    column.label, column.expression, column.value_type = label, checked.source, str(checked.type)
    column.save()
    _check_rows_still_valid(draft)
    changes = audit.diff(before, audit.snapshot(column, ["label", "expression"]))
    audit.record(by, "decisions.input.saved", draft, changes, data={"input": column.pk})
    return column


def _check_rows_still_valid(draft: TableVersion) -> None:
    """Refuse a column change that makes an existing cell meaningless (e.g. a type change)."""
    schema = registry.schema()
    inputs = [compile_input(i, schema) for i in draft.inputs.all()]
    for row in draft.rows.all():
        try:
            compile_row(row, inputs, schema)
        except ExpressionError as exc:
            raise InvalidInput(
                _("Row %(n)s no longer fits this column: %(m)s")
                % {"n": row.position + 1, "m": exc.message},
                field="expression",
            ) from exc


@transaction.atomic
def delete_input(column: TableInput, *, by: User) -> None:
    """Remove a column and its cell in every row. Side effects: audit entry."""
    draft = column.version
    _require_editor(by)
    _require_draft(draft)
    index = list(draft.inputs.values_list("pk", flat=True)).index(column.pk)
    for row in draft.rows.all():
        row.cells = [c for i, c in enumerate(row.cells) if i != index]
        row.save(update_fields=["cells"])
    audit.record(by, "decisions.input.deleted", draft, data={"label": column.label})
    column.delete()
    for i, other in enumerate(draft.inputs.all()):
        if other.position != i:
            other.position = i
            other.save(update_fields=["position"])


@transaction.atomic
def save_row(
    draft: TableVersion, *, cells: list[str], by: User, row: TableRow | None = None, **outputs: Any
) -> TableRow:
    """Add or change a row. Each cell is compiled against its column's type.

    Raises InvalidInput(field="cell_<n>" or an output name). Side effects: audit entry.
    """
    _require_editor(by)
    _require_draft(draft)
    schema = registry.schema()
    inputs = [compile_input(i, schema) for i in draft.inputs.all()]
    if row is None:
        row = TableRow(version=draft, position=draft.rows.count())
    before = audit.snapshot(row, ["cells", *ROW_OUTPUTS]) if row.pk else {}
    row.cells = [c.strip() or "-" for c in cells][: len(inputs)]
    for name in ROW_OUTPUTS:
        if name in outputs:
            setattr(row, name, outputs[name])
    _validate_outputs(row)
    for i, text in enumerate(row.cells):
        probe = TableRow(cells=["-"] * i + [text])
        try:
            compile_row(probe, inputs[: i + 1], schema)
        except ExpressionError as exc:
            raise InvalidInput(exc.message, field=f"cell_{i}") from exc
    _compiled, paths = compile_row(row, inputs, schema)
    problem = channel_error(row.is_commercial, paths)
    if problem:
        raise InvalidInput(problem)
    row.save()
    changes = audit.diff(before, audit.snapshot(row, ["cells", *ROW_OUTPUTS]))
    audit.record(by, "decisions.row.saved", draft, changes, data={"row": row.position + 1})
    return row


def _validate_outputs(row: TableRow) -> None:
    if row.discount_pct is not None and not Decimal(0) < Decimal(row.discount_pct) <= 100:
        raise InvalidInput(
            _("A discount is more than 0 % and at most 100 %."), field="discount_pct"
        )
    if not (row.is_commercial or row.script or row.priority is not None or row.reason):
        raise InvalidInput(
            _("Give the rule at least one output (an offer, a discount, a script, …).")
        )


@transaction.atomic
def move_row(row: TableRow, delta: int, *, by: User) -> None:
    """Move a row up (-1) or down (+1); order matters to the "first" hit policy."""
    draft = row.version
    _require_editor(by)
    _require_draft(draft)
    rows = list(draft.rows.all())
    i = next(n for n, r in enumerate(rows) if r.pk == row.pk)
    j = max(0, min(len(rows) - 1, i + delta))
    rows.insert(j, rows.pop(i))
    for n, r in enumerate(rows):
        if r.position != n:
            r.position = n
            r.save(update_fields=["position"])
    audit.record(by, "decisions.row.moved", draft, {"row": [i + 1, j + 1]})


@transaction.atomic
def delete_row(row: TableRow, *, by: User) -> None:
    draft = row.version
    _require_editor(by)
    _require_draft(draft)
    audit.record(
        by, "decisions.row.deleted", draft, data={"row": row.position + 1, "cells": row.cells}
    )
    row.delete()
    for n, r in enumerate(draft.rows.all()):
        if r.position != n:
            r.position = n
            r.save(update_fields=["position"])


@transaction.atomic
def publish(
    draft: TableVersion, *, by: User, effective_from: dt.datetime | None = None,
    effective_to: dt.datetime | None = None, note: str = "",
) -> TableVersion:  # fmt: skip
    """Publish a draft: it replaces the version in force (from `effective_from`, or now).

    Raises InvalidInput listing every invalid input or row. Side effects: retires the
    versions it replaces (or ends them at `effective_from`); audit; refreshes the active set.
    """
    _require_editor(by)
    _require_draft(draft)
    if effective_from and effective_to and effective_to <= effective_from:
        raise InvalidInput(_("The end must come after the start."), field="effective_to")
    draft.effective_from, draft.effective_to = effective_from, effective_to
    try:
        compile_version(draft)
    except TableError as exc:
        raise InvalidInput("; ".join(f"{where}: {msg}" for where, msg in exc.errors)) from exc
    if not draft.rows.exists():
        raise InvalidInput(_("Add at least one row before publishing."))
    now = timezone.now()
    starts_later = effective_from is not None and effective_from > now
    for old in TableVersion.objects.filter(table=draft.table, status=VersionStatus.PUBLISHED):
        if starts_later:
            old.effective_to = min(filter(None, [old.effective_to, effective_from]))
            old.save(update_fields=["effective_to"])
        else:
            old.status = VersionStatus.RETIRED
            old.save(update_fields=["status"])
            audit.record(by, "decisions.version.retired", old, data={"replaced_by": draft.number})
    draft.status, draft.published_at, draft.published_by, draft.note = (
        VersionStatus.PUBLISHED, now, by, note,
    )  # fmt: skip
    draft.save()
    audit.record(by, "decisions.version.published", draft, data={
        "number": draft.number, "effective_from": effective_from, "effective_to": effective_to,
        "rows": draft.rows.count(), "note": note,
    })  # fmt: skip
    ACTIVE.invalidate()
    return draft


@transaction.atomic
def retire(version: TableVersion, *, by: User) -> None:
    """Take a published version out of force. Side effects: audit; refreshes the active set."""
    _require_editor(by)
    if version.status != VersionStatus.PUBLISHED:
        raise Conflict(_("Only a published version can be retired."))
    version.status = VersionStatus.RETIRED
    version.save(update_fields=["status"])
    audit.record(by, "decisions.version.retired", version)
    ACTIVE.invalidate()
