"""Checking arithmetic: + - * / // % ** and unary minus on numbers, + on text, constant folding,
and the 64-bit overflow check on integers (an overflow is an error, never a wrapped value)."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from pandas.api import types as pdt

from node_library.expressions import check_logic
from node_library.expressions.errors import ExpressionError, located_at
from node_library.expressions.grammar import ARITHMETIC, BITWISE, REFUSED_OPERATORS
from node_library.expressions.typed import NUMBERS, Typed, constant
from node_library.expressions.values import (
    INT64_MAX,
    INT64_MIN,
    Value,
    as_float,
    conform,
    is_missing,
)
from node_library.schema import Dtype

if TYPE_CHECKING:
    from node_library.expressions.checker import Checker

MAX_CONSTANT_EXPONENT = 64


def binary(checker: Checker, node: ast.BinOp) -> Typed:
    """A binary operator: arithmetic here, & | ^ as conditions (check_logic)."""
    kind = type(node.op)
    if kind in REFUSED_OPERATORS:
        symbol, hint = REFUSED_OPERATORS[kind]
        position = checker.operator_position(node.left, node.right, symbol)
        checker.refuse(f"operator '{symbol}'", position, hint)
    left, right = checker.visit(node.left), checker.visit(node.right)
    if kind in BITWISE:
        symbol, function = BITWISE[kind]
        position = checker.operator_position(node.left, node.right, symbol)
        return check_logic.logical(
            checker, symbol, function, [left, right], position, checker.segment(node)
        )
    symbol, function = ARITHMETIC[kind]
    position = checker.operator_position(node.left, node.right, symbol)
    return _arithmetic(checker, symbol, function, left, right, position, checker.segment(node))


def _arithmetic(
    checker: Checker,
    symbol: str,
    function: Callable[[Any, Any], Any],
    left: Typed,
    right: Typed,
    position: int,
    text: str,
) -> Typed:
    construct = f"operator '{symbol}'"
    for side in (left, right):
        if side.is_null:
            checker.fail(
                f"None cannot be used with '{symbol}'",
                side.position,
                construct,
                "use if_else(is_null(x), ..., ...) to handle missing values",
            )
    kinds = {left.dtype, right.dtype}
    numeric = kinds <= {*NUMBERS, Dtype.UNKNOWN}
    if symbol == "+" and Dtype.STRING in kinds and kinds <= {Dtype.STRING, Dtype.UNKNOWN}:
        dtype = Dtype.STRING if kinds == {Dtype.STRING} else Dtype.UNKNOWN
    elif not numeric:
        checker.fail(
            f"cannot apply '{symbol}' to {left.dtype.value} and {right.dtype.value}: "
            f"{left.described()}, {right.described()}",
            position,
            construct,
            _arithmetic_hint(symbol, kinds),
        )
    elif symbol == "/":
        dtype = Dtype.FLOAT
    elif symbol == "**":
        return _power(checker, left, right, position, text)
    elif Dtype.UNKNOWN in kinds:
        dtype = Dtype.UNKNOWN
    else:
        dtype = Dtype.INTEGER if kinds == {Dtype.INTEGER} else Dtype.FLOAT
    if left.is_constant and right.is_constant:
        return _fold_arithmetic(checker, symbol, function, left, right, position, text)
    run_left, run_right = left.run, right.run
    if symbol in ("+", "-", "*") and dtype in (Dtype.INTEGER, Dtype.UNKNOWN):
        example = f"float({left.text}) {symbol} {right.text}"
        function = _checked_integer(
            function, symbol, position, text, located_at(position, checker.text), example
        )
    if symbol in ("//", "%") and dtype is Dtype.INTEGER:

        def run(frame: pd.DataFrame) -> Value:
            # pandas answers an integer division by zero with float inf/NaN: keep integers.
            return conform(function(run_left(frame), run_right(frame)), Dtype.INTEGER)

    else:

        def run(frame: pd.DataFrame) -> Value:
            return function(run_left(frame), run_right(frame))

    return Typed(dtype, run, position, text)


def _power(checker: Checker, base: Typed, exponent: Typed, position: int, text: str) -> Typed:
    if base.is_constant and exponent.is_constant:
        return _fold_arithmetic(checker, "**", operator.pow, base, exponent, position, text)
    run_base, run_exponent = base.run, exponent.run
    whole = isinstance(exponent.value, int) and exponent.value >= 0
    if exponent.is_constant and whole and base.dtype in (Dtype.INTEGER, Dtype.UNKNOWN):
        power = exponent.value
        where, example = located_at(position, checker.text), f"float({base.text}) ** {power}"
        raised = _checked_integer(operator.pow, "**", position, text, where, example)
        return Typed(base.dtype, lambda frame: raised(run_base(frame), power), position, text)

    def run(frame: pd.DataFrame) -> Value:
        return as_float(run_base(frame)) ** as_float(run_exponent(frame))

    return Typed(Dtype.FLOAT, run, position, text)


def _fold_arithmetic(
    checker: Checker,
    symbol: str,
    function: Callable[[Any, Any], Any],
    left: Typed,
    right: Typed,
    position: int,
    text: str,
) -> Typed:
    construct = f"operator '{symbol}'"
    a, b = left.value, right.value
    if symbol == "**" and not abs(b) <= MAX_CONSTANT_EXPONENT:
        checker.fail(
            f"the exponent {b!r} is too large for a power of constants; "
            f"the limit is {MAX_CONSTANT_EXPONENT}",
            position,
            construct,
            "use a smaller exponent",
        )
    try:
        value = function(a, b)
    except ZeroDivisionError:
        checker.fail("division by zero", position, construct, "divide by a number other than 0")
    except OverflowError:
        checker.fail(
            "the result is too large for a float", position, construct, "use smaller numbers"
        )
    if isinstance(value, complex):
        checker.fail(
            "the result is not a real number",
            position,
            construct,
            "a negative number has no real fractional power",
        )
    if isinstance(value, int) and not INT64_MIN <= value <= INT64_MAX:
        checker.fail(
            "the result does not fit in a 64-bit integer",
            position,
            construct,
            "write a float to compute with large numbers, e.g. 2.0 ** 64",
        )
    dtype = {int: Dtype.INTEGER, float: Dtype.FLOAT, str: Dtype.STRING}[type(value)]
    return constant(value, dtype, position, text)


def unary(checker: Checker, node: ast.UnaryOp) -> Typed:
    """Unary minus and plus on numbers."""
    operand = checker.visit(node.operand)
    position, text = checker.position(node), checker.segment(node)
    symbol = "-" if isinstance(node.op, ast.USub) else "+"
    if operand.dtype not in (*NUMBERS, Dtype.UNKNOWN) or operand.is_null:
        checker.fail(
            f"unary '{symbol}' needs a number, but {operand.described()}",
            position,
            f"operator '{symbol}'",
            _arithmetic_hint(symbol, {operand.dtype}),
        )
    if operand.is_constant:
        value = -operand.value if symbol == "-" else operand.value
        if isinstance(value, int) and not INT64_MIN <= value <= INT64_MAX:
            checker.fail("the integer is too large for 64 bits", position, "integer literal")
        return constant(value, operand.dtype, position, text)
    if symbol == "+":
        return operand
    run_operand = operand.run
    # -x is 0 - x: the same overflow check (the negation of the smallest int64 wraps)
    where, example = located_at(position, checker.text), f"-float({operand.text})"
    negate = _checked_integer(operator.sub, "-", position, text, where, example)
    return Typed(operand.dtype, lambda frame: negate(0, run_operand(frame)), position, text)


def _integer_bounds(value: Value) -> tuple[int, int] | None:
    """The smallest and largest value of an integer operand; None when it is not integers."""
    if isinstance(value, pd.Series):
        if not pdt.is_integer_dtype(value.dtype):
            return None
        low, high = value.min(), value.max()
        return (0, 0) if is_missing(low) else (int(low), int(high))
    if isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_):
        return int(value), int(value)
    return None


def _checked_integer(
    function: Callable[[Any, Any], Any],
    symbol: str,
    position: int,
    text: str,
    where: str,
    example: str,
) -> Callable[[Value, Value], Value]:
    """`function` (+ - * or ** by a whole constant) on integers, refusing a result beyond 64 bits.

    numpy and pandas wrap int64 results around silently (units * 10**13 turns negative). The
    check costs a min and max per operand: the result's range follows exactly from the operands'
    ranges (Python integers do not overflow); only when that range leaves int64 is the operation
    repeated in floats to find the rows that really overflow (a float result at or beyond 2**63).
    """

    def compute(left: Value, right: Value) -> Value:
        result = function(left, right)
        bounds = _integer_bounds(left), _integer_bounds(right)
        if bounds[0] is None or bounds[1] is None:
            return result  # a float operand: the result is a float, it cannot wrap
        if _range_fits(function, bounds[0], bounds[1]):
            return result
        with np.errstate(all="ignore"):
            approximate = function(as_float(left), as_float(right))
        if isinstance(approximate, pd.Series):
            values = approximate.to_numpy(dtype="float64", na_value=np.nan)
            rows = np.flatnonzero(np.abs(values) >= 2.0**63)
            count = len(rows)
            first = f", first in row {approximate.index[rows[0]]!r}" if count else ""
        else:
            count = int(abs(float(approximate)) >= 2.0**63)
            first = ""
        if count:
            raise ExpressionError(
                f"{text} is beyond the 64-bit integer range in {count} "
                f"row{'s' if count != 1 else ''}{first}{where}",
                position,
                f"operator '{symbol}'",
                f"compute in floats: {example} (floats keep about 15 significant digits)",
            )
        return result

    return compute


def _range_fits(
    function: Callable[[Any, Any], Any], left: tuple[int, int], right: tuple[int, int]
) -> bool:
    if function is operator.pow:
        exponent = right[0]
        base = max(abs(left[0]), abs(left[1]))
        if base <= 1:
            return True
        return exponent <= 64 and base**exponent <= INT64_MAX
    corners: list[int] = [function(a, b) for a in left for b in right]
    return min(corners) >= INT64_MIN and max(corners) <= INT64_MAX


def _arithmetic_hint(symbol: str, kinds: set[Dtype]) -> str:
    if Dtype.BOOLEAN in kinds:
        return "turn a condition into a number with if_else(cond, 1, 0)"
    if Dtype.DATETIME in kinds:
        return "take date parts first, e.g. year(d) or month(d)"
    if Dtype.STRING in kinds:
        return "'+' joins two strings; other arithmetic needs numbers"
    return f"'{symbol}' needs numbers"
