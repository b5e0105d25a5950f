"""Checking conditions: and / or / not, the operators & | ^ ~ on conditions, and the rule that a
missing condition counts as False."""

from __future__ import annotations

import ast
import functools
import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pandas as pd

from node_library.expressions.errors import shown
from node_library.expressions.typed import Typed, constant, with_article
from node_library.expressions.values import Value, as_bool
from node_library.schema import Dtype

if TYPE_CHECKING:
    from node_library.expressions.checker import Checker


def require_condition(checker: Checker, symbol: str, operand: Typed) -> None:
    if operand.dtype in (Dtype.BOOLEAN, Dtype.UNKNOWN) and not operand.is_null:
        return
    if symbol in ("&", "|", "^", "~"):
        hint = (
            f"'{symbol}' combines conditions only; mind that it binds tighter than comparisons:"
            " write (a > 1) & (b < 2), or use and / or / not"
        )
    else:
        hint = "compare it first, e.g. `price > 0`, or test `not_null(price)`"
    kind = "None" if operand.is_null else with_article(operand.dtype)
    checker.fail(
        f"'{symbol}' needs conditions (True/False), but `{shown(operand.text)}` is {kind}",
        operand.position,
        f"operator '{symbol}'",
        hint,
    )


def negation(checker: Checker, node: ast.UnaryOp) -> Typed:
    """`not x` and `~x`."""
    operand = checker.visit(node.operand)
    position, text = checker.position(node), checker.segment(node)
    symbol = "not" if isinstance(node.op, ast.Not) else "~"
    require_condition(checker, symbol, operand)
    if operand.is_constant:
        return constant(not as_bool(operand.value), Dtype.BOOLEAN, position, text)
    run_operand = operand.run
    return Typed(Dtype.BOOLEAN, lambda frame: ~as_bool(run_operand(frame)), position, text)


def boolean(checker: Checker, node: ast.BoolOp) -> Typed:
    symbol, function = (
        ("and", operator.and_) if isinstance(node.op, ast.And) else ("or", operator.or_)
    )
    operands = [checker.visit(v) for v in node.values]
    position = checker.operator_position(node.values[0], node.values[1], symbol)
    return logical(checker, symbol, function, operands, position, checker.segment(node))


def logical(
    checker: Checker,
    symbol: str,
    function: Callable[[Any, Any], Any],
    operands: list[Typed],
    position: int,
    text: str,
) -> Typed:
    for operand in operands:
        require_condition(checker, symbol, operand)
    if all(o.is_constant for o in operands):
        value = functools.reduce(function, (as_bool(o.value) for o in operands))
        return constant(bool(value), Dtype.BOOLEAN, position, text)
    runs = [o.run for o in operands]

    def run(frame: pd.DataFrame) -> Value:
        return functools.reduce(function, (as_bool(r(frame)) for r in runs))

    return Typed(Dtype.BOOLEAN, run, position, text)
