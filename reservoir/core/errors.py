"""Domain errors raised by services; the API and views turn them into 4xx answers."""

from __future__ import annotations


class DomainError(Exception):
    """A request that breaks a business rule; `status` is the HTTP status to answer with."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class InvalidInput(DomainError):
    """A value that cannot be accepted (malformed phone, unknown channel, ...)."""

    status = 422
    code = "invalid_input"


class NotFound(DomainError):
    """An id that does not exist or that the actor may not see (the two look the same)."""

    status = 404
    code = "not_found"


class Conflict(DomainError):
    """A write that clashes with the current state (e.g. a reused idempotency key)."""

    status = 409
    code = "conflict"


class PermissionDenied(DomainError):
    """The actor may see the record but not do this to it."""

    status = 403
    code = "forbidden"
