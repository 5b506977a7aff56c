"""Exporting a selection of parties to CSV, Excel (.xlsx) and vCard 3.0.

Only parties the actor may see are exported (`parties.selectors.for_user`), each export is
audited (who, how many, which format and filters), and no cell ever reaches a spreadsheet
as something it would execute: per the OWASP CSV-injection guidance, text starting with
= + - @ tab or CR is prefixed with a single quote, in CSV and XLSX alike, and XLSX cells
are written as strings, never formulas. CSV is UTF-8 with a BOM so that Excel opens Chinese
correctly; XLSX uses openpyxl's write-only mode (constant memory for big exports).
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reservoir.audit import services as audit
from reservoir.core.errors import InvalidInput
from reservoir.iam.models import User
from reservoir.parties import selectors as party_selectors
from reservoir.parties.enums import ContactKind, RelationshipKind
from reservoir.parties.models import ContactPoint, Party, PartyRole, PostalAddress, Relationship

FORMATS = {
    "csv": ("text/csv; charset=utf-8", "csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "vcf": ("text/vcard; charset=utf-8", "vcf"),
}
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 1000
MAX_IDS = 10_000
COLUMNS: tuple[tuple[str, Any], ...] = (
    ("id", gettext_lazy("ID")),
    ("kind", gettext_lazy("Kind")),
    ("display_name", gettext_lazy("Name")),
    ("family_name", gettext_lazy("Family name")),
    ("given_name", gettext_lazy("Given name")),
    ("company", gettext_lazy("Company")),
    ("title", gettext_lazy("Job title")),
    ("emails", gettext_lazy("Email")),
    ("phones", gettext_lazy("Phone")),
    ("wechat", gettext_lazy("WeChat")),
    ("street", gettext_lazy("Street address")),
    ("city", gettext_lazy("City")),
    ("region", gettext_lazy("Province / state")),
    ("postal_code", gettext_lazy("Postal code")),
    ("country", gettext_lazy("Country")),
    ("birth_date", gettext_lazy("Birth date")),
    ("gender", gettext_lazy("Gender")),
    ("roles", gettext_lazy("Roles")),
    ("owner", gettext_lazy("Owner")),
    ("team", gettext_lazy("Team")),
    ("source", gettext_lazy("Source")),
    ("created_at", gettext_lazy("Created")),
)


def safe_cell(value: object) -> str:
    """Return `value` as text a spreadsheet shows and never executes."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(TRIGGERS) else text


@dataclass(frozen=True)
class Export:
    filename: str
    content_type: str
    count: int
    chunks: Iterable[bytes]


def selection(*, actor: User, ids: Sequence[int] = (), **filters: Any) -> QuerySet[Party]:
    """The visible parties to export: `ids` when given, else the list filters."""
    if ids:
        if len(ids) > MAX_IDS:
            raise InvalidInput(
                _("Select at most %(n)s customers, or export the filtered list.") % {"n": MAX_IDS},
                field="ids",
            )
        return party_selectors.for_user(actor).filter(pk__in=list(ids)).order_by("pk")
    return party_selectors.list_parties(actor=actor, **filters)


def _rows(qs: QuerySet[Party], actor: User) -> Iterator[dict[str, Any]]:
    ids = list(qs.values_list("pk", flat=True))
    employers = Relationship.objects.filter(
        kind=RelationshipKind.EMPLOYEE_OF, to_party__in=party_selectors.for_user(actor)
    ).select_related("to_party")
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        parties = (
            Party.objects.filter(pk__in=chunk)
            .select_related("owner", "team")
            .prefetch_related(
                Prefetch(
                    "contact_points",
                    queryset=ContactPoint.objects.order_by("kind", "-is_primary", "id"),
                ),
                Prefetch("addresses", queryset=PostalAddress.objects.order_by("-is_primary", "id")),
                Prefetch("roles", queryset=PartyRole.objects.order_by("role")),
                Prefetch("relationships_out", queryset=employers, to_attr="employers"),
            )
        )
        by_id = {p.pk: p for p in parties}
        for pid in chunk:
            if pid in by_id:
                yield _row(by_id[pid])


def _row(p: Party) -> dict[str, Any]:
    points = list(p.contact_points.all())
    address = next(iter(p.addresses.all()), None)
    employer = next(iter(getattr(p, "employers", [])), None)
    return {
        "id": p.pk,
        "kind": p.kind,
        "display_name": p.display_name,
        "family_name": p.family_name,
        "given_name": p.given_name,
        "company": employer.to_party.display_name if employer else "",
        "title": employer.title if employer else "",
        "emails": [c.value for c in points if c.kind == ContactKind.EMAIL],
        "phones": [c.value for c in points if c.kind == ContactKind.PHONE],
        "wechat": [c.value for c in points if c.kind == ContactKind.WECHAT],
        "street": address.street if address else "",
        "city": address.city if address else "",
        "region": address.region if address else "",
        "postal_code": address.postal_code if address else "",
        "country": address.country if address else "",
        "birth_date": p.birth_date.isoformat() if p.birth_date else "",
        "gender": p.gender,
        "roles": [r.role for r in p.roles.all()],
        "owner": str(p.owner) if p.owner else "",
        "team": p.team.name if p.team else "",
        "source": p.source,
        "created_at": timezone.localtime(p.created_at).strftime("%Y-%m-%d %H:%M"),
    }


def _cells(row: dict[str, Any]) -> list[str]:
    return [
        safe_cell("; ".join(row[k]) if isinstance(row[k], list) else row[k]) for k, _l in COLUMNS
    ]


def csv_chunks(rows: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """UTF-8 CSV with a BOM, header first, streamed a chunk of rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff".encode()
    writer.writerow([safe_cell(label) for _k, label in COLUMNS])
    for n, row in enumerate(rows, start=1):
        writer.writerow(_cells(row))
        if n % CHUNK == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def csv_text_chunks(table: Iterable[Sequence[object]]) -> Iterator[bytes]:
    """Any table (first row = header) as a safe UTF-8 CSV with a BOM (e.g. error files)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff".encode()
    for row in table:
        writer.writerow([safe_cell(v) for v in row])
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def xlsx_chunks(rows: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """An .xlsx workbook written in write-only mode to a temporary file, then streamed."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=str(_("Customers"))[:31])

    def cells(values: list[str]) -> list[WriteOnlyCell]:
        out = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # a string, never a formula
            out.append(cell)
        return out

    sheet.append(cells([safe_cell(label) for _k, label in COLUMNS]))
    for row in rows:
        sheet.append(cells(_cells(row)))
    with tempfile.TemporaryFile() as handle:
        book.save(handle)
        handle.seek(0)
        while block := handle.read(256 * 1024):
            yield block


def vcf_chunks(rows: Iterable[dict[str, Any]]) -> Iterator[bytes]:
    """vCard 3.0 cards, one per party."""
    from reservoir.resolution.importing.vcards import party_card

    for row in rows:
        yield party_card(row).encode()


def export_parties(
    *, actor: User, fmt: str, ids: Sequence[int] = (), filters: dict[str, Any] | None = None
) -> Export:
    """Export the actor's visible selection in `fmt` (csv, xlsx, vcf).

    Raises InvalidInput for an unknown format. Side effects: one audit entry (format,
    count, filters or ids).
    """
    if fmt not in FORMATS:
        raise InvalidInput(_("Choose csv, xlsx or vcf."), field="format")
    qs = selection(actor=actor, ids=ids, **(filters or {}))
    count = qs.count()
    audit.record_batch(
        actor,
        "resolution.parties.exported",
        Party,
        {"format": fmt, "count": count, "filters": filters or {}, "ids": list(ids)[:100]},
    )
    content_type, ext = FORMATS[fmt]
    rows = _rows(qs, actor)
    writer = {"csv": csv_chunks, "xlsx": xlsx_chunks, "vcf": vcf_chunks}[fmt]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return Export(f"customers-{stamp}.{ext}", content_type, count, writer(rows))
