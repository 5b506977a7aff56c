"""The import wizard (upload → mapping → dry run → run with a live progress bar), the list
of past imports, and exporting a selection of customers."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reservoir.core.errors import DomainError, NotFound
from reservoir.iam.enums import Role
from reservoir.iam.models import User
from reservoir.parties.selectors import for_user
from reservoir.resolution import exporting
from reservoir.resolution.importing import owners, selectors, services
from reservoir.resolution.importing.fields import BY_KEY
from reservoir.resolution.importing.forms import ImportUploadForm, MappingForm
from reservoir.resolution.models import ImportFormat, ImportJob, ImportStatus, RowOutcome

PER_PAGE = 25
RESULTS_PER_PAGE = 50


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


def _job(request: HttpRequest, job_id: int) -> ImportJob:
    try:
        return selectors.get_job(actor=_actor(request), job_id=job_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _may_edit_territories(user: User) -> bool:
    return user.has_role(Role.MANAGER)


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    """Past imports the user may see, newest first."""
    page = Paginator(selectors.list_jobs(actor=_actor(request)), PER_PAGE).get_page(
        request.GET.get("page")
    )
    page_range = list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
    return render(request, "resolution/import_list.html", {"page": page, "page_range": page_range})


@login_required
def import_new(request: HttpRequest) -> HttpResponse:
    """Upload a file with its options; a vCard goes straight to its dry run."""
    user = _actor(request)
    editable = _may_edit_territories(user)
    form = ImportUploadForm(
        request.POST or None,
        request.FILES or None,
        initial={
            "territory_rules": owners.format_rules(),
            "owner_user": user.pk,
            "owner_team": user.team_id,
        },
    )
    if not editable:
        form.fields["territory_rules"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            if editable and form.has_changed() and "territory_rules" in form.changed_data:
                services.save_territory_rules(form.cleaned_data["territory_rules"], by=user)
            upload = form.cleaned_data["file"]
            job = services.create_job(
                by=user, file_name=upload.name, data=upload.read(), options=form.options()
            )
        except DomainError as exc:
            name = exc.field if exc.field in form.fields else None
            form.add_error(name, exc.message)
        else:
            if job.format == ImportFormat.VCF:
                return redirect("resolution:import_detail", job_id=job.pk)
            return redirect("resolution:import_mapping", job_id=job.pk)
    return render(request, "resolution/import_new.html", {"form": form})


@login_required
def import_mapping(request: HttpRequest, job_id: int) -> HttpResponse:
    """Map each column (with sample values) to a party field, then start the dry run."""
    job = _job(request, job_id)
    if job.format == ImportFormat.VCF:
        return redirect("resolution:import_detail", job_id=job.pk)
    form = MappingForm(request.POST or None, columns=job.columns, mapping=job.mapping)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_mapping(job, form.mapping(), by=_actor(request))
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect("resolution:import_detail", job_id=job.pk)
    rows = [
        (form[f"col_{i}"], [r[i] if i < len(r) else "" for r in job.sample])
        for i in range(len(job.columns))
    ]
    locked = job.status not in (ImportStatus.MAPPING, ImportStatus.READY, ImportStatus.ANALYZING)
    return render(
        request,
        "resolution/import_mapping.html",
        {"job": job, "form": form, "rows": rows, "locked": locked},
    )


@login_required
def import_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    """The job: progress (polled by htmx while active), preview, dry-run or run outcomes."""
    job = _job(request, job_id)
    if request.GET.get("partial") == "progress":
        response = render(request, "resolution/import_detail.html#progress", {"job": job})
        if request.GET.get("active") and not job.is_active:
            response["HX-Refresh"] = "true"  # the whole page changes once the job is done
        return response
    outcome = request.GET.get("outcome", "")
    if outcome not in RowOutcome.values:
        outcome = ""
    results = Paginator(selectors.list_results(job, outcome=outcome), RESULTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    ids = {i for r in results.object_list for i in (r.party_id, r.matched_party_id) if i}
    names = dict(for_user(_actor(request)).filter(pk__in=ids).values_list("pk", "display_name"))
    for r in results.object_list:
        r.party_name = names.get(r.party_id or 0, "")  # type: ignore[attr-defined]
        r.matched_name = names.get(r.matched_party_id or 0, "")  # type: ignore[attr-defined]
    preview = []
    if job.status not in (ImportStatus.REJECTED,) and not job.started_at:
        preview = selectors.preview(job)
    context = {
        "job": job,
        "preview": preview,
        "results": results,
        "results_range": list(
            results.paginator.get_elided_page_range(results.number, on_each_side=1, on_ends=1)
        ),
        "outcome": outcome,
        "outcomes": RowOutcome.choices,
        "mapped": [
            (col, BY_KEY[key].label)
            for col, key in zip(job.columns, job.mapping, strict=False)
            if key
        ],
        "has_errors": job.error_count or job.dry_run_totals.get("error"),
    }
    return render(request, "resolution/import_detail.html", context)


@login_required
@require_POST
def import_run(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    try:
        services.start_run(job, by=_actor(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The import has started; you can leave this page."))
    return redirect("resolution:import_detail", job_id=job.pk)


@login_required
@require_POST
def import_cancel(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    try:
        services.cancel(job, by=_actor(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.info(request, _("The import stops after the rows it is writing now."))
    return redirect("resolution:import_detail", job_id=job.pk)


@login_required
def import_errors(request: HttpRequest, job_id: int) -> HttpResponseBase:
    """The failing rows as CSV, with their cells as uploaded and an error column."""
    job = _job(request, job_id)
    response = StreamingHttpResponse(
        exporting.csv_text_chunks(selectors.error_rows(job)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
    return response


def _ids(request: HttpRequest) -> list[int]:
    raw = request.GET.getlist("ids") or [x for x in request.GET.get("id_list", "").split(",") if x]
    try:
        return [int(x) for x in raw if x.strip()]
    except ValueError as exc:
        raise Http404(_("Bad customer id.")) from exc


def list_filters(params: dict[str, str]) -> dict[str, object]:
    """The customer list's filters (q, kind, role, owner, team, status) as selector kwargs."""

    def number(name: str) -> int | None:
        value = params.get(name, "")
        return int(value) if value.isdigit() else None

    return {
        "search": params.get("q", "")[:200],
        "kind": params.get("kind", ""),
        "role": params.get("role", ""),
        "owner_id": number("owner"),
        "team_id": number("team"),
        "status": params.get("status", ""),
    }


@login_required
def party_export(request: HttpRequest) -> HttpResponseBase:
    """Export the checked customers (ids) or the filtered list, as CSV, XLSX or vCard."""
    fmt = request.GET.get("format", "csv")
    try:
        export = exporting.export_parties(
            actor=_actor(request),
            fmt=fmt,
            ids=_ids(request),
            filters=list_filters(request.GET.dict()),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("workspace:customer_list")
    response = StreamingHttpResponse(export.chunks, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


urlpatterns: list[URLPattern] = [
    path("imports/", import_list, name="import_list"),
    path("imports/new/", import_new, name="import_new"),
    path("imports/<int:job_id>/", import_detail, name="import_detail"),
    path("imports/<int:job_id>/mapping/", import_mapping, name="import_mapping"),
    path("imports/<int:job_id>/run/", import_run, name="import_run"),
    path("imports/<int:job_id>/cancel/", import_cancel, name="import_cancel"),
    path("imports/<int:job_id>/errors.csv", import_errors, name="import_errors"),
    path("exports/parties/", party_export, name="party_export"),
]
