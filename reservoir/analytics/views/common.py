"""Who may open which report, and small helpers the report views share.

Every staff role opens the fixed reports (each shows only the customers its reader may see:
the warehouse query filters by the actor). The ad-hoc explorer, its API and the warehouse
refresh are for analysts, managers and administrators; anybody else gets 403.
"""

from __future__ import annotations

from typing import cast

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from reservoir.iam.enums import Role
from reservoir.iam.models import User


def actor(request: HttpRequest) -> User:
    return cast(User, request.user)


def can_view_reports(user: User) -> bool:
    """Any active staff member with a role (the data is still limited to what they see)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.role in Role.values


def can_explore(user: User) -> bool:
    """Analysts, managers and administrators run ad-hoc queries and refresh the warehouse."""
    if not can_view_reports(user):
        return False
    return user.has_role(Role.ANALYST) or user.has_role(Role.MANAGER)


def require_reports(request: HttpRequest) -> User:
    user = actor(request)
    if not can_view_reports(user):
        raise PermissionDenied(_("Reports are for staff members."))
    return user


def require_explorer(request: HttpRequest) -> User:
    user = require_reports(request)
    if not can_explore(user):
        raise PermissionDenied(_("The explorer is for analysts, managers and administrators."))
    return user
