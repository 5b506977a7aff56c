"""Rule list, create, edit, enable toggle, and live validation of expressions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reservoir.automation import conditions, selectors, services
from reservoir.automation.actions import registry
from reservoir.automation.forms import RuleForm
from reservoir.automation.models import Rule
from reservoir.automation.views.actions import action_cards
from reservoir.automation.views.common import actor, require_editor, rule_or_404
from reservoir.core.errors import DomainError


@login_required
def rule_list(request: HttpRequest) -> HttpResponse:
    context = {"rules": selectors.list_rules(), "can_edit": services.can_edit(actor(request))}
    return render(request, "automation/rule_list.html", context)


def _save(request: HttpRequest, rule: Rule | None) -> tuple[RuleForm, Rule | None]:
    form = RuleForm.for_rule(rule, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            return form, services.save_rule(rule, by=actor(request), **form.values())
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return form, None


@login_required
def rule_create(request: HttpRequest) -> HttpResponse:
    require_editor(request)
    form, saved = _save(request, None)
    if saved is not None:
        messages.success(request, _("Rule created. Now add what it should do."))
        return redirect("automation:rule_edit", rule_id=saved.pk)
    context = {"form": form, "rule": None, "can_edit": True}
    return render(request, "automation/rule_form.html", context, status=422 if form.errors else 200)


@login_required
def rule_edit(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = rule_or_404(rule_id)
    can = services.can_edit(actor(request))
    if request.method == "POST":
        require_editor(request)
    form, saved = _save(request, rule)
    if saved is not None:
        messages.success(request, _("Rule saved."))
        return redirect("automation:rule_edit", rule_id=rule.pk)
    context = {
        "form": form,
        "rule": rule,
        "can_edit": can,
        "cards": action_cards(rule, adding=request.GET.get("add", "")),
        "action_choices": registry.choices(),
        "recent_runs": selectors.list_runs(actor=actor(request), rule_id=rule.pk)[:10],
    }
    return render(request, "automation/rule_form.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
def rule_toggle(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = rule_or_404(rule_id)
    by = require_editor(request)
    services.set_enabled(rule, by=by, enabled=not rule.enabled)
    if getattr(request, "htmx", False):
        row = selectors.list_rules().get(pk=rule.pk)
        return render(request, "automation/includes/rule_row.html", {"rule": row, "can_edit": True})
    return redirect("automation:rule_list")


@login_required
@require_POST
def validate_expression(request: HttpRequest) -> HttpResponse:
    """htmx: check the posted condition (or "unless") and say where and why it is wrong."""
    field = "unless" if request.POST.get("field") == "unless" else "condition"
    source = request.POST.get(field, "")
    context: dict[str, object] = {"empty": not source.strip()}
    try:
        conditions.validate(source)
    except conditions.ExpressionError as exc:
        context.update(error=exc.reason, line=exc.line, column=exc.column)
    return render(request, "automation/includes/validation.html", context)


urlpatterns = [
    path("", rule_list, name="rule_list"),
    path("rules/new/", rule_create, name="rule_create"),
    path("rules/<int:rule_id>/", rule_edit, name="rule_edit"),
    path("rules/<int:rule_id>/toggle/", rule_toggle, name="rule_toggle"),
    path("validate/", validate_expression, name="validate"),
]
