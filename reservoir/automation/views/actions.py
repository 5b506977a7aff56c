"""The rule editor's actions: one form per action; add, save, remove, move up/down."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reservoir.automation import services
from reservoir.automation.actions import registry
from reservoir.automation.models import Rule
from reservoir.automation.views.common import require_editor, rule_or_404
from reservoir.core.errors import DomainError


@dataclass
class ActionCard:
    index: int | None  # None: a new, unsaved action
    key: str
    label: Any
    form: forms.Form


def action_cards(rule: Rule, *, adding: str = "") -> list[ActionCard]:
    cards = []
    for i, spec in enumerate(rule.actions):
        action = registry.get(spec.get("type", ""))
        if action is None:
            continue
        form = action.form(initial=spec.get("options") or {}, prefix=f"a{i}")
        cards.append(ActionCard(i, action.key, action.label, form))
    new = registry.get(adding)
    if new is not None:
        cards.append(ActionCard(None, new.key, new.label, new.form(prefix="new")))
    return cards


def _back(rule: Rule) -> HttpResponse:
    return redirect("automation:rule_edit", rule_id=rule.pk)


@login_required
@require_POST
def action_save(request: HttpRequest, rule_id: int, index: str) -> HttpResponse:
    rule = rule_or_404(rule_id)
    by = require_editor(request)
    key = request.POST.get("type", "")
    action = registry.get(key)
    if action is None or not (index == "new" or index.isdigit()):
        raise Http404
    prefix = "new" if index == "new" else f"a{index}"
    form = action.form(request.POST, prefix=prefix)
    if not form.is_valid():
        errors = "; ".join(
            f"{form.fields[k].label if k in form.fields else ''}: {' '.join(str(e) for e in v)}"
            for k, v in form.errors.items()
        )
        messages.error(request, _("%(a)s was not saved: %(e)s") % {"a": action.label, "e": errors})
        target = reverse("automation:rule_edit", args=[rule.pk])
        return redirect(target + (f"?add={key}" if index == "new" else ""))
    options = {k: registry._plain(v) for k, v in form.cleaned_data.items()}
    try:
        services.set_action(
            rule, by=by, index=None if index == "new" else int(index), type_=key, options=options
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Action saved."))
    return _back(rule)


@login_required
@require_POST
def action_remove(request: HttpRequest, rule_id: int, index: int) -> HttpResponse:
    rule = rule_or_404(rule_id)
    try:
        services.remove_action(rule, by=require_editor(request), index=index)
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(rule)


@login_required
@require_POST
def action_move(request: HttpRequest, rule_id: int, index: int) -> HttpResponse:
    rule = rule_or_404(rule_id)
    offset = -1 if request.POST.get("direction") == "up" else 1
    try:
        services.move_action(rule, by=require_editor(request), index=index, offset=offset)
    except DomainError as exc:
        messages.error(request, exc.message)
    return _back(rule)


urlpatterns = [
    path("rules/<int:rule_id>/actions/<str:index>/", action_save, name="action_save"),
    path("rules/<int:rule_id>/actions/<int:index>/remove/", action_remove, name="action_remove"),
    path("rules/<int:rule_id>/actions/<int:index>/move/", action_move, name="action_move"),
]
