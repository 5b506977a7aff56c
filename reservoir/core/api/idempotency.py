"""`Idempotency-Key` support for create endpoints that a channel may retry."""

import functools
import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja.responses import NinjaJSONEncoder
from pydantic import BaseModel

from reservoir.core.errors import Conflict
from reservoir.core.models import IdempotencyRecord

View = Callable[..., Any]


def idempotent(scope: str, *, atomic: bool = True) -> Callable[[View], View]:
    """Make a create endpoint safe to retry with an `Idempotency-Key` header.

    The view runs in one transaction with the stored response (IdempotencyRecord keyed by
    actor, scope and key, with a digest of the body): the same key and body replay the
    stored status and body without writing again; the same key with another body is a 409.
    The view returns `(status, schema)`. Without the header it runs atomically, unless
    `atomic=False` says that it writes through one (atomic) service call only: then no
    transaction wraps its reads and serialization (on SQLite, BEGIN IMMEDIATE would hold the
    database's write lock through them).
    """

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            key = request.headers.get("Idempotency-Key", "")
            if not key:
                if not atomic:
                    return _respond_once(view(request, *args, **kwargs))
                with transaction.atomic():
                    return _respond_once(view(request, *args, **kwargs))
            digest = _digest(request.body)
            actor = request.auth  # type: ignore[attr-defined]
            try:
                with transaction.atomic():
                    stored = _lookup(actor, scope, key)
                    if stored is not None:
                        return _replay(stored, digest)
                    status, body = _jsonable(view(request, *args, **kwargs))
                    IdempotencyRecord.objects.create(
                        actor=actor,
                        scope=scope,
                        key=key,
                        request_digest=digest,
                        status_code=status,
                        response=body,
                    )
                    return _respond(status, body)
            except IntegrityError:
                # A concurrent request with this key committed first; ours rolled back.
                stored = _lookup(actor, scope, key)
                if stored is None:
                    raise
                return _replay(stored, digest)

        return wrapper

    return decorate


def _digest(body: bytes) -> str:
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = body
    return hashlib.sha256(canonical).hexdigest()


def _lookup(actor: Any, scope: str, key: str) -> IdempotencyRecord | None:
    return IdempotencyRecord.objects.filter(actor=actor, scope=scope, key=key).first()


def _replay(stored: IdempotencyRecord, digest: str) -> HttpResponse:
    if stored.request_digest != digest:
        raise Conflict(
            _("This Idempotency-Key was already used with a different request body."),
            field="Idempotency-Key",
        )
    response = _respond(stored.status_code, stored.response)
    response["Idempotent-Replayed"] = "true"
    return response


def _jsonable(result: Any) -> tuple[int, Any]:
    """Encode the view's answer as ninja would (same date format), as plain JSON data."""
    status, payload = result if isinstance(result, tuple) else (200, result)
    if isinstance(payload, BaseModel):
        payload = payload.model_dump()
    return status, json.loads(json.dumps(payload, cls=NinjaJSONEncoder))


def _respond_once(result: Any) -> HttpResponse:
    """Encode the view's answer straight to the response (nothing is stored)."""
    status, payload = result if isinstance(result, tuple) else (200, result)
    if isinstance(payload, BaseModel):
        payload = payload.model_dump()
    return HttpResponse(
        json.dumps(payload, cls=NinjaJSONEncoder, ensure_ascii=False),
        status=status,
        content_type="application/json",
    )


def _respond(status: int, body: Any) -> HttpResponse:
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type="application/json"
    )
