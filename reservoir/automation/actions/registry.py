"""The actions registry: apps register action types; rules list them in order.

An action type has a key, a label, an options form (what the rule editor shows — forms, not
code) and `run(ctx, options) -> str` that does the work inside the action's own transaction
and returns a line for the run log. Raising fails the run (it is retried; this action's
transaction rolls back, and the actions before it, already committed with their ledger rows,
are not run again — see `automation.ledger`). What an action leaves in `ctx.state` for later
actions must be JSON (ids, not model instances): a retry restores it from the ledger.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.functional import Promise


@dataclass
class ActionContext:
    """What one run's actions share: the rule and run ids, the party, a scratch state.

    `index` is the position of the action being run (with `run_id`, what names one action of
    one run: `ledger.dedup_key`).
    """

    rule_id: int
    run_id: int
    party: Any  # parties.Party | None
    event: dict[str, Any]
    now: dt.datetime
    state: dict[str, Any] = field(default_factory=dict)  # JSON only, e.g. "assignee_id": 7
    index: int = 0
    rule_name: str = ""


@dataclass(frozen=True)
class ActionType:
    key: str
    label: str | Promise
    form: type[forms.Form]
    run: Callable[[ActionContext, dict[str, Any]], str]
    needs_party: bool = True


_TYPES: dict[str, ActionType] = {}


def register(action: ActionType) -> None:
    _TYPES[action.key] = action


def get(key: str) -> ActionType | None:
    return _TYPES.get(key)


def all_types() -> list[ActionType]:
    return list(_TYPES.values())


def choices() -> list[tuple[str, Any]]:
    return [(a.key, a.label) for a in _TYPES.values()]


def clean_options(key: str, data: dict[str, Any]) -> tuple[dict[str, Any] | None, forms.Form]:
    """Validate options with the action's form; return (plain options or None, the form)."""
    action = _TYPES[key]
    form = action.form(data)
    if not form.is_valid():
        return None, form
    return {k: _plain(v) for k, v in form.cleaned_data.items()}, form


def _plain(value: Any) -> Any:
    if hasattr(value, "pk"):
        return value.pk
    return value
