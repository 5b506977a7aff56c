"""The table a report shows, and that same table as CSV or XLSX.

`table_from_result` turns an OlapResult into the rows and columns the page renders; the
exports write exactly that table, so a download matches the screen. XLSX is written with
openpyxl: numbers stay numbers (money with two decimals and a thousands separator, change as
a percentage), headers bold, the header row frozen. CSV is UTF-8 with a BOM (Excel opens
Chinese names correctly) and plain numbers (no thousands separators).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from reservoir.analytics.warehouse.query import MEASURES, OlapResult, Slice

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
NUMBER_FORMATS = {
    "money": "#,##0.00",
    "int": "#,##0",
    "float": "#,##0.00",
    "percent": "0.0%",
    "share": "0.0%",
}
_SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass(frozen=True)
class Column:
    """One column as shown: `format` is text, money, int, float, percent (a change, signed)
    or share (a part of a whole); percent and share values are fractions (0.25 = 25%)."""

    key: str
    label: str
    format: str = "text"
    header: bool = False  # a row-header column (a dimension level), not a figure

    @property
    def numeric(self) -> bool:
        return self.format != "text"


@dataclass(frozen=True)
class Row:
    cells: list[Any]
    member: Slice | None = None  # the row's member on the row level (what a click drills into)


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[Row]
    totals: list[Any] | None = None
    notes: list[str] = field(default_factory=list)

    def column_index(self, key: str) -> int:
        return next(i for i, c in enumerate(self.columns) if c.key == key)

    def values(self, key: str) -> list[Any]:
        """The cells of one column, top to bottom."""
        i = self.column_index(key)
        return [row.cells[i] for row in self.rows]


def column_format(key: str) -> str:
    """The format of a result column from its key: `<m>`, `<m>__compare`, `<m>__change`,
    and pivot columns that start with the measure key (`<m>|<member>`)."""
    if key.endswith("__change"):
        return "percent"
    base = re.split(r"__|\|", key, maxsplit=1)[0]
    measure = MEASURES.get(base)
    return measure.format if measure else "text"


def table_from_result(result: OlapResult, title: str) -> Table:
    """The page's table: one column per row-header level (showing the member's label, e.g. a
    product's name, while the row keeps the member's key for drilling), then one column per
    figure."""
    level = result.query.rows[-1] if result.query.rows else None
    columns = [
        Column(k, result.column_labels.get(k, k), "text", header=True) for k in result.row_headers
    ]
    columns += [Column(k, result.column_labels.get(k, k), column_format(k)) for k in result.columns]
    rows = []
    for raw in result.rows:
        member = None
        if level is not None:
            value = raw.get(f"{level.dimension}.{level.level}")
            if value is not None and value != "":
                member = Slice(level.dimension, level.level, str(value))
        cells = [
            raw.get(f"{c.key}__label", raw.get(c.key)) if c.header else raw.get(c.key)
            for c in columns
        ]
        rows.append(Row(cells, member))
    totals = None
    if result.totals:
        totals = [
            (_("Total") if i == 0 else "") if c.header else result.totals.get(c.key)
            for i, c in enumerate(columns)
        ]
    notes = []
    if result.extra.get("truncated"):
        notes.append(
            _("Only the first %(n)s rows are shown; filter or choose a coarser level.")
            % {"n": len(rows)}
        )
    return Table(title=title, columns=columns, rows=rows, totals=totals, notes=notes)


def _number(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return value


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    value = _number(value)
    if isinstance(value, float):
        return repr(round(value, 6)).removesuffix(".0") if value == int(value) else repr(value)
    text = str(value)
    # A cell that a spreadsheet would run as a formula is quoted (CSV injection).
    if text[:1] in ("=", "+", "-", "@") and not _looks_numeric(text):
        return "'" + text
    return text


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def to_csv(table: Table) -> bytes:
    """The table as CSV: header labels, the rows, then the totals line if any."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.label for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_cell(v) for v in row.cells])
    if table.totals:
        writer.writerow([_csv_cell(v) for v in table.totals])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(table: Table) -> bytes:
    """The table as an XLSX workbook with one sheet: figures as numbers, formatted."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = _sheet_title(table.title)
    bold = Font(bold=True)
    ws.append([c.label for c in table.columns])
    for cell in ws[1]:
        cell.font = bold
    for row in table.rows:
        ws.append([_xlsx_value(v, c) for v, c in zip(row.cells, table.columns, strict=True)])
    if table.totals:
        ws.append([_xlsx_value(v, c) for v, c in zip(table.totals, table.columns, strict=True)])
        for cell in ws[ws.max_row]:
            cell.font = bold
    for i, column in enumerate(table.columns, start=1):
        letter = get_column_letter(i)
        if column.numeric:
            for (cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = NUMBER_FORMATS[column.format]
        width = max([len(str(column.label))] + [len(str(r.cells[i - 1] or "")) for r in table.rows])
        ws.column_dimensions[letter].width = min(max(width + 2, 10), 48)
    ws.freeze_panes = "A2"
    for note in table.notes:
        ws.append([])
        ws.append([note])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value: Any, column: Column) -> Any:
    if value is None or value == "":
        return None
    if column.numeric:
        number = _number(value)
        return number if isinstance(number, int | float) else None
    text = str(value)
    return "'" + text if text[:1] == "=" else text


def _sheet_title(title: str) -> str:
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", title).strip() or "Report"
    return cleaned[:31]


def filename(title: str, extension: str) -> str:
    """An ASCII file name for Content-Disposition (the title may be Chinese)."""
    stem = _SAFE_NAME.sub("-", title.lower()).strip("-") or "report"
    return f"{stem[:60]}.{extension}"


def table_rows(table: Table) -> Sequence[Sequence[Any]]:
    """Header plus rows, for tests and simple consumers."""
    return [[c.label for c in table.columns], *[r.cells for r in table.rows]]
