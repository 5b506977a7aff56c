"""Row cells: DMN-style unary tests compiled once into Python predicates.

A cell tests the value of its input column. Forms business users type:
`-` (anything) · `gold` or `"gold"` · `gold, silver` (any of) · `> 5` `<= 0.3` `!= "x"` ·
`[1..5]` `(0..1]` (ranges) · `in ["a", "b"]` · `not(gold, silver)` · on a list input, a
value means "contains" · `= <CEL>`: any boolean expression, with `value` the input value.

Why not CEL for every cell: a table of 200 rows is tested on every decision and celpy costs
≈60 µs per evaluation, i.e. ≈12 ms per table; a closure such as `lambda v: v == "gold"`
costs ≈0.1 µs. Literals are still parsed by cel-python (we never parse values ourselves),
and a full CEL cell is compiled once.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from reservoir.decisions.expressions import Checked, ExpressionError, check, evaluator
from reservoir.decisions.types import BOOL, DYN, FactType, comparable, orderable

Test = Callable[[Any, Any], bool]  # (column value, facts of the decision) → match
_BARE = re.compile(r"^[^\W\d][\w\-./&+ ]*(\s*,\s*[^\W\d][\w\-./&+ ]*)*$")
_RANGE = re.compile(r"^([\[(\]])\s*(.+?)\s*\.\.\s*(.+?)\s*([\])\[])$")
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    "!=": operator.ne,
    "==": operator.eq,
    ">": operator.gt,
    "<": operator.lt,
}
_KEYWORDS = {"true", "false", "null"}


@dataclass(frozen=True)
class Cell:
    source: str
    test: Test | None  # None: "-", matches anything
    paths: frozenset[str]


def compile_cell(text: str, input_type: FactType, schema: Mapping[str, FactType]) -> Cell:
    """Compile one cell against its column's type; raise ExpressionError when invalid."""
    source = (text or "").strip()
    if source in ("", "-"):
        return Cell(source, None, frozenset())
    if source.startswith("="):
        checked = check(source[1:], schema, {"value": input_type})
        if checked.type not in (BOOL, DYN):
            raise ExpressionError(
                _("a cell expression must be true or false, not %(t)s.") % {"t": checked.type},
                column=0,
            )
        return Cell(source, _cel_test(checked), checked.paths)
    try:
        test = _unary(source, input_type)
    except ExpressionError as exc:
        raise ExpressionError(exc.reason, column=0) from exc  # a test, not a position
    return Cell(source, test, frozenset())


def _cel_test(checked: Checked) -> Test:
    run = evaluator(checked)

    def test(value: Any, facts: Mapping[str, Any]) -> bool:
        return bool(run(facts, {"value": value}))

    return test


def _unary(source: str, t: FactType) -> Test:
    low = source.lower()
    if low.startswith("not(") and source.endswith(")"):
        inner = _unary(source[4:-1].strip(), t)
        return lambda v, f: v is not None and not inner(v, f)
    if low.startswith(("in ", "in[")):
        values = _literals(source[2:].strip().removeprefix("[").removesuffix("]"), t)
        return _any_of(values, t)
    for symbol, op in _OPS.items():
        if source.startswith(symbol):
            (value,) = _literals(source[len(symbol) :].strip(), t, single=True)
            if symbol in ("==", "!=") and not comparable(_type_of(value), _scalar(t)):
                raise _mismatch(value, t)
            if symbol not in ("==", "!=") and not orderable(_type_of(value), _scalar(t)):
                raise ExpressionError(
                    _("“%(op)s” needs a number or a text column; this column is %(t)s.")
                    % {"op": symbol, "t": t}
                )
            return _compare(op, value)
    match = _RANGE.match(source)
    if match:
        lo_b, lo_s, hi_s, hi_b = match.groups()
        (lo,) = _literals(lo_s, t, single=True)
        (hi,) = _literals(hi_s, t, single=True)
        lo_op = operator.ge if lo_b == "[" else operator.gt
        hi_op = operator.le if hi_b == "]" else operator.lt
        return lambda v, f: v is not None and _safe(lo_op, v, lo) and _safe(hi_op, v, hi)
    return _any_of(_literals(source, t), t)


def _literals(text: str, t: FactType, *, single: bool = False) -> list[Any]:
    """Parse literal values with cel-python (bare words are texts), typed against `t`."""
    if _BARE.match(text) and text.lower() not in _KEYWORDS:
        values: list[Any] = [w.strip() for w in text.split(",")]
    else:
        try:
            checked = check(f"[{text}]", {})
        except ExpressionError as exc:
            raise ExpressionError(
                _("“%(text)s” is not a value or a test.") % {"text": text}
            ) from exc
        values = evaluator(checked)({}, {})
    if single and len(values) != 1:
        raise ExpressionError(_("expected one value, found %(n)s.") % {"n": len(values)})
    for value in values:
        if not comparable(_type_of(value), _scalar(t)):
            raise _mismatch(value, t)
    return values


def _mismatch(value: Any, t: FactType) -> ExpressionError:
    return ExpressionError(
        _("%(v)s is a %(vt)s but this column is %(t)s.")
        % {"v": repr(value), "vt": _type_of(value), "t": t}
    )


def _type_of(value: Any) -> FactType:
    from reservoir.decisions.types import of_value

    return of_value(value)


def _scalar(t: FactType) -> FactType:
    """The type a cell value is compared with: a list column's element type."""
    return (t.elem or DYN) if t.name == "list" else t


def _any_of(values: list[Any], t: FactType) -> Test:
    if t.name == "list":
        wanted = set(values)
        return lambda v, f: bool(v) and not wanted.isdisjoint(v)
    if len(values) == 1:
        (only,) = values
        return lambda v, f: v == only
    choices = set(values)
    return lambda v, f: v in choices


def _compare(op: Callable[[Any, Any], bool], value: Any) -> Test:
    return lambda v, f: v is not None and _safe(op, v, value)


def _safe(op: Callable[[Any, Any], bool], a: Any, b: Any) -> bool:
    try:
        return bool(op(a, b))
    except TypeError:
        return False
