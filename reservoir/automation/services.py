"""Writing automation rules: create, change, enable/disable, edit their ordered actions.

Every write is audited; conditions (and "unless" expressions) are type-checked here, so an
invalid expression is refused at save time with its position and reason.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from reservoir.audit import services as audit
from reservoir.automation import conditions, rule_cache
from reservoir.automation.actions import registry
from reservoir.automation.enums import TriggerKind
from reservoir.automation.models import Rule
from reservoir.core.errors import InvalidInput, PermissionDenied
from reservoir.iam.enums import Role

RULE_FIELDS = (
    "name",
    "description",
    "enabled",
    "trigger",
    "trigger_options",
    "condition",
    "max_runs_per_hour",
)


def can_edit(user: Any) -> bool:
    """Managers and administrators write automation rules."""
    return bool(getattr(user, "is_authenticated", False)) and user.has_role(Role.MANAGER)


def _require(by: Any) -> None:
    if not can_edit(by):
        raise PermissionDenied(_("Only managers and administrators change automation rules."))


def check_expression(source: str, field: str) -> None:
    """Raise InvalidInput naming the position and the reason when `source` is invalid."""
    try:
        conditions.validate(source)
    except conditions.ExpressionError as exc:
        raise InvalidInput(
            _("Line %(line)s, column %(col)s: %(reason)s")
            % {"line": exc.line, "col": exc.column, "reason": exc.reason},
            field=field,
            code="invalid_expression",
        ) from exc


def _validate(rule: Rule) -> None:
    rule.name = rule.name.strip()
    if not rule.name:
        raise InvalidInput(_("A name is required."), field="name")
    if rule.trigger not in TriggerKind.values:
        raise InvalidInput(_("Unknown trigger."), field="trigger")
    opts = rule.trigger_options or {}
    if rule.trigger == TriggerKind.DELAY:
        if opts.get("event") not in TriggerKind.values or opts.get("event") in (
            "delay",
            "schedule",
        ):
            raise InvalidInput(_("Choose the event the delay starts from."), field="delay_event")
        try:
            hours = float(opts.get("hours"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            hours = -1
        if not 0 < hours <= 2000:
            raise InvalidInput(_("Enter between 0 and 2000 business hours."), field="delay_hours")
        check_expression(opts.get("unless", ""), "unless")
    if rule.trigger == TriggerKind.SCHEDULE:
        minutes = opts.get("every_minutes")
        if not isinstance(minutes, int) or not 1 <= minutes <= 10080:
            raise InvalidInput(_("Enter every 1 to 10080 minutes."), field="every_minutes")
    check_expression(rule.condition, "condition")
    if not 1 <= rule.max_runs_per_hour <= 10000:
        raise InvalidInput(_("Enter between 1 and 10000."), field="max_runs_per_hour")
    for spec in rule.actions:
        action = registry.get(spec.get("type", ""))
        if action is None:
            raise InvalidInput(_("Unknown action."), field="actions")
        if rule.trigger == TriggerKind.SCHEDULE and action.needs_party:
            raise InvalidInput(
                _("%(a)s needs a customer; scheduled rules have none.") % {"a": action.label},
                field="actions",
            )


@transaction.atomic
def save_rule(rule: Rule | None, *, by: Any, **fields: Any) -> Rule:
    """Create or update a rule. Side effects: audit entry with the diff."""
    _require(by)
    unknown = set(fields) - set(RULE_FIELDS) - {"actions"}
    if unknown:
        raise InvalidInput(_("Unknown field: %(f)s") % {"f": ", ".join(sorted(unknown))})
    creating = rule is None
    rule = rule or Rule(created_by=by)
    before = {} if creating else audit.snapshot(rule, (*RULE_FIELDS, "actions"))
    for name, value in fields.items():
        setattr(rule, name, value)
    if "actions" in fields:
        rule.actions = [_clean_action(a) for a in fields["actions"]]
    _validate(rule)
    rule.save()
    rule_cache.bump_on_commit()  # other processes see it within rule_cache.MAX_AGE_S
    after = audit.snapshot(rule, (*RULE_FIELDS, "actions"))
    action = "automation.rule.created" if creating else "automation.rule.updated"
    audit.record(by, action, rule, audit.diff(before, after))
    return rule


def _clean_action(spec: dict[str, Any]) -> dict[str, Any]:
    key = spec.get("type", "")
    if registry.get(key) is None:
        raise InvalidInput(_("Unknown action “%(t)s”.") % {"t": key}, field="actions")
    options, form = registry.clean_options(key, spec.get("options") or {})
    if options is None:
        errors = "; ".join(f"{k}: {' '.join(str(e) for e in v)}" for k, v in form.errors.items())
        raise InvalidInput(_("Action %(t)s: %(e)s") % {"t": key, "e": errors}, field="actions")
    return {"type": key, "options": options}


def set_enabled(rule: Rule, *, by: Any, enabled: bool) -> Rule:
    return save_rule(rule, by=by, enabled=enabled)


def set_action(
    rule: Rule, *, by: Any, index: int | None, type_: str, options: dict[str, Any]
) -> Rule:
    """Replace the action at `index` (append when None) with validated options."""
    actions = list(rule.actions)
    spec = _clean_action({"type": type_, "options": options})
    if index is None:
        actions.append(spec)
    elif 0 <= index < len(actions):
        actions[index] = spec
    else:
        raise InvalidInput(_("No action at this position."), field="actions")
    return save_rule(rule, by=by, actions=actions)


def remove_action(rule: Rule, *, by: Any, index: int) -> Rule:
    actions = list(rule.actions)
    if not 0 <= index < len(actions):
        raise InvalidInput(_("No action at this position."), field="actions")
    del actions[index]
    return save_rule(rule, by=by, actions=actions)


def move_action(rule: Rule, *, by: Any, index: int, offset: int) -> Rule:
    actions = list(rule.actions)
    target = index + offset
    if not (0 <= index < len(actions) and 0 <= target < len(actions)):
        raise InvalidInput(_("Cannot move the action there."), field="actions")
    actions[index], actions[target] = actions[target], actions[index]
    return save_rule(rule, by=by, actions=actions)


@transaction.atomic
def delete_rule(rule: Rule, *, by: Any) -> None:
    """Delete a rule and its history. Side effects: audit entry."""
    _require(by)
    audit.record(by, "automation.rule.deleted", rule, data={"name": rule.name})
    rule.delete()
    rule_cache.bump_on_commit()
