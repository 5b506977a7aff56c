"""Shared REST API infrastructure: auth, problem+json errors, cursor pages, idempotency.

Every app's `api.py` builds its router from these pieces; `config/api.py` mounts the routers
and installs the auth and the error handlers. Nothing here imports an app above core: the
token check is passed in (`BearerTokenAuth(authenticate_token)`).
"""

from reservoir.core.api.auth import BearerTokenAuth, SessionAuth
from reservoir.core.api.fields import MAX_ID, BodyId, Id, IdempotencyKey, Input, Instant
from reservoir.core.api.idempotency import idempotent
from reservoir.core.api.pagination import MAX_PAGE, Page, PageQuery, paginate
from reservoir.core.api.problems import (
    PROBLEM_JSON,
    ProblemAPI,
    StrictParser,
    field_name,
    install_problem_handlers,
    problem,
)

__all__ = [
    "MAX_ID",
    "MAX_PAGE",
    "PROBLEM_JSON",
    "BearerTokenAuth",
    "BodyId",
    "Id",
    "IdempotencyKey",
    "Input",
    "Instant",
    "Page",
    "PageQuery",
    "ProblemAPI",
    "SessionAuth",
    "StrictParser",
    "field_name",
    "idempotent",
    "install_problem_handlers",
    "paginate",
    "problem",
]
