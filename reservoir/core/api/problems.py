"""Errors as RFC 9457 problem+json, and a parser that refuses unstorable text."""

import functools
import json
import logging
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.urls import URLPattern, URLResolver, re_path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.parser import Parser

from reservoir.core.errors import DomainError, InvalidInput

logger = logging.getLogger("reservoir.core.api")
PROBLEM_JSON = "application/problem+json"

_TITLES = {
    400: gettext_lazy("Bad request"),
    401: gettext_lazy("Not authenticated"),
    403: gettext_lazy("Forbidden"),
    404: gettext_lazy("Not found"),
    405: gettext_lazy("Method not allowed"),
    409: gettext_lazy("Conflict"),
    413: gettext_lazy("Request too large"),
    422: gettext_lazy("Invalid input"),
    429: gettext_lazy("Too many requests"),
    500: gettext_lazy("Server error"),
}
_MESSAGES = {
    "missing": gettext_lazy("This field is required."),
    "extra_forbidden": gettext_lazy("Unknown field."),
    "string_type": gettext_lazy("Must be a string."),
    "string_too_short": gettext_lazy("At least %(min_length)s characters."),
    "string_too_long": gettext_lazy("At most %(max_length)s characters."),
    "string_pattern_mismatch": gettext_lazy("Does not have the expected format."),
    "too_short": gettext_lazy("At least %(min_length)s items."),
    "too_long": gettext_lazy("At most %(max_length)s items."),
    "literal_error": gettext_lazy("Must be one of: %(expected)s."),
    "enum": gettext_lazy("Must be one of: %(expected)s."),
    "int_type": gettext_lazy("Must be an integer."),
    "int_parsing": gettext_lazy("Must be an integer."),
    "int_from_float": gettext_lazy("Must be an integer."),
    "bool_type": gettext_lazy("Must be true or false."),
    "bool_parsing": gettext_lazy("Must be true or false."),
    "greater_than_equal": gettext_lazy("Must be at least %(ge)s."),
    "less_than_equal": gettext_lazy("Must be at most %(le)s."),
    "greater_than": gettext_lazy("Must be greater than %(gt)s."),
    "decimal_parsing": gettext_lazy("Must be a number."),
    "decimal_type": gettext_lazy("Must be a number."),
    "finite_number": gettext_lazy("Must be a finite number."),
    "decimal_max_places": gettext_lazy("At most %(decimal_places)s decimal places."),
    "decimal_max_digits": gettext_lazy("At most %(max_digits)s digits."),
    "timezone_aware": gettext_lazy("The time must carry a time zone, e.g. +08:00 or Z."),
    "datetime_parsing": gettext_lazy("Must be an ISO 8601 date and time."),
    "datetime_from_date_parsing": gettext_lazy("Must be an ISO 8601 date and time."),
    "datetime_type": gettext_lazy("Must be an ISO 8601 date and time."),
    "date_from_datetime_parsing": gettext_lazy("Must be an ISO 8601 date."),
    "date_parsing": gettext_lazy("Must be an ISO 8601 date."),
    "date_type": gettext_lazy("Must be an ISO 8601 date."),
    "model_attributes_type": gettext_lazy("Must be an object."),
    "dict_type": gettext_lazy("Must be an object."),
    "model_type": gettext_lazy("Must be an object."),
    "list_type": gettext_lazy("Must be a list."),
}
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}


def problem(
    status: int,
    detail: str,
    *,
    code: str,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    """Return an RFC 9457 problem+json response."""
    body: dict[str, Any] = {
        "type": f"urn:reservoir:problem:{code}",
        "title": str(_TITLES.get(status, _TITLES[400])),
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    response = HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False),
        status=status,
        content_type=PROBLEM_JSON,
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def field_name(loc: Sequence[Any]) -> str:
    """Turn a pydantic location into `items[3].channel` (without the body/query prefix)."""
    parts = list(loc)
    if parts and parts[0] in _SOURCES:
        source = parts.pop(0)
        if source == "body" and parts:
            parts.pop(0)  # the view's parameter name
    name = ""
    for part in parts:
        if isinstance(part, int):
            name += f"[{part}]"
        elif "[" not in str(part):  # skip pydantic's union/validator tags
            name += f".{part}" if name else str(part)
    return name or "body"


def _message(error: dict[str, Any]) -> str:
    ctx = error.get("ctx") or {}
    if error.get("type") == "value_error" and "error" in ctx:
        return str(ctx["error"])
    template = _MESSAGES.get(error.get("type", ""))
    if template is None:
        return str(error.get("msg", ""))
    try:
        return str(template) % ctx
    except (KeyError, TypeError, ValueError):
        return str(error.get("msg", ""))


def _validation_problem(errors: list[dict[str, str]]) -> HttpResponse:
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
    return problem(422, detail, code="validation_error", errors=errors)


def _on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [{"field": field_name(e.get("loc", ())), "message": _message(e)} for e in exc.errors]
    return _validation_problem(errors)


def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    cause = exc.__cause__
    if exc.status_code == 401:
        detail = exc.message if exc.message != "Unauthorized" else ""
        return problem(
            401,
            detail or _("Sign in, or send “Authorization: Bearer <API token>”."),
            code="unauthenticated",
            headers={"WWW-Authenticate": 'Bearer realm="reservoir"'},
        )
    if isinstance(cause, json.JSONDecodeError):
        detail = _("The body is not valid JSON: %(msg)s (line %(line)s, column %(col)s).") % {
            "msg": cause.msg,
            "line": cause.lineno,
            "col": cause.colno,
        }
        return problem(400, detail, code="malformed_json")
    if isinstance(cause, UnicodeDecodeError):
        return problem(400, _("The body is not UTF-8 text."), code="malformed_json")
    if isinstance(cause, InvalidInput):
        return _on_domain_error(request, cause)
    if exc.status_code == 400:
        return problem(400, _("The request body cannot be read as JSON."), code="malformed_json")
    return problem(exc.status_code, str(exc.message), code=f"http_{exc.status_code}")


def _on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    if exc.status == 422:
        return _validation_problem([{"field": exc.field or "body", "message": exc.message}])
    errors = [{"field": exc.field, "message": exc.message}] if exc.field else None
    return problem(exc.status, exc.message, code=exc.code, errors=errors)


def _on_404(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(404, _("Not found."), code="not_found")


def _on_forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(403, _("You may not do this."), code="forbidden")


def _on_too_big(request: HttpRequest, exc: Exception) -> HttpResponse:
    detail = _("The request is larger than %(n)s bytes; send less (e.g. smaller batches).") % {
        "n": settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    }
    return problem(413, detail, code="payload_too_large")


def _on_suspicious(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(400, _("The request was refused as malformed."), code="bad_request")


def _on_django_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return _validation_problem([{"field": "body", "message": m} for m in exc.messages])


def _on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s %s", request.method, request.path)
    return problem(500, _("Something went wrong on our side; it has been logged."), code="error")


def install_problem_handlers(api: NinjaAPI) -> None:
    """Answer every error of `api` as problem+json (never an HTML 500 page)."""
    handlers: dict[type[Exception], Callable[..., HttpResponse]] = {
        ValidationError: _on_validation,
        HttpError: _on_http_error,
        DomainError: _on_domain_error,
        Http404: _on_404,
        DjangoPermissionDenied: _on_forbidden,
        RequestDataTooBig: _on_too_big,
        SuspiciousOperation: _on_suspicious,
        DjangoValidationError: _on_django_validation,
        Exception: _on_unexpected,
    }
    for exc_class, handler in handlers.items():
        api.add_exception_handler(exc_class, handler)


class ProblemAPI(NinjaAPI):
    """A NinjaAPI answering every error as problem+json, wrong methods and paths included."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        install_problem_handlers(self)

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                pattern.callback = _problem_on_405(pattern.callback)
        urls.append(re_path(r"^.*$", csrf_exempt(_unknown_path)))
        return urls


def _problem_on_405(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            detail = _("Use one of: %(methods)s.") % {"methods": allowed}
            return problem(405, detail, code="method_not_allowed", headers={"Allow": allowed})
        return response

    return wrapper


def _unknown_path(request: HttpRequest) -> HttpResponse:
    return problem(
        404, _("No such API endpoint: %(path)s") % {"path": request.path}, code="not_found"
    )


class StrictParser(Parser):
    """JSON and query parsing that refuses text the databases cannot store (NUL, surrogates)."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = json.loads(request.body)
        pending = [data]
        while pending:
            item = pending.pop()
            if isinstance(item, dict):
                pending.extend(item.keys())
                pending.extend(item.values())
            elif isinstance(item, list):
                pending.extend(item)
            elif isinstance(item, str):
                check_text(item, "body")
        return data

    def parse_querydict(self, data: Any, list_fields: list[str], request: HttpRequest) -> Any:
        for key, values in data.lists():
            for value in [key, *values]:
                if isinstance(value, str):  # uploaded files (request.FILES) are not text
                    check_text(value, key)
        return super().parse_querydict(data, list_fields, request)


def check_text(text: str, field: str) -> None:
    bad = "\x00" in text
    if not bad:
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            bad = True
    if bad:
        raise InvalidInput(
            _("Text may not contain NUL characters or lone surrogates."), field=field
        )
