"""Turn a shown report into a downloaded file (CSV or XLSX), or a 400 that says why not."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _

from reservoir.analytics.exports import CSV_TYPE, XLSX_TYPE, Table, filename, to_csv, to_xlsx
from reservoir.analytics.views.running import Shown

FORMATS = ("csv", "xlsx")


def file_response(table: Table, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404(_("Exports are CSV or XLSX."))
    body, content_type = (to_csv(table), CSV_TYPE) if fmt == "csv" else (to_xlsx(table), XLSX_TYPE)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename(table.title, fmt)}"'
    return response


def download(shown: Shown, fmt: str) -> HttpResponse:
    if shown.errors or shown.table is None:
        text = "\n".join(shown.errors) or _("Nothing to export.")
        return HttpResponse(text, status=400, content_type="text/plain; charset=utf-8")
    return file_response(shown.table, fmt)
