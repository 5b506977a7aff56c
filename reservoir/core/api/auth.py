"""Authentication for every endpoint: a personal bearer token, or the staff session."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from reservoir.core.errors import PermissionDenied

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


class BearerTokenAuth(HttpBearer):
    """`Authorization: Bearer rsv_…`; a present but bad token is a 401, never a fallback."""

    def __init__(self, authenticate: Callable[[str], Any]) -> None:
        self._authenticate = authenticate
        super().__init__()

    def __call__(self, request: HttpRequest) -> Any:
        header = request.headers.get("Authorization")
        if not header:
            return None
        scheme, _sep, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise HttpError(401, _("Use the header “Authorization: Bearer <token>”."))
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = self._authenticate(token)
        if user is None:
            raise HttpError(401, _("The API token is invalid, expired or revoked."))
        request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The staff UI's session; unsafe methods must carry the CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request):
            raise PermissionDenied(_("CSRF check failed: send the X-CSRFToken header."))
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return None  # pragma: no cover - __call__ does the work
