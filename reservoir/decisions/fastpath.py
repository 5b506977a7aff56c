"""Plain-Python closures for the simple subset of CEL that most business rules use.

Input: a tree that cel-python parsed and `expressions.check` type-checked. Supported:
fact paths (`customer.segment`), variables, int / double / bool / null literals, plain
string literals without escapes, list literals, `== != < <= > >= in`, `!`, `&&`, `||`,
`?:` and parentheses. `translate` returns None for anything else (functions, macros,
arithmetic, maps, escaped strings), which then runs on celpy.

Why: celpy costs ≈100 µs per evaluation, a closure ≈2 µs, and the decision budget is
2 ms. Semantics follow CEL where they can differ from Python: `&&` and `||` absorb an
error on one side when the other side decides the result (false / true).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

import lark

Fn = Callable[[Mapping[str, Any], Mapping[str, Any]], Any]
_RELATIONS: dict[str, Callable[[Any, Any], Any]] = {
    "relation_eq": operator.eq,
    "relation_ne": operator.ne,
    "relation_lt": operator.lt,
    "relation_le": operator.le,
    "relation_gt": operator.gt,
    "relation_ge": operator.ge,
    "relation_in": lambda a, b: operator.contains(b, a),
}
_LITERALS: dict[str, Callable[[str], Any]] = {
    "INT_LIT": lambda t: int(t, 0),
    "FLOAT_LIT": float,
    "BOOL_LIT": lambda t: t == "true",
    "NULL_LIT": lambda _t: None,
}


class _Unsupported(Exception):
    pass


def translate(tree: lark.Tree) -> Fn | None:
    """A closure computing `tree`, or None when it uses more than the simple subset."""
    try:
        return _node(tree)
    except _Unsupported:
        return None


def _kids(node: lark.Tree) -> list[Any]:
    return [c for c in node.children if c is not None]


def _node(node: Any) -> Fn:  # noqa: PLR0911, PLR0912 - one branch per grammar rule
    if not isinstance(node, lark.Tree):
        raise _Unsupported
    kids = _kids(node)
    data = node.data
    if data == "expr" and len(kids) == 3:
        return _ternary(*(_node(k) for k in kids))
    if data in ("conditionalor", "conditionaland") and len(kids) == 2:
        left, right = _node(kids[0]), _node(kids[1])
        return _or(left, right) if data == "conditionalor" else _and(left, right)
    if data == "relation" and len(kids) == 2:
        op_node, right_node = kids
        op = _RELATIONS[op_node.data]
        left, right = _node(op_node.children[0]), _node(right_node)
        return lambda f, v: op(left(f, v), right(f, v))
    if data == "unary" and len(kids) == 2:
        if kids[0].data != "unary_not":
            raise _Unsupported
        inner = _node(kids[1])
        return lambda f, v: not inner(f, v)
    if data == "member_dot":
        return _path(kids)
    if data == "ident":
        name = str(kids[0])
        return lambda _f, v: v[name]
    if data == "literal":
        return _literal(kids[0])
    if data == "list_lit":
        items = [_node(k) for k in (_kids(kids[0]) if kids else [])]
        return lambda f, v: [item(f, v) for item in items]
    if data in ("expr", "conditionalor", "conditionaland", "relation", "addition",
                "multiplication", "unary", "member", "primary", "paren_expr") and len(kids) == 1:  # fmt: skip
        return _node(kids[0])
    raise _Unsupported


def _path(kids: list[Any]) -> Fn:
    owner, name = kids
    inner = _kids(owner)
    if not (owner.data == "member" and len(inner) == 1 and inner[0].data == "primary"):
        raise _Unsupported
    ident = _kids(inner[0])[0]
    if not (isinstance(ident, lark.Tree) and ident.data == "ident"):
        raise _Unsupported
    path = f"{_kids(ident)[0]}.{name}"
    return lambda f, _v: f[path]


def _literal(token: lark.Token) -> Fn:
    text = str(token)
    if token.type in _LITERALS:
        value = _LITERALS[token.type](text)
    elif token.type == "STRING_LIT" and text[:1] in "\"'" and "\\" not in text:
        value = text[1:-1]
    else:
        raise _Unsupported
    return lambda _f, _v: value


def _ternary(cond: Fn, yes: Fn, no: Fn) -> Fn:
    return lambda f, v: yes(f, v) if cond(f, v) else no(f, v)


def _side(fn: Fn, f: Mapping[str, Any], v: Mapping[str, Any]) -> Any:
    try:
        return fn(f, v)
    except Exception as exc:  # noqa: BLE001 - kept to honour CEL's error absorption
        return _Error(exc)


class _Error:
    def __init__(self, exc: Exception) -> None:
        self.exc = exc


def _and(left: Fn, right: Fn) -> Fn:
    def run(f: Mapping[str, Any], v: Mapping[str, Any]) -> bool:
        a = _side(left, f, v)
        if a is False:
            return False
        b = _side(right, f, v)
        if b is False:
            return False
        for side in (a, b):
            if isinstance(side, _Error):
                raise side.exc
        return bool(a and b)

    return run


def _or(left: Fn, right: Fn) -> Fn:
    def run(f: Mapping[str, Any], v: Mapping[str, Any]) -> bool:
        a = _side(left, f, v)
        if a is True:
            return True
        b = _side(right, f, v)
        if b is True:
            return True
        for side in (a, b):
            if isinstance(side, _Error):
                raise side.exc
        return bool(a or b)

    return run
