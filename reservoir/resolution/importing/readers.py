"""Reading an uploaded file into a table of text cells: CSV (any of the encodings Chinese
offices use), Excel .xlsx (openpyxl, read-only) and vCard (vobject).

Every problem with the file as a whole raises `FileRejected` with a message a user can act
on; nothing is imported from a rejected file. Encoding detection is charset-normalizer,
limited to the encodings such files come in, so that random bytes are refused rather than
"decoded" as some single-byte code page.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field

import charset_normalizer
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from reservoir.core.errors import InvalidInput
from reservoir.resolution.models import ImportFormat

ENCODINGS = {
    "": "auto",
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "gb18030": "GBK / GB18030",
    "big5": "Big5",
    "cp1252": "Windows-1252",
}
_AUTO_CANDIDATES = ["utf_8", "gb18030", "big5"]
_DETECT_BYTES = 512 * 1024


class FileRejected(InvalidInput):
    """The file cannot be imported at all (encoding, format, size, row count)."""

    code = "file_rejected"


@dataclass
class Table:
    """A file as header cells and rows of text cells (row numbers are the file's lines)."""

    columns: list[str]
    rows: list[list[str]]
    encoding: str = ""
    delimiter: str = ""
    first_row: int = 2  # the file line of rows[0]
    fixed_mapping: list[str] = field(default_factory=list)  # vCard: the columns are fields


def detect_format(name: str, head: bytes) -> str:
    """Return the ImportFormat of a file from its name and first bytes, or raise FileRejected."""
    lower = name.lower()
    if lower.endswith(".xlsx") or head.startswith(b"PK\x03\x04"):
        if not lower.endswith(".xlsx"):
            raise FileRejected(_("This looks like a zip archive; upload a .xlsx, .csv or .vcf."))
        return ImportFormat.XLSX
    if lower.endswith((".vcf", ".vcard")):
        return ImportFormat.VCF
    if lower.endswith((".csv", ".txt", ".tsv")):
        return ImportFormat.CSV
    if lower.endswith(".xls"):
        raise FileRejected(_("Old Excel files (.xls) are not supported: save as .xlsx or CSV."))
    raise FileRejected(_("Upload a CSV (.csv), Excel (.xlsx) or vCard (.vcf) file."))


def check_size(size: int) -> None:
    if size > settings.IMPORT_MAX_BYTES:
        raise FileRejected(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(size), "limit": filesizeformat(settings.IMPORT_MAX_BYTES)},
            field="file",
        )
    if size == 0:
        raise FileRejected(_("The file is empty."), field="file")


def decode(data: bytes, encoding: str = "") -> tuple[str, str]:
    """Return (text, encoding used). Auto-detects when `encoding` is empty.

    Raises FileRejected naming the line of the first undecodable byte.
    """
    if not encoding:
        encoding = _detect(data)
    try:
        codecs.lookup(encoding)
    except LookupError as exc:
        raise FileRejected(
            _("Unknown encoding “%(e)s”.") % {"e": encoding}, field="encoding"
        ) from exc
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileRejected(
            _(
                "The file is not valid %(enc)s text: undecodable bytes on line %(line)s. "
                "Choose the file's encoding (GBK, Big5, UTF-8) or save it as UTF-8."
            )
            % {"enc": ENCODINGS.get(encoding, encoding), "line": line},
            field="encoding",
        ) from exc
    if "\x00" in text:
        raise FileRejected(
            _("The file contains NUL bytes: it is binary or UTF-16; save it as UTF-8 CSV."),
            field="file",
        )
    return text.removeprefix("\ufeff"), encoding


def _detect(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    best = charset_normalizer.from_bytes(data[:_DETECT_BYTES], cp_isolation=_AUTO_CANDIDATES).best()
    if best is None:
        raise FileRejected(
            _(
                "The file's encoding could not be recognised (it may not be text). "
                "Choose the encoding, or save the file as UTF-8 CSV."
            ),
            field="encoding",
        )
    name = best.encoding.replace("_", "-")
    return {"utf-8": "utf-8", "gb18030": "gb18030", "big5": "big5"}.get(name, name)


def _check_rows(count: int) -> None:
    if count > settings.IMPORT_MAX_ROWS:
        raise FileRejected(
            _("The file has more than %(n)s rows; split it into smaller files.")
            % {"n": settings.IMPORT_MAX_ROWS},
            field="file",
        )


def read_csv(data: bytes, encoding: str = "") -> Table:
    """Read a CSV (comma, semicolon or tab separated; first row = headers)."""
    text, used = decode(data, encoding)
    sample = text[: 64 * 1024]
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        header = next(reader, None)
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append(row)
                if len(rows) > settings.IMPORT_MAX_ROWS:
                    break
    except csv.Error as exc:
        raise FileRejected(
            _("The CSV is malformed on line %(line)s: %(msg)s")
            % {"line": reader.line_num, "msg": exc},
            field="file",
        ) from exc
    if not header or not any(c.strip() for c in header):
        raise FileRejected(_("The first row must name the columns."), field="file")
    _check_rows(len(rows))
    if not rows:
        raise FileRejected(_("The file has a header row but no data rows."), field="file")
    return Table(columns=[c.strip() for c in header], rows=rows, encoding=used, delimiter=delimiter)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return str(value)


def read_xlsx(data: bytes) -> Table:
    """Read the first worksheet of an .xlsx workbook (cached values, never formulas)."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise FileRejected(
            _("This is not a readable Excel workbook (.xlsx); it may be damaged."), field="file"
        ) from exc
    try:
        sheet = book.worksheets[0]
        rows_iter = sheet.iter_rows(values_only=True)
        header = [_cell(v).strip() for v in next(rows_iter, ())]
        rows: list[list[str]] = []
        for values in rows_iter:
            row = [_cell(v) for v in values]
            if any(cell.strip() for cell in row):
                rows.append(row)
                if len(rows) > settings.IMPORT_MAX_ROWS:
                    break
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError) as exc:
        raise FileRejected(
            _("This is not a readable Excel workbook (.xlsx); it may be damaged."), field="file"
        ) from exc
    finally:
        book.close()
    while header and not header[-1]:
        header.pop()
    if not header:
        raise FileRejected(_("The first row must name the columns."), field="file")
    _check_rows(len(rows))
    if not rows:
        raise FileRejected(_("The worksheet has a header row but no data rows."), field="file")
    return Table(columns=header, rows=rows)


def read_file(fmt: str, data: bytes, encoding: str = "") -> Table:
    """Read `data` of format `fmt`; raise FileRejected for anything unreadable."""
    check_size(len(data))
    if fmt == ImportFormat.XLSX:
        return read_xlsx(data)
    if fmt == ImportFormat.VCF:
        from reservoir.resolution.importing.vcards import read_vcf

        return read_vcf(data, encoding)
    return read_csv(data, encoding)
