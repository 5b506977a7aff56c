"""The value types of facts and expressions: a small algebra the type checker works with.

Kept separate from the checker so that the facts registry (which declares typed facts) and
the checker (which infers the type of an expression) share one vocabulary.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FactType:
    """A CEL value type: a scalar name, or a list / map with an element type."""

    name: str  # bool int double string timestamp dyn null list map
    elem: FactType | None = None

    def __str__(self) -> str:
        if self.name == "list":
            return f"list<{self.elem}>"
        if self.name == "map":
            return f"map<string, {self.elem}>"
        return self.name

    @property
    def is_numeric(self) -> bool:
        return self.name in ("int", "double")

    @property
    def is_dyn(self) -> bool:
        return self.name == "dyn"


BOOL = FactType("bool")
INT = FactType("int")
DOUBLE = FactType("double")
STRING = FactType("string")
TIMESTAMP = FactType("timestamp")
DYN = FactType("dyn")
NULL = FactType("null")


def list_of(elem: FactType) -> FactType:
    return FactType("list", elem)


def map_of(elem: FactType) -> FactType:
    return FactType("map", elem)


def comparable(a: FactType, b: FactType) -> bool:
    """True when `a == b` is meaningful (same type, both numbers, dyn or null on a side)."""
    if a.is_dyn or b.is_dyn or NULL in (a, b):
        return True
    if a.is_numeric and b.is_numeric:
        return True
    if a.name == b.name and a.name in ("list", "map"):
        return comparable(a.elem or DYN, b.elem or DYN)
    return a == b


def orderable(a: FactType, b: FactType) -> bool:
    """True when `a < b` is meaningful."""
    if a.is_dyn or b.is_dyn:
        return True
    if a.is_numeric and b.is_numeric:
        return True
    return a == b and a.name in ("string", "timestamp")


def of_value(value: object) -> FactType:
    """The type of a plain Python value (for constants and tests)."""
    if value is None:
        return NULL
    if isinstance(value, list | tuple):
        elems = {of_value(v) for v in value}
        return list_of(elems.pop() if len(elems) == 1 else DYN)
    # bool before int: True is an int in Python.
    for python_type, fact_type in ((bool, BOOL), (int, INT), (float, DOUBLE), (str, STRING)):
        if isinstance(value, python_type):
            return fact_type
    return DYN
