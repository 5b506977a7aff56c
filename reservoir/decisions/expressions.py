"""The one expression language of Reservoir: CEL, parsed by cel-python, type-checked here.

Parsing and evaluation are cel-python's (`celpy`): a well-kept CEL implementation whose
evaluator only reaches the values we hand it, so an expression cannot touch Python
internals. cel-python has no static type checker, so `check()` walks its parse tree against
the fact schema (names → types) and refuses, at save time, unknown facts, wrong operand
types and functions outside a small safe list, with the line, column and reason.

Evaluation cost decides the design of tables (see `compiler`): a plain fact path such as
`customer.segment` is recognised here (`Checked.path`) and read directly, without CEL.
Conditions made only of fact paths, literals, comparisons, `in`, `!`, `&&`, `||` and `?:`
(most business rules) are turned into Python closures from cel-python's own parse tree
(`fastpath`, ≈2 µs instead of ≈100 µs); anything else is compiled once with celpy's
CompiledRunner. Callers cache the result per published version.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import celpy
import lark
from django.utils.translation import gettext as _

from reservoir.decisions import fastpath
from reservoir.decisions.types import (
    BOOL,
    DOUBLE,
    DYN,
    INT,
    NULL,
    STRING,
    FactType,
    comparable,
    list_of,
    map_of,
    orderable,
)

MAX_LENGTH = 2000
_ENV = celpy.Environment(runner_class=celpy.CompiledRunner)
_NS = FactType("namespace")
_LIST_MACROS = {"exists", "all", "exists_one", "map", "filter"}
_STRING_METHODS = {"contains", "startsWith", "endsWith"}
_CONVERSIONS = {"int": INT, "double": DOUBLE, "string": STRING}


class ExpressionError(Exception):
    """An expression refused at save time: `line`, `column` (1-based) and `reason`."""

    def __init__(self, reason: str, *, line: int = 1, column: int = 1) -> None:
        self.reason = reason
        self.line = line
        self.column = column
        super().__init__(self.message)

    @property
    def message(self) -> str:
        if self.column <= 0:
            return self.reason[:1].upper() + self.reason[1:]
        return _("Position %(col)s: %(reason)s") % {"col": self.column, "reason": self.reason}


@dataclass(frozen=True)
class Checked:
    """A type-checked expression: its result type, the facts it reads, its parse tree."""

    source: str
    type: FactType
    paths: frozenset[str]
    path: str | None  # set when the expression is nothing but one fact path
    tree: lark.Tree = field(repr=False, compare=False)


def check(
    source: str, schema: Mapping[str, FactType], variables: Mapping[str, FactType] | None = None
) -> Checked:
    """Parse and type-check `source` against `schema`; raise ExpressionError when invalid."""
    text = source.strip()
    if not text:
        raise ExpressionError(_("The expression is empty."))
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            _("The expression is longer than %(n)s characters.") % {"n": MAX_LENGTH}
        )
    try:
        tree = _ENV.compile(text)
    except celpy.CELParseError as exc:
        raise ExpressionError(
            _("this is not valid syntax here."), line=exc.line or 1, column=exc.column or 1
        ) from exc
    checker = _Checker(schema, dict(variables or {}))
    result = checker.visit(tree)
    if result == _NS:
        raise ExpressionError(_("name a fact, not a group of facts."), **_pos(tree))
    path = checker.paths.copy().pop() if _is_plain_path(tree) and checker.paths else None
    return Checked(text, result, frozenset(checker.paths), path, tree)


def evaluator(checked: Checked) -> Callable[[Mapping[str, Any], Mapping[str, Any]], Any]:
    """Return fn(facts by path, variables) → value, compiled once (raise on evaluation error)."""
    if checked.path is not None:
        path = checked.path
        return lambda facts, _variables: facts[path]
    fast = fastpath.translate(checked.tree)
    if fast is not None:
        return fast
    program = _ENV.program(checked.tree)
    paths = sorted(checked.paths)

    def run(facts: Mapping[str, Any], variables: Mapping[str, Any]) -> Any:
        nested: dict[str, dict[str, Any]] = {}
        for p in paths:
            ns, _dot, name = p.partition(".")
            nested.setdefault(ns, {})[name] = facts[p]
        activation = {k: celpy.json_to_cel(v) for k, v in nested.items()}
        activation.update({k: celpy.json_to_cel(v) for k, v in variables.items()})
        return _plain(program.evaluate(activation))

    return run


_SCALARS: tuple[tuple[type, Callable[[Any], Any]], ...] = (
    (celpy.celtypes.BoolType, bool),  # before int: CEL's bool subclasses int
    (celpy.celtypes.IntType, int),
    (celpy.celtypes.UintType, int),
    (celpy.celtypes.DoubleType, float),
    (celpy.celtypes.StringType, str),
)


def _plain(value: Any) -> Any:
    """Turn celpy result types back into plain Python values (raise a CEL error)."""
    if isinstance(value, Exception):
        raise value
    if isinstance(value, celpy.celtypes.ListType):
        return [_plain(v) for v in value]
    if isinstance(value, celpy.celtypes.MapType):
        return {str(k): _plain(v) for k, v in value.items()}
    for cel_type, convert in _SCALARS:
        if isinstance(value, cel_type):
            return convert(value)
    return value


def _is_plain_path(tree: lark.Tree) -> bool:
    """True for `ns.name`: a chain of single-child nodes down to a member_dot on an ident."""
    node: Any = tree
    while isinstance(node, lark.Tree) and node.data != "member_dot":
        kids = [c for c in node.children if c is not None]
        if len(kids) != 1:
            return False
        node = kids[0]
    if not isinstance(node, lark.Tree):
        return False
    inner = [c for c in node.children[0].children if c is not None]  # member → primary
    return (
        bool(inner)
        and isinstance(inner[0], lark.Tree)
        and inner[0].data == "primary"
        and (isinstance(inner[0].children[0], lark.Tree) and inner[0].children[0].data == "ident")
    )


def _pos(node: Any) -> dict[str, int]:
    if isinstance(node, lark.Token):
        return {"line": node.line or 1, "column": node.column or 1}
    meta = getattr(node, "meta", None)
    if meta is not None and not getattr(meta, "empty", True):
        return {"line": meta.line, "column": meta.column}
    for child in getattr(node, "children", []):
        if child is not None:
            found = _pos(child)
            if found != {"line": 1, "column": 1}:
                return found
    return {"line": 1, "column": 1}


class _Checker:
    def __init__(self, schema: Mapping[str, FactType], variables: dict[str, FactType]) -> None:
        self.schema = schema
        self.namespaces = {p.split(".", 1)[0] for p in schema}
        self.variables = variables
        self.paths: set[str] = set()

    def fail(self, node: Any, reason: str) -> ExpressionError:
        return ExpressionError(reason, **_pos(node))

    def visit(self, node: Any) -> FactType:
        kids = [c for c in node.children if c is not None]
        method = getattr(self, f"v_{node.data}", None)
        if method is not None:
            result: FactType = method(node, kids)
            return result
        if len(kids) == 1 and isinstance(kids[0], lark.Tree):
            return self.visit(kids[0])
        raise self.fail(node, _("this construct is not supported in rules."))

    # --- operators -------------------------------------------------------------------
    def v_expr(self, node: lark.Tree, kids: list[Any]) -> FactType:
        if len(kids) == 1:
            return self.visit(kids[0])
        cond, yes, no = (self.visit(k) for k in kids)
        self.need_bool(kids[0], cond)
        if not comparable(yes, no):
            raise self.fail(
                kids[1],
                _("both branches of ?: must have the same type (%(a)s, %(b)s).")
                % {"a": yes, "b": no},
            )
        return yes if not yes.is_dyn else no

    def logical(self, node: lark.Tree, kids: list[Any]) -> FactType:
        if len(kids) == 1:
            return self.visit(kids[0])
        for k in kids:
            self.need_bool(k, self.visit(k))
        return BOOL

    v_conditionalor = logical
    v_conditionaland = logical

    def need_bool(self, node: Any, t: FactType) -> None:
        if t not in (BOOL, DYN):
            raise self.fail(node, _("expected a true/false condition, found %(t)s.") % {"t": t})

    def v_relation(self, node: lark.Tree, kids: list[Any]) -> FactType:
        if len(kids) == 1:
            return self.visit(kids[0])
        op_node, right_node = kids
        op = op_node.data.removeprefix("relation_")
        left = self.visit(op_node.children[0])
        right = self.visit(right_node)
        if op in ("eq", "ne") and not comparable(left, right):
            raise self.fail(
                right_node, _("cannot compare %(a)s with %(b)s.") % {"a": left, "b": right}
            )
        if op in ("lt", "le", "gt", "ge") and not orderable(left, right):
            raise self.fail(
                right_node, _("cannot order %(a)s against %(b)s.") % {"a": left, "b": right}
            )
        if op == "in":
            if right.name not in ("list", "map", "dyn"):
                raise self.fail(
                    right_node,
                    _("“in” needs a list or a map on its right, found %(t)s.") % {"t": right},
                )
            elem = right.elem or DYN
            if right.name == "map":
                elem = STRING
            if not comparable(left, elem):
                raise self.fail(
                    right_node, _("cannot look for %(a)s in %(b)s.") % {"a": left, "b": right}
                )
        return BOOL

    def arithmetic(self, node: lark.Tree, kids: list[Any]) -> FactType:
        if len(kids) == 1:
            return self.visit(kids[0])
        op_node, right_node = kids
        op = op_node.data.split("_", 1)[1]
        left = self.visit(op_node.children[0])
        right = self.visit(right_node)
        if left.is_dyn or right.is_dyn:
            return DYN
        if op == "add" and left == right and left.name in ("string", "list"):
            return left
        if left.is_numeric and right.is_numeric and left != right:
            raise self.fail(
                right_node,
                _("cannot mix int and double: write 2.0 instead of 2, or use double(…)."),
            )
        if left.is_numeric and left == right and not (op == "mod" and left == DOUBLE):
            return left
        raise self.fail(
            right_node,
            _("this operator does not apply to %(a)s and %(b)s.") % {"a": left, "b": right},
        )

    v_addition = arithmetic
    v_multiplication = arithmetic

    def v_unary(self, node: lark.Tree, kids: list[Any]) -> FactType:
        if len(kids) == 1:
            return self.visit(kids[0])
        op, operand = kids
        t = self.visit(operand)
        if op.data == "unary_not":
            self.need_bool(operand, t)
            return BOOL
        if not (t.is_numeric or t.is_dyn):
            raise self.fail(op, _("a minus sign needs a number, found %(t)s.") % {"t": t})
        return t

    # --- names, members, calls ----------------------------------------------------------
    def v_ident(self, node: lark.Tree, kids: list[Any]) -> FactType:
        name = str(kids[0])
        if name in self.variables:
            return self.variables[name]
        if name in self.namespaces:
            node.ns_name = name  # type: ignore[attr-defined]
            return _NS
        known = sorted(self.namespaces | set(self.variables))
        raise self.fail(kids[0], self.unknown(name, known))

    def unknown(self, name: str, known: list[str]) -> str:
        close = difflib.get_close_matches(name, known, n=1)
        if close:
            return _("unknown name “%(n)s” (did you mean “%(c)s”?).") % {"n": name, "c": close[0]}
        return _("unknown name “%(n)s”.") % {"n": name}

    def namespace_of(self, member: Any) -> str:
        node = member
        while isinstance(node, lark.Tree) and not hasattr(node, "ns_name"):
            node = next((c for c in node.children if c is not None), None)
        return str(getattr(node, "ns_name", ""))

    def v_member_dot(self, node: lark.Tree, kids: list[Any]) -> FactType:
        member, name = kids
        owner = self.visit(member)
        if owner == _NS:
            path = f"{self.namespace_of(member)}.{name}"
            if path not in self.schema:
                raise self.fail(name, self.unknown(path, sorted(self.schema)))
            self.paths.add(path)
            return self.schema[path]
        if owner.name == "map":
            return owner.elem or DYN
        if owner.is_dyn:
            return DYN
        raise self.fail(name, _("%(t)s has no field “%(n)s”.") % {"t": owner, "n": name})

    def v_member_index(self, node: lark.Tree, kids: list[Any]) -> FactType:
        owner, index = self.visit(kids[0]), self.visit(kids[1])
        if owner.name == "list" and index in (INT, DYN):
            return owner.elem or DYN
        if owner.name == "map" and index in (STRING, DYN):
            return owner.elem or DYN
        if owner.is_dyn:
            return DYN
        raise self.fail(kids[1], _("cannot index %(t)s with %(i)s.") % {"t": owner, "i": index})

    def args(self, kids: list[Any], start: int) -> list[Any]:
        if len(kids) > start and isinstance(kids[start], lark.Tree):
            return [c for c in kids[start].children if c is not None]
        return []

    def v_ident_arg(self, node: lark.Tree, kids: list[Any]) -> FactType:
        name, args = str(kids[0]), self.args(kids, 1)
        if name == "has" and len(args) == 1:
            self.visit(args[0])
            return BOOL
        if name == "size" and len(args) == 1:
            t = self.visit(args[0])
            if t.name not in ("string", "list", "map", "dyn"):
                raise self.fail(
                    args[0], _("size() needs a text, a list or a map, found %(t)s.") % {"t": t}
                )
            return INT
        if name in _CONVERSIONS and len(args) == 1:
            self.visit(args[0])
            return _CONVERSIONS[name]
        raise self.fail(
            kids[0],
            _("unknown function “%(n)s” with %(k)s argument(s).") % {"n": name, "k": len(args)},
        )

    def v_member_dot_arg(self, node: lark.Tree, kids: list[Any]) -> FactType:
        member, name = kids[0], str(kids[1])
        args = self.args(kids, 2)
        owner = self.visit(member)
        if name == "size" and not args and owner.name in ("string", "list", "map", "dyn"):
            return INT
        if name in _STRING_METHODS and owner in (STRING, DYN) and len(args) == 1:
            arg = self.visit(args[0])
            if arg not in (STRING, DYN):
                raise self.fail(
                    args[0], _("%(n)s() needs a text, found %(t)s.") % {"n": name, "t": arg}
                )
            return BOOL
        if name in _LIST_MACROS and owner.name in ("list", "map", "dyn") and len(args) == 2:
            return self.macro(name, owner, args)
        raise self.fail(
            kids[1],
            _("%(t)s has no method “%(n)s” with %(k)s argument(s).")
            % {"t": owner, "n": name, "k": len(args)},
        )

    def macro(self, name: str, owner: FactType, args: list[Any]) -> FactType:
        var = _ident_name(args[0])
        if var is None:
            raise self.fail(args[0], _("the first argument must be a variable name."))
        elem = (STRING if owner.name == "map" else owner.elem) or DYN
        saved = self.variables.get(var)
        self.variables[var] = elem
        try:
            body = self.visit(args[1])
        finally:
            if saved is None:
                self.variables.pop(var)
            else:
                self.variables[var] = saved
        if name == "map":
            return list_of(body)
        self.need_bool(args[1], body)
        return list_of(elem) if name == "filter" else BOOL

    # --- literals -----------------------------------------------------------------------
    def v_literal(self, node: lark.Tree, kids: list[Any]) -> FactType:
        kind = kids[0].type
        return {
            "INT_LIT": INT,
            "UINT_LIT": INT,
            "FLOAT_LIT": DOUBLE,
            "STRING_LIT": STRING,
            "MLSTRING_LIT": STRING,
            "BOOL_LIT": BOOL,
            "NULL_LIT": NULL,
        }.get(kind) or self.reject(kids[0])

    def reject(self, token: Any) -> FactType:
        raise self.fail(token, _("this kind of value is not supported in rules."))

    def v_list_lit(self, node: lark.Tree, kids: list[Any]) -> FactType:
        types = {self.visit(k) for k in self.args(kids, 0)}
        return list_of(types.pop() if len(types) == 1 else DYN)

    def v_map_lit(self, node: lark.Tree, kids: list[Any]) -> FactType:
        items = self.args(kids, 0)
        values = {self.visit(v) for v in items[1::2]}
        for key in items[0::2]:
            if self.visit(key) != STRING:
                raise self.fail(key, _("map keys must be texts."))
        return map_of(values.pop() if len(values) == 1 else DYN)

    def v_paren_expr(self, node: lark.Tree, kids: list[Any]) -> FactType:
        return self.visit(kids[0])


def _ident_name(node: Any) -> str | None:
    while isinstance(node, lark.Tree):
        kids = [c for c in node.children if c is not None]
        if node.data == "ident":
            return str(kids[0])
        if len(kids) != 1:
            return None
        node = kids[0]
    return None
