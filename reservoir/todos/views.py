"""The "my tasks" page: overdue / today / upcoming / done, quick add, complete with htmx."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reservoir.core.errors import DomainError, NotFound
from reservoir.iam.models import User
from reservoir.todos import selectors, services
from reservoir.todos.forms import TodoFilterForm, TodoForm
from reservoir.todos.models import Todo

PAGE_SIZE = 50


def _actor(request: HttpRequest) -> User:
    return cast(User, request.user)


def _todo(request: HttpRequest, todo_id: int) -> Todo:
    try:
        return selectors.get_todo(actor=_actor(request), todo_id=todo_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
def todo_list(request: HttpRequest) -> HttpResponse:
    user = _actor(request)
    bucket = request.GET.get("bucket", "")
    if bucket not in selectors.BUCKETS:
        bucket = "today"
    filters = TodoFilterForm(request.GET or None)
    mine = user.pk if filters.scope_value() == "mine" else None
    form = TodoForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.create_todo(
                by=user,
                title=data["title"],
                due_at=data["due_at"],
                remind_at=data["remind_at"],
                priority=data["priority"],
                assignee=data["assignee"],
                notes=data["notes"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Task added."))
            return redirect(request.get_full_path())
    qs = selectors.list_todos(actor=user, bucket=bucket, assignee_id=mine, search=filters.search())
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "bucket": bucket,
        "counts": selectors.bucket_counts(actor=user, assignee_id=mine),
        "filters": filters,
        "form": form,
        "scope": filters.scope_value(),
        "now": timezone.now(),
    }
    status = 422 if form.errors else 200
    return render(request, "todos/todo_list.html", context, status=status)


@login_required
@require_POST
def todo_complete(request: HttpRequest, todo_id: int) -> HttpResponse:
    todo = _todo(request, todo_id)
    try:
        if request.POST.get("reopen"):
            services.reopen_todo(todo, by=_actor(request))
        else:
            services.complete_todo(todo, by=_actor(request))
    except DomainError as exc:
        raise PermissionDenied(exc.message) from exc
    if getattr(request, "htmx", False):
        return render(
            request, "todos/includes/todo_row.html", {"todo": todo, "now": timezone.now()}
        )
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("todos:todo_list")
