"""Keyset (cursor) pagination: opaque base64 cursors over (ordering keys…, id)."""

import base64
import binascii
import datetime as dt
import json
from collections.abc import Sequence
from decimal import Decimal
from functools import reduce
from operator import or_
from typing import Any, Generic, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _
from ninja import Field, Schema

from reservoir.core.api.fields import MAX_ID
from reservoir.core.api.problems import check_text
from reservoir.core.errors import DomainError, InvalidInput

MAX_PAGE = 200
T = TypeVar("T")


class PageQuery(Schema):
    cursor: str | None = Field(None, max_length=1000, description="`next_cursor` of a page.")
    limit: int = Field(50, ge=1, le=MAX_PAGE)


class Page(Schema, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null at the end."
    )


def paginate(
    qs: QuerySet[Any], order: Sequence[str], *, cursor: str | None, limit: int
) -> dict[str, Any]:
    """Return one keyset page of `qs` as {"items", "next_cursor"}.

    `order` is the sort, e.g. ("-occurred_at", "-id"); its last key must be unique. Nullable
    keys sort their NULLs last in both directions (the same on SQLite and PostgreSQL).
    One query (plus the queryset's prefetches), whatever the page size or position.
    """
    keys = [(name.lstrip("-"), name.startswith("-")) for name in order]
    fields = [qs.model._meta.get_field(name) for name, _desc in keys]
    ordering: list[Any] = []
    for (name, desc), field in zip(keys, fields, strict=True):
        if field.null:
            ordering.append(F(name).desc(nulls_last=True) if desc else F(name).asc(nulls_last=True))
        else:
            ordering.append(f"-{name}" if desc else name)
    qs = qs.order_by(*ordering)
    if cursor:
        qs = qs.filter(_after(keys, fields, _decode_cursor(cursor, fields)))
    rows = list(qs[: limit + 1])
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = _encode_cursor([getattr(rows[-1], f.attname) for f in fields])
    return {"items": rows, "next_cursor": next_cursor}


def _after(keys: list[tuple[str, bool]], fields: list[Any], values: list[Any]) -> Q:
    terms: list[Q] = []
    prefix = Q()
    for (name, desc), field, value in zip(keys, fields, values, strict=True):
        if value is None:
            prefix &= Q(**{f"{name}__isnull": True})
            continue
        strict = Q(**{f"{name}__{'lt' if desc else 'gt'}": value})
        if field.null:
            strict |= Q(**{f"{name}__isnull": True})
        terms.append(prefix & strict)
        prefix &= Q(**{name: value})
    after = reduce(or_, terms) if terms else Q(pk__in=[])
    first_name, first_desc = keys[0]
    if values[0] is not None and not fields[0].null:
        # A plain range on the leading key lets the database walk its index.
        after &= Q(**{f"{first_name}__{'lte' if first_desc else 'gte'}": values[0]})
    return after


def _encode_cursor(values: list[Any]) -> str:
    plain = [
        v.isoformat() if isinstance(v, dt.date) else str(v) if isinstance(v, Decimal) else v
        for v in values
    ]
    raw = json.dumps(plain, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str, fields: list[Any]) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        plain = json.loads(raw)
        if not isinstance(plain, list) or len(plain) != len(fields):
            raise ValueError(cursor)
        values = [None if v is None else f.to_python(v) for f, v in zip(fields, plain, strict=True)]
        for value in values:
            if isinstance(value, dt.datetime):
                if value.tzinfo is None:
                    raise ValueError(cursor)
                value.astimezone(dt.UTC)
            elif isinstance(value, int) and abs(value) > MAX_ID:
                raise ValueError(cursor)
            elif isinstance(value, str):
                check_text(value, "cursor")
    except (
        ValueError,
        TypeError,
        OverflowError,
        binascii.Error,
        DjangoValidationError,
        DomainError,
    ) as exc:
        raise InvalidInput(
            _("This cursor is not valid here; start again without it."), field="cursor"
        ) from exc
    return values
