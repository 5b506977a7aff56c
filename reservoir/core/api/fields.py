"""Pydantic field types every API schema shares: ids, instants, the idempotency header."""

import datetime as dt
from typing import Annotated

from django.utils.translation import gettext as _
from ninja import Field, Header, Schema
from pydantic import AfterValidator, AwareDatetime, ConfigDict

MAX_ID = 2**63 - 1


def _sane_year(value: dt.datetime) -> dt.datetime:
    if not 1900 <= value.year <= 2999:
        raise ValueError(_("The year must be between 1900 and 2999."))
    return value.astimezone(dt.UTC)


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
"""A primary key in a path or query string (digits are accepted there)."""
BodyId = Annotated[int, Field(ge=1, le=MAX_ID, strict=True)]
"""A primary key in a JSON body: a JSON number, never a string."""
Instant = Annotated[AwareDatetime, AfterValidator(_sane_year)]
"""A timezone-aware point in time (naive times are refused), normalized to UTC."""
IdempotencyKey = Annotated[
    str | None,
    Header(
        None,
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",
        description="Retry safely: the same key and body return the stored response.",
    ),
]


class Input(Schema):
    """Base of request bodies: an unknown field is refused (a typo is an error, not a no-op)."""

    model_config = ConfigDict(extra="forbid")
