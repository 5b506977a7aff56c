"""Editing a draft: input columns and rows (add, change, reorder, delete)."""

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
from reservoir.decisions import services
from reservoir.decisions.forms import InputForm, RowForm, add_domain_error
from reservoir.decisions.models import TableInput, TableRow
from reservoir.decisions.views.common import draft_or_404, require_editor, table_or_404


@login_required
def input_edit(request: HttpRequest, key: str, pk: int | None = None) -> HttpResponse:
    by = require_editor(request)
    table = table_or_404(key)
    draft = draft_or_404(table)
    column = get_object_or_404(TableInput, pk=pk, version=draft) if pk else None
    form = InputForm.for_column(request.POST or None, column)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_input(draft, by=by, column=column, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Saved the column “%(label)s”.") % form.cleaned_data)
            return redirect("decisions:table_detail", key=key)
    context = {
        "table": table,
        "draft": draft,
        "form": form,
        "column": column,
        "facts": registry.specs(),
    }
    return render(request, "decisions/input_form.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
def input_delete(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    by = require_editor(request)
    draft = draft_or_404(table_or_404(key))
    column = get_object_or_404(TableInput, pk=pk, version=draft)
    try:
        services.delete_input(column, by=by)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Removed the column “%(label)s”.") % {"label": column.label})
    return redirect("decisions:table_detail", key=key)


@login_required
def row_edit(request: HttpRequest, key: str, pk: int | None = None) -> HttpResponse:
    by = require_editor(request)
    table = table_or_404(key)
    draft = draft_or_404(table)
    row = get_object_or_404(TableRow, pk=pk, version=draft) if pk else None
    inputs = list(draft.inputs.all())
    form = RowForm(request.POST or None, inputs=inputs, row=row)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_row(draft, cells=form.cells(), by=by, row=row, **form.outputs())
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Saved the rule."))
            return redirect("decisions:table_detail", key=key)
    context = {"table": table, "draft": draft, "form": form, "row": row}
    return render(request, "decisions/row_form.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
def row_move(request: HttpRequest, key: str, pk: int, direction: str) -> HttpResponse:
    by = require_editor(request)
    draft = draft_or_404(table_or_404(key))
    row = get_object_or_404(TableRow, pk=pk, version=draft)
    services.move_row(row, -1 if direction == "up" else 1, by=by)
    return redirect("decisions:table_detail", key=key)


@login_required
@require_POST
def row_delete(request: HttpRequest, key: str, pk: int) -> HttpResponse:
    by = require_editor(request)
    draft = draft_or_404(table_or_404(key))
    row = get_object_or_404(TableRow, pk=pk, version=draft)
    services.delete_row(row, by=by)
    messages.success(request, _("Deleted the rule."))
    return redirect("decisions:table_detail", key=key)


urlpatterns = [
    path("t/<slug:key>/inputs/new/", input_edit, name="input_add"),
    path("t/<slug:key>/inputs/<int:pk>/", input_edit, name="input_edit"),
    path("t/<slug:key>/inputs/<int:pk>/delete/", input_delete, name="input_delete"),
    path("t/<slug:key>/rows/new/", row_edit, name="row_add"),
    path("t/<slug:key>/rows/<int:pk>/", row_edit, name="row_edit"),
    path("t/<slug:key>/rows/<int:pk>/delete/", row_delete, name="row_delete"),
    path("t/<slug:key>/rows/<int:pk>/up/", row_move, {"direction": "up"}, name="row_up"),
    path("t/<slug:key>/rows/<int:pk>/down/", row_move, {"direction": "down"}, name="row_down"),
]
