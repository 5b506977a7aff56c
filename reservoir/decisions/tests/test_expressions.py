import pytest

from reservoir.decisions import facts
from reservoir.decisions.cells import compile_cell
from reservoir.decisions.expressions import ExpressionError, check, evaluator
from reservoir.decisions.types import BOOL, DOUBLE, INT, STRING, list_of

SCHEMA = facts.schema()
EXAMPLE = (
    'customer.segment == "gold" && context.channel in ["phone", "chat"] && '
    "!customer.has_open_complaint"
)


def test_check_accepts_issue_example_and_lists_its_facts_when_valid():
    checked = check(EXAMPLE, SCHEMA)

    assert checked.type == BOOL
    assert checked.paths == {"customer.segment", "context.channel", "customer.has_open_complaint"}
    assert checked.path is None


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            {
                "customer.segment": "gold",
                "context.channel": "chat",
                "customer.has_open_complaint": False,
            },
            True,
        ),
        (
            {
                "customer.segment": "gold",
                "context.channel": "email",
                "customer.has_open_complaint": False,
            },
            False,
        ),
        (
            {
                "customer.segment": "gold",
                "context.channel": "phone",
                "customer.has_open_complaint": True,
            },
            False,
        ),
    ],
)
def test_evaluator_computes_issue_example_when_given_facts(values, expected):
    run = evaluator(check(EXAMPLE, SCHEMA))

    assert run(values, {}) is expected


def test_plain_fact_path_is_read_directly_when_expression_is_one_fact():
    checked = check(" customer.orders_count ", SCHEMA)

    assert checked.path == "customer.orders_count"
    assert evaluator(checked)({"customer.orders_count": 4}, {}) == 4


@pytest.mark.parametrize(
    ("source", "column", "reason"),
    [
        (
            'customer.segmnt == "gold"',
            10,
            "unknown name “customer.segmnt” (did you mean “customer.segment”?).",
        ),
        ("customer.segment == ", 18, "this is not valid syntax here."),
        ("customer.segment == 1", 21, "cannot compare string with int."),
        (
            "customer.orders_count + 1.5 > 2.0",
            25,
            "cannot mix int and double: write 2.0 instead of 2, or use double(…).",
        ),
        ('__import__("os")', 1, "unknown function “__import__” with 1 argument(s)."),
        (
            "customer.__class__",
            10,
            "unknown name “customer.__class__” (did you mean “customer.clv”?).",
        ),
        (
            "customer.vip && customer.orders_count",
            17,
            "expected a true/false condition, found int.",
        ),
        ("customer", 1, "name a fact, not a group of facts."),
    ],
)
def test_check_refuses_with_position_and_reason_when_expression_invalid(source, column, reason):
    with pytest.raises(ExpressionError) as caught:
        check(source, SCHEMA)

    assert (caught.value.column, caught.value.reason) == (column, reason)
    assert caught.value.message == f"Position {column}: {reason}"


@pytest.mark.parametrize(
    ("cell", "type_", "value", "expected"),
    [
        ("-", STRING, "anything", True),
        ("gold", STRING, "gold", True),
        ('"gold"', STRING, "silver", False),
        ("gold, silver", STRING, "silver", True),
        ("not(gold, silver)", STRING, "bronze", True),
        ("not(gold, silver)", STRING, "gold", False),
        ("> 5", INT, 6, True),
        ("> 5", INT, 5, False),
        ("[1..5]", INT, 5, True),
        ("[1..5)", INT, 5, False),
        ("(0.2..0.6]", DOUBLE, 0.2, False),
        ("<= 0.3", DOUBLE, 0.3, True),
        ("in [1, 2, 3]", INT, 2, True),
        ("true", BOOL, True, True),
        ("false", BOOL, True, False),
        ('"QL-1"', list_of(STRING), ["QL-2", "QL-1"], True),
        ('"QL-1"', list_of(STRING), [], False),
        ("= value > 2 && customer.vip", INT, 3, True),
        ("> 5", INT, None, False),
    ],
)
def test_cell_matches_value_when_compiled_for_column_type(cell, type_, value, expected):
    test = compile_cell(cell, type_, SCHEMA).test
    facts_read = {"customer.vip": True}

    matched = True if test is None else test(value, facts_read)

    assert matched is expected


@pytest.mark.parametrize(
    ("cell", "type_", "message"),
    [
        ("> many", INT, "'many' is a string but this column is int."),
        ("gold", BOOL, "'gold' is a string but this column is bool."),
        ("> true", BOOL, "“>” needs a number or a text column; this column is bool."),
        ("= value + 1", INT, "A cell expression must be true or false, not int."),
    ],
)
def test_cell_is_refused_with_reason_when_it_does_not_fit_the_column(cell, type_, message):
    with pytest.raises(ExpressionError) as caught:
        compile_cell(cell, type_, SCHEMA)

    assert caught.value.message.endswith(message)
