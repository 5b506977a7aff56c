"""Helpers shared by the desk views: who may use the desk, loading a visible case, periods."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails

from reservoir.core.errors import NotFound
from reservoir.iam.models import User
from reservoir.support import selectors
from reservoir.support.models import Case
from reservoir.support.permissions import can_work_cases

View = TypeVar("View", bound=Callable[..., HttpResponseBase])
PERIODS = (7, 30, 90, 365)


class HtmxHttpRequest(HttpRequest):
    """A request that went through django-htmx's middleware (for type checkers)."""

    htmx: HtmxDetails


def actor(request: HttpRequest) -> User:
    return cast(User, request.user)


def desk_required(view: View) -> View:
    """Signed in (else the login page) and a service worker: agents, managers, admins (else 403)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not can_work_cases(request.user):
            raise PermissionDenied(_("The service desk is for service staff and managers."))
        return view(request, *args, **kwargs)

    return cast(View, login_required(wrapper))


def manager_required(view: View) -> View:
    """Service settings (SLA policies, agent skills): managers and administrators only."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not can_manage(actor(request)):
            raise PermissionDenied(_("Only managers and administrators change service settings."))
        return view(request, *args, **kwargs)

    return cast(View, login_required(wrapper))


def can_manage(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_administrator or user.role == "manager"))


def visible_case(request: HttpRequest, case_id: int) -> Case:
    """The case if the user may see it; 404 otherwise (never 403: existence is not leaked)."""
    try:
        return selectors.get_case(actor=actor(request), case_id=case_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def period_days(request: HttpRequest, default: int = 30) -> int:
    try:
        days = int(request.GET.get("days", default))
    except ValueError:
        return default
    return days if days in PERIODS else default


def since(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)
