"""Checking comparisons: == != < <= > >= (chained as with `and`), `in` / `not in` a list of
literals, `is None` / `is not None`, and text literals read as dates next to dates."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd

from node_library.expressions import check_logic
from node_library.expressions.errors import shown
from node_library.expressions.grammar import COMPARISONS
from node_library.expressions.typed import NUMBERS, Typed, constant
from node_library.expressions.values import Value, align_tz, as_bool, is_missing
from node_library.schema import Dtype

if TYPE_CHECKING:
    from node_library.expressions.checker import Checker


def compare(checker: Checker, node: ast.Compare) -> Typed:
    special = [op for op in node.ops if isinstance(op, ast.In | ast.NotIn | ast.Is | ast.IsNot)]
    left_node: ast.AST = node.left
    if special and len(node.ops) > 1:
        symbol = _membership_symbol(special[0])
        position = checker.operator_position(node.left, node.comparators[0], symbol.split()[0])
        checker.refuse(
            f"chained '{symbol}'",
            position,
            "combine the tests with and, e.g. (x in [1, 2]) and (x > 0)",
        )
    left = checker.visit(node.left)
    parts: list[Typed] = []
    for op, right_node in zip(node.ops, node.comparators, strict=True):
        if isinstance(op, ast.In | ast.NotIn):
            position = checker.operator_position(
                left_node, right_node, _membership_symbol(op).split()[0]
            )
            return _membership(checker, left, right_node, isinstance(op, ast.NotIn), position, node)
        if isinstance(op, ast.Is | ast.IsNot):
            position = checker.operator_position(left_node, right_node, "is")
            return _null_test(checker, left, right_node, isinstance(op, ast.IsNot), position, node)
        symbol, function = COMPARISONS[type(op)]
        position = checker.operator_position(left_node, right_node, symbol)
        right = checker.visit(right_node)
        parts.append(_comparison(checker, symbol, function, left, right, position))
        left, left_node = right, right_node
    if len(parts) == 1:
        return parts[0]
    return check_logic.logical(
        checker, "and", operator.and_, parts, parts[0].position, checker.segment(node)
    )


def _comparison(
    checker: Checker,
    symbol: str,
    function: Callable[[Any, Any], Any],
    left: Typed,
    right: Typed,
    position: int,
) -> Typed:
    construct = f"operator '{symbol}'"
    for side in (left, right):
        if side.is_null:
            checker.fail(
                f"comparing with None using '{symbol}' is always False",
                side.position,
                construct,
                "test for missing values with `x is None` or `is_null(x)`",
            )
    left, right = comparable(
        checker, left, right, f"compare {{}} with {{}} using '{symbol}'", position, construct
    )
    text = f"{left.text} {symbol} {right.text}"
    if left.is_constant and right.is_constant:
        return constant(bool(function(left.value, right.value)), Dtype.BOOLEAN, position, text)
    run_left, run_right = left.run, right.run

    def run(frame: pd.DataFrame) -> Value:
        a, b = run_left(frame), run_right(frame)
        result = as_bool(function(align_tz(a, b), align_tz(b, a)))
        if symbol == "!=":  # pandas says a missing value differs from everything; SQL says no
            for side in (a, b):
                if isinstance(side, pd.Series):
                    result = result & side.notna().to_numpy()
        return result

    return Typed(Dtype.BOOLEAN, run, position, text)


def comparable(
    checker: Checker, left: Typed, right: Typed, action: str, position: int, construct: str
) -> tuple[Typed, Typed]:
    """The two operands, with a text literal next to a date parsed into a date."""
    if left.dtype is Dtype.DATETIME and right.dtype is Dtype.STRING and right.is_constant:
        right = as_date(checker, right)
    elif right.dtype is Dtype.DATETIME and left.dtype is Dtype.STRING and left.is_constant:
        left = as_date(checker, left)
    a, b = left.dtype, right.dtype
    if Dtype.UNKNOWN in (a, b) or a is b or {a, b} <= set(NUMBERS):
        return left, right
    if {a, b} == {Dtype.STRING, Dtype.DATETIME}:
        hint = "parse the text into dates first with to_date(...)"
    elif Dtype.STRING in (a, b):
        hint = 'compare text with text (quote it: "10") or numbers with numbers'
    else:
        hint = "compare values of the same kind"
    checker.fail(
        "cannot " + action.format(a.value, b.value) + f": {left.described()}, {right.described()}",
        position,
        construct,
        hint,
    )


def as_date(checker: Checker, literal: Typed) -> Typed:
    stamp: Any
    try:
        stamp = pd.Timestamp(literal.value)
    except (ValueError, TypeError, OverflowError):
        stamp = pd.NaT
    if stamp is pd.NaT:
        checker.fail(
            f"{shown(literal.text)} is not a date",
            literal.position,
            "date literal",
            'write dates like "2024-01-31" or "2024-01-31 13:45"',
        )
    return constant(stamp, Dtype.DATETIME, literal.position, literal.text)


def _literal_item(checker: Checker, node: ast.AST) -> Typed:
    if isinstance(node, ast.Constant) or (
        isinstance(node, ast.UnaryOp)
        and isinstance(node.op, ast.USub | ast.UAdd)
        and isinstance(node.operand, ast.Constant)
    ):
        item = checker.visit(node)
        if item.is_constant:
            return item
    checker.fail(
        "only literal values are allowed in the list after in",
        checker.position(node),
        "non-literal list item",
        "to compare with columns use == and combine with or",
    )


def _membership(
    checker: Checker,
    left: Typed,
    right_node: ast.AST,
    negate: bool,
    position: int,
    node: ast.AST,
) -> Typed:
    symbol = "not in" if negate else "in"
    if not isinstance(right_node, ast.List | ast.Tuple):
        checker.fail(
            f"the right side of '{symbol}' must be a list of literals, like [1, 2]",
            checker.position(right_node),
            f"operator '{symbol}'",
            "to test whether text contains other text use contains(s, sub)",
        )
    if left.is_null:
        checker.fail(
            f"None {symbol} [...] is not a test of a column",
            left.position,
            f"operator '{symbol}'",
            "test for missing values with `x is None`",
        )
    items = []
    for element in right_node.elts:
        item = _literal_item(checker, element)
        if not item.is_null:
            item = comparable(
                checker,
                left,
                item,
                "look for {1} values among {0} values",
                item.position,
                "list item",
            )[1]
        items.append(item)
    values = [i.value for i in items if not i.is_null]
    has_null = len(values) < len(items)
    text = checker.segment(node)
    if left.is_constant:
        found = any(left.value == v for v in values)
        return constant(found != negate, Dtype.BOOLEAN, position, text)
    run_left = left.run

    def run(frame: pd.DataFrame) -> Value:
        column = run_left(frame)
        missing = column.isna().to_numpy()
        wanted = [align_tz(v, column) for v in values]
        found = column.isin(wanted).to_numpy(dtype=bool, na_value=False) & ~missing
        if has_null:
            found |= missing
        elif negate:
            return pd.Series(~found & ~missing, index=column.index)
        return pd.Series(~found if negate else found, index=column.index)

    return Typed(Dtype.BOOLEAN, run, position, text)


def _null_test(
    checker: Checker,
    left: Typed,
    right_node: ast.AST,
    negate: bool,
    position: int,
    node: ast.AST,
) -> Typed:
    symbol = "is not" if negate else "is"
    if not (isinstance(right_node, ast.Constant) and right_node.value is None):
        checker.fail(
            f"'{symbol}' only tests for None",
            position,
            f"operator '{symbol}'",
            "write `x is None` / `x is not None`; compare values with == and !=",
        )
    text = checker.segment(node)
    if left.is_constant:
        return constant(is_missing(left.value) != negate, Dtype.BOOLEAN, position, text)
    run_left = left.run
    if negate:
        return Typed(Dtype.BOOLEAN, lambda frame: run_left(frame).notna(), position, text)
    return Typed(Dtype.BOOLEAN, lambda frame: run_left(frame).isna(), position, text)


def _membership_symbol(op: ast.cmpop) -> str:
    return {ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not"}[type(op)]
