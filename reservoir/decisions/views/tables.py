"""Table list, creation, the table page (versions and the draft editor), publish, retire."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reservoir.core.errors import DomainError
from reservoir.decisions import facts as registry
from reservoir.decisions import selectors, services
from reservoir.decisions.enums import VersionStatus
from reservoir.decisions.forms import PublishForm, TableForm, TableSettingsForm, add_domain_error
from reservoir.decisions.models import TableVersion
from reservoir.decisions.views.common import (
    actor,
    draft_or_404,
    require_editor,
    table_or_404,
)


@login_required
def table_list(request: HttpRequest) -> HttpResponse:
    tables = list(selectors.list_tables())
    rows = [(t, selectors.published(t), selectors.draft(t)) for t in tables]
    context = {"rows": rows, "can_edit": services.can_edit(actor(request))}
    return render(request, "decisions/table_list.html", context)


@login_required
def table_create(request: HttpRequest) -> HttpResponse:
    by = require_editor(request)
    form = TableForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            table = services.create_table(by=by, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request, _("Created %(name)s. Add its input columns and rows.") % {"name": table}
            )
            return redirect("decisions:table_detail", key=table.key)
    status = 422 if form.errors else 200
    return render(request, "decisions/table_form.html", {"form": form}, status=status)


@login_required
def table_detail(request: HttpRequest, key: str, number: int | None = None) -> HttpResponse:
    """The draft (editable) or, when there is none, the version in force; `number` picks one."""
    table = table_or_404(key)
    versions = table.version_list  # type: ignore[attr-defined]
    version: TableVersion | None
    if number is not None:
        version = get_object_or_404(TableVersion, table=table, number=number)
    else:
        version = (
            selectors.draft(table)
            or selectors.published(table)
            or (versions[0] if versions else None)
        )
    inputs = list(version.inputs.all()) if version else []
    rows = list(version.rows.all()) if version else []
    editable = bool(
        version and version.status == VersionStatus.DRAFT and services.can_edit(actor(request))
    )
    settings_form = TableSettingsForm(initial={
        "name": table.name, "description": table.description, "position": table.position,
        "hit_policy": version.hit_policy if version else "",
    })  # fmt: skip
    context = {
        "table": table,
        "version": version,
        "versions": versions,
        "inputs": inputs,
        "rows": [(r, list(zip(inputs, r.cells, strict=False))) for r in rows],
        "editable": editable,
        "can_edit": services.can_edit(actor(request)),
        "publish_form": PublishForm(),
        "settings_form": settings_form,
        "facts": registry.specs(),
    }
    return render(request, "decisions/table_detail.html", context)


@login_required
@require_POST
def draft_start(request: HttpRequest, key: str) -> HttpResponse:
    by = require_editor(request)
    table = table_or_404(key)
    try:
        draft = services.start_draft(table, by=by)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Draft version %(n)s is ready for changes.") % {"n": draft.number}
        )
    return redirect("decisions:table_detail", key=key)


@login_required
@require_POST
def table_settings(request: HttpRequest, key: str) -> HttpResponse:
    by = require_editor(request)
    table = table_or_404(key)
    form = TableSettingsForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("decisions:table_detail", key=key)
    data = form.cleaned_data
    try:
        services.update_table(
            table,
            by=by,
            name=data["name"],
            description=data["description"],
            position=data["position"],
        )
        draft = TableVersion.objects.filter(table=table, status=VersionStatus.DRAFT).first()
        if draft is not None and draft.hit_policy != data["hit_policy"]:
            services.set_hit_policy(draft, data["hit_policy"], by=by)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Saved."))
    return redirect("decisions:table_detail", key=key)


@login_required
@require_POST
def publish(request: HttpRequest, key: str) -> HttpResponse:
    by = require_editor(request)
    table = table_or_404(key)
    draft = draft_or_404(table)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("decisions:table_detail", key=key)
    try:
        services.publish(draft, by=by, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, _("Not published: %(why)s") % {"why": exc.message})
    else:
        messages.success(request, _("Version %(n)s is published.") % {"n": draft.number})
    return redirect("decisions:table_detail", key=key)


@login_required
@require_POST
def retire(request: HttpRequest, key: str, number: int) -> HttpResponse:
    by = require_editor(request)
    table = table_or_404(key)
    version = get_object_or_404(TableVersion, table=table, number=number)
    try:
        services.retire(version, by=by)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Version %(n)s is retired.") % {"n": number})
    return redirect("decisions:table_detail", key=key)


urlpatterns = [
    path("", table_list, name="table_list"),
    path("new/", table_create, name="table_create"),
    path("t/<slug:key>/", table_detail, name="table_detail"),
    path("t/<slug:key>/v<int:number>/", table_detail, name="table_version"),
    path("t/<slug:key>/draft/", draft_start, name="draft_start"),
    path("t/<slug:key>/settings/", table_settings, name="table_settings"),
    path("t/<slug:key>/publish/", publish, name="publish"),
    path("t/<slug:key>/v<int:number>/retire/", retire, name="retire"),
]
