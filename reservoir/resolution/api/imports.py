"""API: bulk import jobs (upload, list, read, run) and exporting a selection of parties.

Jobs are visible like customer records (creator, creator's team, managers, all-seeing
roles); an invisible job answers 404 like a missing one. A malformed file is refused with
a 422 problem naming what is wrong; nothing of it is stored.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, StreamingHttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Form, Query, Router, Schema

from reservoir.core.api import Id, Page, PageQuery, paginate
from reservoir.core.errors import InvalidInput
from reservoir.iam.models import Team, User
from reservoir.resolution import exporting
from reservoir.resolution.importing import selectors, services
from reservoir.resolution.importing.readers import check_size
from reservoir.resolution.importing.services import ImportOptions
from reservoir.resolution.models import ImportJob, ImportStatus

router = Router()


class ImportJobOut(Schema):
    id: int
    file_name: str
    format: str
    encoding: str
    sha256: str
    source_tag: str
    status: str
    error: str
    owner_mode: str
    duplicate_policy: str
    columns: list[str]
    mapping: list[str]
    total_rows: int
    processed_rows: int
    percent: int
    created: int = Field(alias="created_count")
    updated: int = Field(alias="updated_count")
    skipped: int = Field(alias="skipped_count")
    flagged: int = Field(alias="flagged_count")
    errors: int = Field(alias="error_count")
    dry_run: dict[str, int] = Field(alias="dry_run_totals")
    created_by_id: int | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


class ImportForm(Schema):
    source_tag: str = Field(..., min_length=1, max_length=100, description="e.g. Trade show 2026")
    encoding: str = Field("", description="Empty: detect (UTF-8, GBK, Big5).")
    owner_mode: str = Field("me", description="me | user | round_robin | territory")
    owner_id: int | None = None
    team_id: int | None = None
    duplicate_policy: str = Field("update", description="update | skip | create")
    mapping: str = Field(
        "",
        max_length=4000,
        description="Comma-separated field per column (empty entry = skip); "
        "omit to use the suggested mapping. vCard files need none.",
    )


class ExportQuery(Schema):
    format: str = Field("csv", pattern="^(csv|xlsx|vcf)$")
    ids: str = Field("", max_length=100_000, description="Comma-separated party ids.")
    q: str = Field("", max_length=200)
    kind: str = Field("", max_length=20)
    role: str = Field("", max_length=20)
    owner: int | None = Field(None, ge=1)
    team: int | None = Field(None, ge=1)
    status: str = Field("", max_length=20)


def _job(request: HttpRequest, job_id: int) -> ImportJob:
    return selectors.get_job(actor=request.auth, job_id=job_id)  # type: ignore[attr-defined]


def _options(form: ImportForm) -> ImportOptions:
    owner = team = None
    if form.owner_id is not None:
        owner = User.objects.filter(pk=form.owner_id, is_active=True).first()
        if owner is None:
            raise InvalidInput(
                _("No active user with id %(id)s.") % {"id": form.owner_id}, field="owner_id"
            )
    if form.team_id is not None:
        team = Team.objects.filter(pk=form.team_id).first()
        if team is None:
            raise InvalidInput(_("No team with id %(id)s.") % {"id": form.team_id}, field="team_id")
    return ImportOptions(
        source_tag=form.source_tag,
        encoding=form.encoding,
        owner_mode=form.owner_mode,
        owner_user=owner,
        owner_team=team,
        duplicate_policy=form.duplicate_policy,
    )


_UPLOAD_BODY = {
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file", "source_tag"],
                "properties": {
                    "file": {"type": "string", "format": "binary"},
                    **{name: {"type": "string"} for name in ImportForm.model_fields},
                },
            }
        }
    },
    "required": True,
}


@router.post(
    "/imports",
    response={201: ImportJobOut},
    summary="Upload a file to import",
    openapi_extra={"requestBody": _UPLOAD_BODY},
)
def create_import(request: HttpRequest, form: Form[ImportForm]) -> tuple[int, ImportJob]:
    """Store and check the multipart `file`; start its dry run with the given or suggested
    mapping. (The file is read from request.FILES: the API's strict text parser only
    checks form fields.)"""
    actor = request.auth  # type: ignore[attr-defined]
    upload = request.FILES.get("file")
    if upload is None:
        raise InvalidInput(_("Attach the file as the multipart field “file”."), field="file")
    check_size(upload.size or 0)
    job = services.create_job(
        by=actor, file_name=upload.name or "upload", data=upload.read(), options=_options(form)
    )
    if job.status == ImportStatus.MAPPING:
        mapping = [m.strip() for m in form.mapping.split(",")] if form.mapping else job.mapping
        services.set_mapping(job, mapping, by=actor)
    return 201, job


@router.get("/imports", response=Page[ImportJobOut], summary="Import jobs, newest first")
def list_imports(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    qs = selectors.jobs_for(request.auth)  # type: ignore[attr-defined]
    return paginate(qs, ("-created_at", "-id"), cursor=page.cursor, limit=page.limit)


@router.get("/imports/{job_id}", response=ImportJobOut, summary="One import job and its progress")
def get_import(request: HttpRequest, job_id: Id) -> ImportJob:
    return _job(request, job_id)


@router.post(
    "/imports/{job_id}/run", response={202: ImportJobOut}, summary="Run an analyzed import"
)
def run_import(request: HttpRequest, job_id: Id) -> tuple[int, ImportJob]:
    """Queue the import once its dry run is done (409 before). Poll GET for progress."""
    job = _job(request, job_id)
    services.start_run(job, by=request.auth)  # type: ignore[attr-defined]
    return 202, job


@router.get(
    "/exports/parties",
    summary="Export visible parties as CSV, XLSX or vCard",
    response={200: None},
    openapi_extra={
        "responses": {"200": {"description": "The file (text/csv, xlsx or text/vcard)."}}
    },
)
def export_parties(request: HttpRequest, query: Query[ExportQuery]) -> StreamingHttpResponse:
    """The checked `ids`, or every visible party matching the list filters."""
    try:
        ids = [int(x) for x in query.ids.split(",") if x.strip()]
    except ValueError as exc:
        raise InvalidInput(_("ids must be comma-separated integers."), field="ids") from exc
    export = exporting.export_parties(
        actor=request.auth,  # type: ignore[attr-defined]
        fmt=query.format,
        ids=ids,
        filters={
            "search": query.q,
            "kind": query.kind,
            "role": query.role,
            "owner_id": query.owner,
            "team_id": query.team,
            "status": query.status,
        },
    )
    response = StreamingHttpResponse(export.chunks, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response
