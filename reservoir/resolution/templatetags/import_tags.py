"""Template filters for the import pages."""

from __future__ import annotations

from django import template

from reservoir.parties.enums import PartyRoleKind

register = template.Library()
_ROLES = dict(PartyRoleKind.choices)


@register.filter
def role_label(code: str) -> str:
    """A role code ("prospect") as its label in the current language; unknown codes as given."""
    return str(_ROLES.get(code, code))
