"""Who may do what to cases (reads are governed by selectors' visibility)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from reservoir.core.errors import PermissionDenied
from reservoir.iam.enums import Role


def can_work_cases(user: Any) -> bool:
    """Service and contact-center agents, managers and administrators assign, merge, recover."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(
        user.has_role(Role.SERVICE_AGENT)
        or user.has_role(Role.CONTACT_CENTER_AGENT)
        or user.is_administrator
    )


def require_worker(by: Any) -> None:
    if not can_work_cases(by):
        raise PermissionDenied(_("Only service staff and managers do this to cases."))
