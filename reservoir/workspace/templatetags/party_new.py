"""`{{ user|can_create_parties }}`: whether to offer "New customer" / "New organization"."""

from __future__ import annotations

from typing import Any

from django import template

from reservoir.workspace.forms_create import can_create_parties as _can_create

register = template.Library()


@register.filter
def can_create_parties(user: Any) -> bool:
    return _can_create(user)
