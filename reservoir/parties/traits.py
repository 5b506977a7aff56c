"""The trait catalogue: how each well-known trait key reads on a staff screen.

A trait is a free-form `key → JSON value` fact about a party. The app that writes a key
registers it here once per process (in its `AppConfig.ready()`, or at import of this
module for the keys listed at the bottom) with a translatable label and a kind; screens
then call `trait_label(key)` and `format_trait(key, value)` instead of printing the raw key
and value. A key nobody registered (a hand-set or imported trait) still reads well: its
key is humanized and its value shown as plain text.

Hand-written because it is a registry of our own keys and their shapes: no library knows
that "clv.churn_risk" is a probability. Numbers, dates and money go through Django's
locale formats (`number_format`, `date_format`), so no formatting rule is invented here.

`format_trait` never raises: a value of an unexpected type (a string where a number was
registered, a list where a code was expected) falls back to plain text.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.formats import date_format, number_format
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

Label = str | Promise
EMPTY = "—"
CURRENCY_SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥"}
_CODE = re.compile(r"^[a-z0-9]+(?:[_-][a-z0-9]+)*$")


class TraitKind(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    MONEY = "money"  # an amount in settings.DEFAULT_CURRENCY
    PERCENT = "percent"  # a share of `of` (a 0–1 probability by default) shown as %
    DATE = "date"  # an ISO date or date-time string
    CHOICE = "choice"  # a code shown by its label in `choices`
    LIST = "list"  # items joined by commas; `item_key` picks a field of dict items
    FLAG = "flag"  # true / false shown as yes / no


@dataclass(frozen=True, slots=True)
class TraitSpec:
    """How one trait key reads: its label and how its value is formatted."""

    key: str
    label: Label
    kind: TraitKind
    choices: Mapping[str, Label] = field(default_factory=dict)
    decimals: int | None = None  # NUMBER / MONEY / PERCENT; None: the kind's default
    item_key: str = ""  # LIST of dicts: the field shown for each item (e.g. "name")
    part: str = ""  # a dict value: the field formatted (e.g. "score" of completeness)
    of: float = 1.0  # PERCENT: the value that is 100 %


_CATALOGUE: dict[str, TraitSpec] = {}


def register_trait(
    key: str,
    *,
    label: Label,
    kind: TraitKind | str = TraitKind.TEXT,
    choices: Mapping[str, Label] | None = None,
    decimals: int | None = None,
    item_key: str = "",
    part: str = "",
    of: float = 1.0,
) -> TraitSpec:
    """Register (or replace) how `key` reads; return its spec.

    Side effects: changes the process-wide catalogue. Call it from `AppConfig.ready()` so
    every process (web, worker, tests) has the same catalogue; registering a key again
    replaces the earlier entry (the last app loaded wins).
    """
    spec = TraitSpec(
        key=key,
        label=label,
        kind=TraitKind(kind),
        choices=dict(choices or {}),
        decimals=decimals,
        item_key=item_key,
        part=part,
        of=of,
    )
    _CATALOGUE[key] = spec
    return spec


def get_trait_spec(key: str) -> TraitSpec | None:
    """The registered spec of `key`, or None for a key nobody registered."""
    return _CATALOGUE.get(key)


def trait_label(key: str) -> str:
    """The label of `key` in the active language ("clv.churn_risk" → "Churn risk").

    An unregistered key is humanized: "loyalty.card_tier" → "Loyalty card tier".
    """
    spec = _CATALOGUE.get(key)
    return str(spec.label) if spec is not None else humanize(key)


def humanize(code: str) -> str:
    """A machine key or code as words: "weekday_morning" → "Weekday morning"."""
    text = " ".join(re.split(r"[._:\-\s]+", str(code))).strip()
    return text[:1].upper() + text[1:]


def format_trait(key: str, value: Any) -> str:
    """`value` of trait `key` as staff read it, in the active language's formats.

    Never raises: a value the registered kind cannot format is shown as plain text.
    """
    spec = _CATALOGUE.get(key)
    if spec is None:
        return plain_text(value)
    if spec.part and isinstance(value, dict):
        value = value.get(spec.part)
    if _is_empty(value):
        return EMPTY
    try:
        text = _FORMATTERS[spec.kind](spec, value)
    except (ArithmeticError, TypeError, ValueError):
        text = None
    return plain_text(value) if text is None else text


def plain_text(value: Any) -> str:
    """Any JSON value as a short readable string (numbers with the locale's separators)."""
    if _is_empty(value):
        return EMPTY
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return ", ".join(plain_text(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{humanize(k)}: {plain_text(v)}" for k, v in value.items())
    return _plain_scalar(value)


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | tuple | dict) and not value)


def _plain_scalar(value: Any) -> str:
    if not isinstance(value, int | float | Decimal):
        return json.dumps(value, ensure_ascii=False, default=str)
    number = _number(value)
    if number is None:  # NaN, infinity
        return str(value)
    return _group(number, _default_decimals(number), grouping=False)


# --- one formatter per kind; each returns None when the value does not fit ---------------


def _number(value: Any) -> Decimal | None:
    """A finite number from an int, float, Decimal or numeric string; None otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _default_decimals(number: Decimal) -> int:
    """The decimals `number` needs, at most two: 3 → 0, 2.5 → 1, 0.8231 → 2."""
    try:
        rounded = number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
    except InvalidOperation:
        return 0
    places = rounded.as_tuple().exponent
    return max(0, min(2, -places)) if isinstance(places, int) else 0


def _group(number: Decimal, decimals: int, *, grouping: bool = True) -> str:
    """`number` rounded half up (Django's number_format truncates), in the locale's format.

    `grouping` adds the locale's thousands separator; plain text leaves it to the
    USE_THOUSAND_SEPARATOR setting (a hand-typed 1998 may be a year).
    """
    try:
        number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    except InvalidOperation:  # more digits than the context holds: shown unrounded
        return number_format(number, force_grouping=grouping)
    return number_format(number, decimal_pos=decimals, force_grouping=grouping)


def _format_text(spec: TraitSpec, value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _format_number(spec: TraitSpec, value: Any) -> str | None:
    number = _number(value)
    if number is None:
        return None
    decimals = spec.decimals if spec.decimals is not None else _default_decimals(number)
    return _group(number, decimals)


def _format_money(spec: TraitSpec, value: Any) -> str | None:
    number = _number(value)
    if number is None:
        return None
    text = _group(number, 2 if spec.decimals is None else spec.decimals)
    currency = str(getattr(settings, "DEFAULT_CURRENCY", ""))
    symbol = CURRENCY_SYMBOLS.get(currency)
    if symbol:
        return f"-{symbol}{text[1:]}" if text.startswith("-") else f"{symbol}{text}"
    return f"{text} {currency}".strip()


def _format_percent(spec: TraitSpec, value: Any) -> str | None:
    number = _number(value)
    if number is None or not spec.of:
        return None
    share = number * 100 / Decimal(str(spec.of))
    return f"{_group(share, spec.decimals or 0)}%"


def _format_date(spec: TraitSpec, value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    moment = parse_datetime(value) if "T" in value or " " in value.strip() else None
    if moment is not None:
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return date_format(moment, "SHORT_DATETIME_FORMAT")
    day: dt.date | None = parse_date(value)
    return None if day is None else date_format(day, "SHORT_DATE_FORMAT")


def _format_choice(spec: TraitSpec, value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    label = spec.choices.get(value)
    if label is not None:
        return str(label)
    return humanize(value) if _CODE.match(value) else value


def _format_list(spec: TraitSpec, value: Any) -> str | None:
    if not isinstance(value, list | tuple):
        return None
    items = [v.get(spec.item_key) if spec.item_key and isinstance(v, dict) else v for v in value]
    return ", ".join(plain_text(v) for v in items if v not in (None, "")) or EMPTY


def _format_flag(spec: TraitSpec, value: Any) -> str | None:
    return plain_text(value) if isinstance(value, bool) else None


_FORMATTERS = {
    TraitKind.TEXT: _format_text,
    TraitKind.NUMBER: _format_number,
    TraitKind.MONEY: _format_money,
    TraitKind.PERCENT: _format_percent,
    TraitKind.DATE: _format_date,
    TraitKind.CHOICE: _format_choice,
    TraitKind.LIST: _format_list,
    TraitKind.FLAG: _format_flag,
}


# --- keys written by apps that do not register their own ---------------------------------
# Survey answers (support), profile completeness (resolution), imports and the create form
# (tags, notes), the hand-set value fallbacks that support's SLA and the decision facts
# read, and the hand-typed flags staff keep. Analytics registers its model traits itself.

CONTACT_TIMES = {
    "weekday_morning": _("Weekday mornings"),
    "lunch_break": _("Lunch break"),
    "weekday_evening": _("Weekday evenings"),
    "weekend": _("Weekends"),
    "any": _("Any time"),
}

register_trait("csat.last", label=_("Last CSAT score"), kind=TraitKind.NUMBER)
register_trait("nps.last", label=_("Last NPS score"), kind=TraitKind.NUMBER)
register_trait("clv", label=_("Lifetime value"), kind=TraitKind.MONEY)
register_trait("churn_risk", label=_("Churn risk"), kind=TraitKind.PERCENT)
register_trait(
    "completeness", label=_("Profile completeness"), kind=TraitKind.PERCENT, part="score", of=100
)
register_trait("tags", label=_("Tags"), kind=TraitKind.LIST)
register_trait("notes", label=_("Notes"), kind=TraitKind.TEXT)
register_trait("vip", label=_("VIP"), kind=TraitKind.FLAG)
register_trait("birthday_greeting", label=_("Birthday greeting"), kind=TraitKind.FLAG)
register_trait("marketing_opt_out", label=_("Opted out of marketing"), kind=TraitKind.FLAG)
register_trait(
    "payment_terms_days", label=_("Payment terms (days)"), kind=TraitKind.NUMBER, decimals=0
)
register_trait(
    "preferred_contact_time",
    label=_("Preferred contact time"),
    kind=TraitKind.CHOICE,
    choices=CONTACT_TIMES,
)
