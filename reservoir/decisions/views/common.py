"""Helpers shared by the contact-rules views."""

from __future__ import annotations

from typing import cast

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from reservoir.core.errors import NotFound
from reservoir.decisions import selectors, services
from reservoir.decisions.enums import VersionStatus
from reservoir.decisions.models import DecisionTable, TableVersion
from reservoir.iam.models import User


def actor(request: HttpRequest) -> User:
    return cast(User, request.user)


def require_editor(request: HttpRequest) -> User:
    user = actor(request)
    if not services.can_edit(user):
        raise PermissionDenied
    return user


def table_or_404(key: str) -> DecisionTable:
    try:
        return selectors.get_table(key)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def draft_or_404(table: DecisionTable) -> TableVersion:
    return get_object_or_404(TableVersion, table=table, status=VersionStatus.DRAFT)
