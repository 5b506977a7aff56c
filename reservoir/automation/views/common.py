"""Helpers shared by the automation pages."""

from __future__ import annotations

from typing import cast

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest

from reservoir.automation import selectors, services
from reservoir.automation.models import Rule
from reservoir.core.errors import NotFound
from reservoir.iam.models import User


def actor(request: HttpRequest) -> User:
    return cast(User, request.user)


def require_editor(request: HttpRequest) -> User:
    user = actor(request)
    if not services.can_edit(user):
        raise PermissionDenied
    return user


def rule_or_404(rule_id: int) -> Rule:
    try:
        return selectors.get_rule(rule_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
